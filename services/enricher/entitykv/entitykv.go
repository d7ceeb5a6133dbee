// Package entitykv is the enricher's entity memory in a JetStream
// key-value bucket, shared by every enricher replica: it implements
// canon.Memory.
//
// The bucket holds two kinds of keys:
//
//	e.<entity id>   the entity's canon.Remembered (JSON)
//	k.<hash>        the ids indexed under a canon index key (the key is
//	                hashed into the bucket's key alphabet), newest last,
//	                at most canon.MaxKeyMembers (JSON)
//
// Remember merges each record into the stored one (canon.Remembered.Merge)
// and adds its id to its index keys, each write a compare-and-set on the
// revision read, retried a few times when another replica wrote the same
// key in between. The revision is the one Recall read a moment before
// (canon.Link recalls an article's keys, then remembers it under the same
// keys): Recall keeps what it read in a small cache that Remember takes
// its starting point from, so a key is read once and written once per
// article, not read twice. A key Recall did not read is created without a
// read (an entity not found under its own keys is new); a stale starting
// point costs only a failed compare-and-set and a fresh read, never a
// wrong write. The memory only joins entities, so a lost race costs
// a missed join (two ids for one entity until a later article joins them
// in the memory's view), never a wrong one. Entries expire with the
// bucket's TTL counted from their last write, and the bucket's MaxBytes
// bounds it: an entity nobody names for that long is forgotten.
package entitykv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
)

// DefaultBucket is the bucket's name unless configured otherwise.
const DefaultBucket = pipeline.BucketEntities

// Config configures the memory.
type Config struct {
	// Bucket is the KV bucket's name (DefaultBucket when empty).
	Bucket string
	// TTL is how long an entity is remembered after it was last named
	// (default 90 days).
	TTL time.Duration
	// MaxBytes bounds the bucket (default 1 GiB); -1 for no bound.
	MaxBytes int64
	// Replicas of the bucket (default 1).
	Replicas int
	// Storage: file (default) or memory.
	Storage jetstream.StorageType
	// Retries of a compare-and-set that lost to another replica (default 8).
	Retries int
	// Uncompressed turns off S2 compression of the bucket on disk
	// (compressed by default, like the streams: -stream-compression).
	Uncompressed bool
	// Apply makes this process the bucket's owner (-apply-topology): New
	// creates or updates the bucket to this Config. Otherwise New creates
	// it if absent and refuses one with other settings
	// (runner.ErrTopologyMismatch), so a replica with stale flags cannot
	// change it for the others.
	Apply bool
}

func (c *Config) defaults() error {
	if c.Bucket == "" {
		c.Bucket = DefaultBucket
	}
	if c.TTL == 0 {
		c.TTL = 90 * 24 * time.Hour
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = 1 << 30
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.Retries == 0 {
		c.Retries = 8
	}
	switch {
	case !validBucket.MatchString(c.Bucket):
		return fmt.Errorf("entitykv: bucket name %q: want letters, digits, - and _", c.Bucket)
	case c.TTL < time.Second:
		return fmt.Errorf("entitykv: TTL %v is under a second", c.TTL)
	case c.Replicas < 1 || c.Replicas > 5:
		return fmt.Errorf("entitykv: %d replicas, want 1 to 5", c.Replicas)
	case c.Retries < 1:
		return fmt.Errorf("entitykv: %d retries, want at least 1", c.Retries)
	case c.MaxBytes < -1:
		return fmt.Errorf("entitykv: MaxBytes %d", c.MaxBytes)
	}
	return nil
}

var validBucket = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// Memory is a canon.Memory in a JetStream key-value bucket. It is safe for
// concurrent use, and several processes may share one bucket.
type Memory struct {
	kv     jetstream.KeyValue
	cfg    Config
	recent recentReads
}

var _ canon.Memory = (*Memory)(nil)

// New creates the bucket if it does not exist (and updates or verifies its
// configuration, see Config.Apply) and returns a Memory on it.
func New(ctx context.Context, js jetstream.JetStream, cfg Config) (*Memory, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	kv, err := runner.EnsureKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket:      cfg.Bucket,
		Description: "newsflow enricher entity memory: entities' spellings and context, and their index",
		History:     1,
		TTL:         cfg.TTL,
		MaxBytes:    cfg.MaxBytes,
		Storage:     cfg.Storage,
		Replicas:    cfg.Replicas,
		Compression: !cfg.Uncompressed,
	}, cfg.Apply)
	if err != nil {
		return nil, fmt.Errorf("entitykv: %w", err)
	}
	return &Memory{kv: kv, cfg: cfg, recent: recentReads{max: recentMax}}, nil
}

var validID = regexp.MustCompile(`^[a-zA-Z0-9_=-]{1,128}$`)

func entityKey(id string) string {
	if validID.MatchString(id) {
		return "e." + id
	}
	return "e.h" + hash(id)
}

func indexKey(k string) string { return "k." + hash(k) }

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// Recall implements canon.Memory. Its reads go out at once, not one
// round trip after another: the index keys, then the entities they name.
func (m *Memory) Recall(ctx context.Context, keys []string) ([]canon.Remembered, error) {
	members := make([][]string, len(keys))
	err := each(len(keys), func(i int) error {
		k := indexKey(keys[i])
		rev, err := m.get(ctx, k, &members[i])
		if err != nil {
			return fmt.Errorf("entitykv: recall %q: %w", keys[i], err)
		}
		m.recent.put(k, read{rev: rev, members: slices.Clone(members[i])})
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, ms := range members {
		for _, id := range ms {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	recs := make([]canon.Remembered, len(ids))
	revs := make([]uint64, len(ids))
	err = each(len(ids), func(i int) error {
		k := entityKey(ids[i])
		rev, err := m.get(ctx, k, &recs[i])
		if err != nil {
			return fmt.Errorf("entitykv: recall %s: %w", ids[i], err)
		}
		revs[i] = rev
		if rev != 0 {
			m.recent.put(k, read{rev: rev, rec: clone(recs[i])})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]canon.Remembered, 0, len(ids))
	for i, r := range recs {
		if revs[i] != 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// Remember implements canon.Memory. Each key is written once, its
// changes applied in the records' order as one compare-and-set, and the
// keys are written at once, not one round trip after another.
func (m *Memory) Remember(ctx context.Context, recs []canon.Remembered) error {
	var entities, index []string // keys, in first-seen order
	merges := map[string][]canon.Remembered{}
	adds := map[string][]string{}
	named := map[string]string{} // index key → the canon key it hashes
	for _, r := range recs {
		k := entityKey(r.ID)
		if _, ok := merges[k]; !ok {
			entities = append(entities, k)
		}
		merges[k] = append(merges[k], r)
		for _, key := range r.Keys {
			ik := indexKey(key)
			if _, ok := adds[ik]; !ok {
				index = append(index, ik)
				named[ik] = key
			}
			adds[ik] = append(adds[ik], r.ID)
		}
	}
	return each(len(entities)+len(index), func(i int) error {
		if i < len(entities) {
			k := merges[entities[i]]
			err := m.update(ctx, entities[i], func(stored *canon.Remembered) {
				for _, r := range k {
					stored.Merge(r)
				}
			}, func() *canon.Remembered { return &canon.Remembered{ID: k[0].ID, Type: k[0].Type} })
			if err != nil {
				return fmt.Errorf("entitykv: remember %s: %w", k[0].ID, err)
			}
			return nil
		}
		ik := index[i-len(entities)]
		if err := m.updateMembers(ctx, ik, adds[ik]); err != nil {
			return fmt.Errorf("entitykv: index %q: %w", named[ik], err)
		}
		return nil
	})
}

// inFlight bounds the requests one Recall or Remember has out at once.
const inFlight = 32

// each runs f(0..n-1) with up to inFlight at once and returns the first
// error (by index), after all have returned.
func each(n int, f func(i int) error) error {
	if n <= 1 {
		if n == 1 {
			return f(0)
		}
		return nil
	}
	errs := make([]error, n)
	sem := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// get reads key into v; revision 0 when absent.
func (m *Memory) get(ctx context.Context, key string, v any) (uint64, error) {
	e, err := m.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return e.Revision(), nil
}

// cas writes value at key: Create when rev is 0, else Update at rev.
// It reports false when another writer got there first.
func (m *Memory) cas(ctx context.Context, key string, rev uint64, value any) (bool, error) {
	b, err := json.Marshal(value)
	if err != nil {
		return false, err
	}
	if rev == 0 {
		_, err = m.kv.Create(ctx, key, b)
	} else {
		_, err = m.kv.Update(ctx, key, b, rev)
	}
	var apiErr *jetstream.APIError
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, jetstream.ErrKeyExists), errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence:
		return false, nil
	}
	return false, err
}

func (m *Memory) update(ctx context.Context, key string, merge func(*canon.Remembered), fresh func() *canon.Remembered) error {
	// First from what Recall read (or, not read, as new: an entity not
	// found under its own index keys is one the memory does not have),
	// then from the server whenever the compare-and-set says it changed.
	stored, rev := fresh(), uint64(0)
	if r, ok := m.recent.take(key); ok && r.rec.ID != "" {
		stored, rev = &r.rec, r.rev
	}
	for range m.cfg.Retries {
		merge(stored)
		ok, err := m.cas(ctx, key, rev, stored)
		if err != nil || ok {
			return err
		}
		stored = fresh()
		if rev, err = m.get(ctx, key, stored); err != nil {
			return err
		}
	}
	return errConflict
}

// updateMembers adds ids to the index key's members in order, each one
// moved to the end (newest last) if it is there already.
func (m *Memory) updateMembers(ctx context.Context, key string, ids []string) error {
	var members []string
	var rev uint64
	r, known := m.recent.take(key)
	if known {
		members, rev = r.members, r.rev
	}
	for range m.cfg.Retries {
		if !known {
			members = nil
			var err error
			if rev, err = m.get(ctx, key, &members); err != nil {
				return err
			}
		}
		known = false // a failed compare-and-set: read it afresh
		changed := false
		for _, id := range ids {
			if n := len(members); n > 0 && members[n-1] == id {
				continue // already the newest
			}
			members = slices.DeleteFunc(members, func(x string) bool { return x == id })
			members = append(members, id)
			if len(members) > canon.MaxKeyMembers {
				members = members[len(members)-canon.MaxKeyMembers:]
			}
			changed = true
		}
		if !changed {
			return nil // nothing to write
		}
		ok, err := m.cas(ctx, key, rev, members)
		if err != nil || ok {
			return err
		}
	}
	return errConflict
}

var errConflict = errors.New("entitykv: key kept changing under concurrent writers")

// recentMax bounds the reads Recall keeps for Remember: enough for the
// articles one enricher links at once (each recalls a few hundred keys).
const recentMax = 4096

// read is what Recall read at a key: an entity's record or an index key's
// members, at a revision (0: absent).
type read struct {
	rev     uint64
	rec     canon.Remembered
	members []string
}

// recentReads keeps the latest read of each key until Remember takes it,
// at most max keys (the oldest forgotten first).
type recentReads struct {
	mu    sync.Mutex
	max   int
	n     uint64 // reads put so far
	reads map[string]kept
	order []putAt // oldest first; some since taken or put again
}

type kept struct {
	read
	at uint64
}

type putAt struct {
	key string
	at  uint64
}

func (c *recentReads) put(key string, r read) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reads == nil {
		c.reads = make(map[string]kept)
	}
	c.n++
	c.reads[key] = kept{r, c.n}
	c.order = append(c.order, putAt{key, c.n})
	for len(c.reads) > c.max || len(c.order) > 2*c.max {
		old := c.order[0]
		c.order = c.order[1:]
		if k, ok := c.reads[old.key]; ok && k.at == old.at {
			delete(c.reads, old.key)
		}
	}
}

// take returns the read kept at key and forgets it: a read serves one
// write, which makes it stale.
func (c *recentReads) take(key string) (read, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.reads[key]
	if ok {
		delete(c.reads, key)
	}
	return k.read, ok
}

// clone copies r's slices, so that merging into the kept copy cannot
// change what Recall returned.
func clone(r canon.Remembered) canon.Remembered {
	r.Names, r.Clues, r.Keys = slices.Clone(r.Names), slices.Clone(r.Clues), slices.Clone(r.Keys)
	return r
}
