// Package storykv is the enricher's story memory in a JetStream key-value
// bucket, shared by every enricher replica: it implements enrich.Memory.
//
// The bucket holds two kinds of keys:
//
//	a.<article id>   the article's enrich.Record (JSON)
//	k.<index key>    the ids of the articles indexed under a signature key,
//	                 newest last, at most enrich.MaxKeyMembers (JSON)
//
// Remember follows the enrich.Memory contract: it writes the index keys
// one by one in sorted order, each a compare-and-set on the revision
// Recall read (Create for a key that did not exist, Update with the
// revision for one that did), stops with enrich.ErrConflict at the first
// key another replica changed, and writes the record only once every key
// is written. Recall reports as Pending the ids under the keys that have no
// record yet and were added less than Config.InFlight ago; older ones are
// writes interrupted by a crash and are ignored (the article's redelivery
// links it again). So two replicas enriching related articles at the same
// moment never both miss each other: the second to reach a shared key
// either conflicts or waits, then decides with the first one in view.
// Entries expire with the bucket's TTL (its max age), counted from their
// last write.
package storykv

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/services/enricher/enrich"
)

// Config configures the bucket.
type Config struct {
	// Bucket is the bucket name (default "newsflow_stories").
	Bucket string
	// TTL is how long an article is remembered after its last write
	// (default 7 days). It should exceed the enricher's story window.
	TTL time.Duration
	// Replicas of the bucket's stream in a clustered JetStream (default 1).
	Replicas int
	// Storage is file (default) or memory.
	Storage jetstream.StorageType
	// MaxBytes bounds the bucket (default unlimited; the TTL bounds it).
	MaxBytes int64
	// MaxCandidates bounds how many earlier articles one Recall reads,
	// those sharing the most keys first (default 128).
	MaxCandidates int
	// Parallel is how many bucket reads one Recall has in flight
	// (default 16).
	Parallel int
	// InFlight is how long an id indexed without a record counts as being
	// written rather than abandoned (default 5s).
	InFlight time.Duration
}

// DefaultBucket is the bucket name when Config.Bucket is empty.
const DefaultBucket = "newsflow_stories"

func (c *Config) defaults() error {
	if c.Bucket == "" {
		c.Bucket = DefaultBucket
	}
	if c.TTL == 0 {
		c.TTL = 7 * 24 * time.Hour
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = -1
	}
	if c.MaxCandidates == 0 {
		c.MaxCandidates = 128
	}
	if c.Parallel == 0 {
		c.Parallel = 16
	}
	if c.InFlight == 0 {
		c.InFlight = 5 * time.Second
	}
	switch {
	case !validBucket.MatchString(c.Bucket):
		return fmt.Errorf("storykv: bucket name %q: want letters, digits, - and _", c.Bucket)
	case c.TTL < time.Second:
		return fmt.Errorf("storykv: TTL %v is under a second", c.TTL)
	case c.Replicas < 1 || c.Replicas > 5:
		return fmt.Errorf("storykv: %d replicas, want 1 to 5", c.Replicas)
	case c.MaxCandidates < 1 || c.Parallel < 1 || c.InFlight < 0:
		return fmt.Errorf("storykv: MaxCandidates and Parallel must be positive, InFlight not negative")
	}
	return nil
}

var validBucket = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// Memory is an enrich.Memory in a JetStream key-value bucket. It is safe
// for concurrent use, and several processes may share one bucket.
type Memory struct {
	kv  jetstream.KeyValue
	cfg Config
}

var _ enrich.Memory = (*Memory)(nil)

// New creates the bucket if it does not exist (or updates its
// configuration) and returns a Memory on it.
func New(ctx context.Context, js jetstream.JetStream, cfg Config) (*Memory, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      cfg.Bucket,
		Description: "newsflow enricher story memory: article signatures and their index",
		History:     1,
		TTL:         cfg.TTL,
		MaxBytes:    cfg.MaxBytes,
		Storage:     cfg.Storage,
		Replicas:    cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("storykv: bucket %s: %w", cfg.Bucket, err)
	}
	return &Memory{kv: kv, cfg: cfg}, nil
}

// recordKey is the bucket key of an article's record. Article ids are hex
// in newsflow; anything else is hashed into the key alphabet.
func recordKey(id string) string {
	if validID.MatchString(id) && len(id) <= 128 {
		return "a." + id
	}
	sum := sha256.Sum256([]byte(id))
	return "a.h" + hex.EncodeToString(sum[:16])
}

var validID = regexp.MustCompile(`^[a-zA-Z0-9_=-]+$`)

func indexKey(k string) string { return "k." + k }

// Recall implements enrich.Memory.
func (m *Memory) Recall(ctx context.Context, id string, keys []string) (enrich.Recall, error) {
	rc := enrich.Recall{Versions: make(map[string]uint64, len(keys)), Members: make(map[string][]enrich.Member, len(keys))}
	var self *enrich.Record
	var mu sync.Mutex
	err := m.parallel(ctx, len(keys)+1, func(ctx context.Context, i int) error {
		if i == len(keys) {
			r, err := m.record(ctx, id)
			self = r
			return err
		}
		e, err := m.kv.Get(ctx, indexKey(keys[i]))
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("get %s: %w", keys[i], err)
		}
		var members []enrich.Member
		if err := json.Unmarshal(e.Value(), &members); err != nil {
			return fmt.Errorf("key %s: %w", keys[i], err)
		}
		mu.Lock()
		rc.Versions[keys[i]], rc.Members[keys[i]] = e.Revision(), members
		mu.Unlock()
		return nil
	})
	if err != nil {
		return enrich.Recall{}, fmt.Errorf("storykv: recall: %w", err)
	}
	rc.Self = self

	// The articles sharing the most keys with this one, newest first, and
	// every one added within InFlight (it may be pending).
	shared := map[string]int{}
	added := map[string]int64{}
	for _, members := range rc.Members {
		for _, mb := range members {
			if mb.ID == id {
				continue
			}
			shared[mb.ID]++
			added[mb.ID] = max(added[mb.ID], mb.At)
		}
	}
	ids := make([]string, 0, len(shared))
	for mid := range shared {
		ids = append(ids, mid)
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(shared[b]-shared[a], cmp.Compare(added[b], added[a]), cmp.Compare(a, b))
	})
	recent := time.Now().Add(-m.cfg.InFlight).UnixMilli()
	fetch := ids[:min(len(ids), m.cfg.MaxCandidates)]
	for _, mid := range ids[len(fetch):] {
		if added[mid] >= recent {
			fetch = append(fetch, mid)
		}
	}
	recs := make([]*enrich.Record, len(fetch))
	err = m.parallel(ctx, len(fetch), func(ctx context.Context, i int) error {
		r, err := m.record(ctx, fetch[i])
		recs[i] = r
		return err
	})
	if err != nil {
		return enrich.Recall{}, fmt.Errorf("storykv: recall: %w", err)
	}
	for i, r := range recs {
		switch {
		case r != nil:
			rc.Candidates = append(rc.Candidates, *r)
		case added[fetch[i]] >= recent:
			rc.Pending = append(rc.Pending, fetch[i])
		}
		// Otherwise the record expired, or its write was abandoned.
	}
	return rc, nil
}

// record reads an article's record, or nil if there is none.
func (m *Memory) record(ctx context.Context, id string) (*enrich.Record, error) {
	e, err := m.kv.Get(ctx, recordKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get record %s: %w", id, err)
	}
	var r enrich.Record
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return nil, fmt.Errorf("record %s: %w", id, err)
	}
	return &r, nil
}

// Remember implements enrich.Memory.
func (m *Memory) Remember(ctx context.Context, rec enrich.Record, keys []string, seen enrich.Recall) error {
	data, err := json.Marshal(&rec)
	if err != nil {
		return fmt.Errorf("storykv: record %s: %w", rec.ID, err)
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	now := time.Now().UnixMilli()
	for _, k := range sorted {
		members, err := json.Marshal(enrich.AddMember(seen.Members[k], rec.ID, now))
		if err != nil {
			return fmt.Errorf("storykv: key %s: %w", k, err)
		}
		if rev := seen.Versions[k]; rev == 0 {
			_, err = m.kv.Create(ctx, indexKey(k), members)
		} else {
			_, err = m.kv.Update(ctx, indexKey(k), members, rev)
		}
		if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return enrich.ErrConflict
		}
		if err != nil {
			return fmt.Errorf("storykv: write %s: %w", k, err)
		}
	}
	// Every key is ours: the decision stands, and the record says so.
	if _, err := m.kv.Put(ctx, recordKey(rec.ID), data); err != nil {
		return fmt.Errorf("storykv: put record %s: %w", rec.ID, err)
	}
	return nil
}

// parallel runs f(0..n-1) with at most cfg.Parallel in flight, returning
// the first error.
func (m *Memory) parallel(ctx context.Context, n int, f func(context.Context, int) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, m.cfg.Parallel)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			once.Do(func() { first = ctx.Err() })
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return first
}
