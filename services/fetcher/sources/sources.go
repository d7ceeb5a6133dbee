// Package sources is newsflow's source registry: the feeds, sitemaps and
// pages the fetcher polls, kept in JetStream key-value buckets so the CLI,
// an API and every fetcher replica share one live list.
//
// Three buckets, created idempotently by whoever opens them first:
//
//   - newsflow_sources (RegistryBucket): one entry per source, keyed by
//     the source's id (a hash of its canonical URL), written by people —
//     `newsflow sources add|rm|pause|resume`, or a seed file. Fetchers
//     watch it and start or stop polling at once.
//   - newsflow_source_state (StateBucket): one entry per source, written
//     by fetchers: when it is next due, who holds its lease, validators
//     for conditional GETs, the last error. It is also how replicas share
//     the work (see Lease).
//   - newsflow_seen: the fetcher's memory of articles already published
//     (package fetchersvc); not opened here.
//
// Work sharing: every replica watches both buckets and keeps every active
// source on its own timer. When a source falls due, replicas race to take
// its lease with a compare-and-set on its state entry's revision; exactly
// one wins, polls, renews the lease while it works, and releases it with
// the next due time, which the other replicas see through their watch. A
// replica that dies mid-poll loses its lease when it expires, and another
// takes the source over. No source is ever polled by two replicas at once.
package sources

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
)

// Bucket names.
const (
	RegistryBucket = pipeline.BucketSources
	StateBucket    = pipeline.BucketSourceState
)

// Limits on a source's polling interval.
const (
	DefaultEvery = 5 * time.Minute
	MinEvery     = time.Second
	MaxEvery     = 7 * 24 * time.Hour
)

// Errors callers branch on.
var (
	ErrNotFound  = errors.New("no such source")
	ErrAmbiguous = errors.New("more than one source matches")
	ErrInvalid   = errors.New("invalid source")
	// ErrBusy: another replica holds the source's lease.
	ErrBusy = errors.New("source is being polled by another fetcher")
	// ErrNotDue: the source's next poll is still ahead.
	ErrNotDue = errors.New("source is not due")
	// ErrLeaseLost: the lease expired and another replica took it.
	ErrLeaseLost = errors.New("lease lost")
)

// Source is one registered source.
type Source struct {
	ID   string `json:"id" yaml:"-"`
	URL  string `json:"url" yaml:"url"`
	Name string `json:"name,omitempty" yaml:"name"`
	// Kind is feed, sitemap or page; "" detects it from what the URL serves.
	Kind   fetch.Kind `json:"kind,omitempty" yaml:"kind"`
	Every  Duration   `json:"every" yaml:"every"`
	Paused bool       `json:"paused,omitempty" yaml:"paused"`
	Added  time.Time  `json:"added" yaml:"-"`
}

// Duration is a time.Duration written as "5m0s" in JSON and YAML.
type Duration struct{ time.Duration }

// MarshalJSON writes d as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return d.UnmarshalText([]byte(s))
}

// UnmarshalText reads a Go duration string ("90s", "5m", "1h30m").
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// ID is the id of the source at rawURL: a hash of its canonical URL, so
// the same feed added twice, spelt differently, is one source.
func ID(rawURL string) (string, error) {
	canon, err := pipeline.CanonicalURL(rawURL)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	sum := sha256.Sum256([]byte("source\x00" + canon))
	return hex.EncodeToString(sum[:8]), nil
}

// Normalize validates s, fills its defaults (Every, Name, ID) and returns it.
func (s Source) Normalize() (Source, error) {
	id, err := ID(s.URL)
	if err != nil {
		return s, err
	}
	s.ID = id
	s.URL = strings.TrimSpace(s.URL)
	s.Name = strings.TrimSpace(s.Name)
	if s.Every.Duration == 0 {
		s.Every.Duration = DefaultEvery
	}
	if s.Every.Duration < MinEvery || s.Every.Duration > MaxEvery {
		return s, fmt.Errorf("%w: %s: every %s is outside %s to %s", ErrInvalid, s.URL, s.Every, MinEvery, MaxEvery)
	}
	switch s.Kind {
	case "", fetch.KindFeed, fetch.KindSitemap, fetch.KindPage:
	default:
		return s, fmt.Errorf("%w: %s: kind %q is not feed, sitemap or page", ErrInvalid, s.URL, s.Kind)
	}
	if s.Added.IsZero() {
		s.Added = time.Now().UTC()
	}
	return s, nil
}

// Label is how logs and the CLI name s.
func (s Source) Label() string { return cmp.Or(s.Name, s.URL) }

// State is what fetchers record about a source.
type State struct {
	// NextPoll is when the source is next due.
	NextPoll time.Time `json:"next_poll"`
	// Owner holds the lease until LeaseUntil.
	Owner      string    `json:"owner,omitempty"`
	LeaseUntil time.Time `json:"lease_until"`

	LastPoll   time.Time `json:"last_poll"`
	LastStatus string    `json:"last_status,omitempty"`
	LastError  string    `json:"last_error,omitempty"`
	// Failures counts polls failed in a row; the interval backs off with it.
	Failures int `json:"failures,omitempty"`
	// Published counts the articles published from this source.
	Published int64 `json:"published,omitempty"`

	// Validators of the source URL for a conditional GET.
	Validators Validators `json:"validators"`
	// Children are a sitemap index's children's validators, by URL.
	Children map[string]Validators `json:"children,omitempty"`
}

// Validators make a GET conditional.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Lastmod is what the parent sitemap index said when they were taken.
	Lastmod *time.Time `json:"lastmod,omitempty"`
}

// Registry is the source registry and the sources' state.
type Registry struct {
	sources jetstream.KeyValue
	state   jetstream.KeyValue
}

// Open opens the registry, creating its buckets if absent. Their replica
// count follows the pipeline's raw stream (1 if it does not exist yet), so
// a clustered deployment keeps sources as safely as articles. With apply
// (the fetcher started with -apply-topology) existing buckets are updated
// to that; otherwise they are verified, and a difference is refused
// (runner.ErrTopologyMismatch): a client or a stale replica does not
// change them for the fleet.
func Open(ctx context.Context, js jetstream.JetStream, apply bool) (*Registry, error) {
	replicas := Replicas(ctx, js)
	sources, err := runner.EnsureKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket: RegistryBucket, Description: "newsflow: sources the fetcher polls",
		History: 5, Storage: jetstream.FileStorage, Replicas: replicas,
	}, apply)
	if err != nil {
		return nil, err
	}
	state, err := runner.EnsureKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket: StateBucket, Description: "newsflow: fetcher state and leases, per source",
		History: 1, Storage: jetstream.FileStorage, Replicas: replicas,
	}, apply)
	if err != nil {
		return nil, err
	}
	return &Registry{sources: sources, state: state}, nil
}

// Replicas is the replica count of the pipeline's raw stream, or 1.
func Replicas(ctx context.Context, js jetstream.JetStream) int {
	if st, err := js.Stream(ctx, pipeline.StreamRaw); err == nil {
		if r := st.CachedInfo().Config.Replicas; r > 0 {
			return r
		}
	}
	return 1
}

// Add registers s, or, if a source with its URL is registered, updates
// that one's name, interval and kind (keeping whether it is paused). It
// returns the stored source and whether it is new.
func (r *Registry) Add(ctx context.Context, s Source) (Source, bool, error) {
	s, err := s.Normalize()
	if err != nil {
		return s, false, err
	}
	for {
		data, err := json.Marshal(&s)
		if err != nil {
			return s, false, err
		}
		_, err = r.sources.Create(ctx, s.ID, data)
		if err == nil {
			return s, true, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return s, false, err
		}
		cur, err := r.modify(ctx, s.ID, func(cur *Source) {
			cur.URL, cur.Name, cur.Kind, cur.Every = s.URL, s.Name, s.Kind, s.Every
		})
		if errors.Is(err, ErrNotFound) {
			continue // removed in between: create it
		}
		return cur, false, err
	}
}

// modify applies change to the source with id under compare-and-set,
// retrying when another writer got in first.
func (r *Registry) modify(ctx context.Context, id string, change func(*Source)) (Source, error) {
	for {
		entry, err := r.sources.Get(ctx, id)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return Source{}, fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		if err != nil {
			return Source{}, err
		}
		cur, err := decodeSource(entry.Value())
		if err != nil {
			return Source{}, fmt.Errorf("source %s: %w", id, err)
		}
		change(&cur)
		data, err := json.Marshal(&cur)
		if err != nil {
			return Source{}, err
		}
		_, err = r.sources.Update(ctx, id, data, entry.Revision())
		if errors.Is(err, jetstream.ErrKeyExists) {
			continue
		}
		return cur, err
	}
}

func decodeSource(data []byte) (Source, error) {
	var s Source
	err := json.Unmarshal(data, &s)
	return s, err
}

// SetPaused pauses or resumes the source with id.
func (r *Registry) SetPaused(ctx context.Context, id string, paused bool) (Source, error) {
	return r.modify(ctx, id, func(s *Source) { s.Paused = paused })
}

// Remove deletes the source with id and its state.
func (r *Registry) Remove(ctx context.Context, id string) error {
	if _, err := r.sources.Get(ctx, id); errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	} else if err != nil {
		return err
	}
	if err := r.sources.Delete(ctx, id); err != nil {
		return err
	}
	if err := r.state.Purge(ctx, id); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return err
	}
	return nil
}

// Get returns the source with id.
func (r *Registry) Get(ctx context.Context, id string) (Source, error) {
	entry, err := r.sources.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Source{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return Source{}, err
	}
	return decodeSource(entry.Value())
}

// List returns every registered source, in the order they were added.
func (r *Registry) List(ctx context.Context) ([]Source, error) {
	values, err := snapshot(ctx, r.sources)
	if err != nil {
		return nil, err
	}
	out := make([]Source, 0, len(values))
	for key, data := range values {
		s, err := decodeSource(data)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", key, err)
		}
		s.ID = key
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Added.Equal(out[j].Added) {
			return out[i].Added.Before(out[j].Added)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// States returns every source's state, by source id.
func (r *Registry) States(ctx context.Context) (map[string]State, error) {
	values, err := snapshot(ctx, r.state)
	if err != nil {
		return nil, err
	}
	out := make(map[string]State, len(values))
	for key, data := range values {
		var st State
		if err := json.Unmarshal(data, &st); err == nil {
			out[key] = st
		}
	}
	return out, nil
}

// snapshot reads a bucket's current values in one watch rather than a
// request per key.
func snapshot(ctx context.Context, kv jetstream.KeyValue) (map[string][]byte, error) {
	w, err := kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, err
	}
	defer w.Stop()
	out := map[string][]byte{}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case entry, ok := <-w.Updates():
			if !ok {
				return nil, errors.New("watch closed")
			}
			if entry == nil {
				return out, nil
			}
			out[entry.Key()] = entry.Value()
		}
	}
}

// Find returns the one source ref names: its id, its URL (any spelling
// with the same canonical form) or its name.
func (r *Registry) Find(ctx context.Context, ref string) (Source, error) {
	ref = strings.TrimSpace(ref)
	if id, err := ID(ref); err == nil {
		if s, err := r.Get(ctx, id); err == nil || !errors.Is(err, ErrNotFound) {
			return s, err
		}
	}
	if isID(ref) {
		if s, err := r.Get(ctx, ref); err == nil || !errors.Is(err, ErrNotFound) {
			return s, err
		}
	}
	all, err := r.List(ctx)
	if err != nil {
		return Source{}, err
	}
	var found []Source
	for _, s := range all {
		if strings.EqualFold(s.Name, ref) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return Source{}, fmt.Errorf("%w: %q is no source's id, URL or name", ErrNotFound, ref)
	case 1:
		return found[0], nil
	default:
		return Source{}, fmt.Errorf("%w: %d sources are named %q; use the id", ErrAmbiguous, len(found), ref)
	}
}

func isID(s string) bool {
	if len(s) != 16 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// Watch calls fn with every source as it stands now and then with every
// change (removed is true for a deletion, when only s.ID is set) until
// ctx is done. initialized is called once the current sources have been
// delivered.
func (r *Registry) Watch(ctx context.Context, fn func(s Source, removed bool), initialized func()) error {
	return watchBucket(ctx, r.sources, "source", initialized, func(key string, value []byte, removed bool) {
		if removed {
			fn(Source{ID: key}, true)
			return
		}
		s, err := decodeSource(value)
		if err != nil {
			return // not ours to crash on; List reports it
		}
		s.ID = key
		fn(s, false)
	})
}

// watchBucket is the one watch loop of the registry's buckets: every entry
// as it stands, then every change, until ctx is done, with initialized
// called once between the two.
func watchBucket(ctx context.Context, kv jetstream.KeyValue, what string, initialized func(), fn func(key string, value []byte, removed bool)) error {
	w, err := kv.WatchAll(ctx)
	if err != nil {
		return err
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case entry, ok := <-w.Updates():
			if !ok {
				return errors.New(what + " watch closed")
			}
			if entry == nil {
				if initialized != nil {
					initialized()
					initialized = nil
				}
				continue
			}
			fn(entry.Key(), entry.Value(), entry.Operation() != jetstream.KeyValuePut)
		}
	}
}

// Listing is a source with its state (nil before its first poll): what
// `newsflow sources list --json` prints and the API serves.
type Listing struct {
	Source
	State *State `json:"state,omitempty"`
}

// Listings returns every source with its state, in the order they were added.
func (r *Registry) Listings(ctx context.Context) ([]Listing, error) {
	list, err := r.List(ctx)
	if err != nil {
		return nil, err
	}
	states, err := r.States(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Listing, len(list))
	for i, s := range list {
		out[i].Source = s
		if st, ok := states[s.ID]; ok {
			out[i].State = &st
		}
	}
	return out, nil
}
