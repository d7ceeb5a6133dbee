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
// key in between. The memory only joins entities, so a lost race costs
// a missed join (two ids for one entity until a later article joins them
// in the memory's view), never a wrong one. Entries expire with the
// bucket's TTL counted from their last write, and the bucket's MaxBytes
// bounds it: an entity nobody names for that long is forgotten.
//
// Each Memory keeps the keys it read and wrote lately in a cache (of
// Config.CacheBytes), kept current by a watch on the bucket: every write,
// by this replica or another, reaches it a moment after it is made. A
// Recall reads the server only for keys not in the cache, and a Remember
// starts from the cached revision (from none for an entity the cache does
// not hold: one not found under its own index keys is new), so that an
// article mostly costs one write per key it changes. A cached revision
// that is stale (a write the watch has not delivered yet) fails its
// compare-and-set and is read afresh, so writes stay exact; a Recall
// from the cache may miss a write made a moment before by another
// replica, which the memory's contract allows (canon.Memory). Cached keys
// are read again after a few minutes, so what the watch cannot tell (an
// entry the bucket's TTL or MaxBytes removed) is forgotten here too.
package entitykv

import (
	"bytes"
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
	// The same encoding as encoding/json, at a third of its time on a
	// remembered entity (a record's encoding and decoding: 6–7 µs against
	// 18–22 µs); every Recall decodes each record it returns.
	"github.com/segmentio/encoding/json"

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
	// CacheBytes bounds the cache of recently read and written keys
	// (default 16 MiB); -1 for no cache.
	CacheBytes int64
	// Compressed stores the bucket S2-compressed: under half the bytes on
	// disk, but the server then decompresses a whole message block (up to
	// 8 MB) whenever a write's compare-and-set checks a key whose last
	// revision sits in a block already closed (nats-server loads that
	// message to compare revisions), and whenever it reads a key there:
	// more CPU and memory in the server than the disk saved is worth for
	// this bucket (docs/BENCHMARKS.md, End to end). Off by default.
	Compressed bool
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
	if c.CacheBytes == 0 {
		c.CacheBytes = 16 << 20
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
	kv    jetstream.KeyValue
	cfg   Config
	cache cache
	watch jetstream.KeyWatcher // keeps the cache current; nil without one
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
		Compression: cfg.Compressed,
	}, cfg.Apply)
	if err != nil {
		return nil, fmt.Errorf("entitykv: %w", err)
	}
	m := &Memory{kv: kv, cfg: cfg, cache: cache{max: cfg.CacheBytes, maxAge: min(cacheMaxAge, cfg.TTL/2)}}
	if cfg.CacheBytes > 0 {
		// Only what is written from now on: the cache fills from reads.
		// The watch ends with Close or with the connection.
		w, err := kv.WatchAll(context.Background(), jetstream.UpdatesOnly())
		if err != nil {
			return nil, fmt.Errorf("entitykv: watching bucket %s: %w", cfg.Bucket, err)
		}
		m.watch = w
		go m.follow(w)
	}
	return m, nil
}

// Close stops the watch that keeps the cache current.
func (m *Memory) Close() error {
	if m.watch == nil {
		return nil
	}
	return m.watch.Stop()
}

// follow applies the bucket's writes to the cache until the watch ends;
// then nothing is cached any more, since nothing would keep it current.
func (m *Memory) follow(w jetstream.KeyWatcher) {
	for e := range w.Updates() {
		if e == nil {
			continue
		}
		var val []byte
		if e.Operation() == jetstream.KeyValuePut {
			// A copy: the value is a slice of the message's buffer, which
			// holds its headers too.
			val = bytes.Clone(e.Value())
		}
		m.cache.observe(e.Key(), e.Revision(), val)
	}
	m.cache.disable()
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

// Recall implements canon.Memory. What the cache does not hold is read at
// once, not one round trip after another: the index keys, then the
// entities they name.
func (m *Memory) Recall(ctx context.Context, keys []string) ([]canon.Remembered, error) {
	members := make([][]string, len(keys))
	err := each(len(keys), func(i int) error {
		if _, err := m.get(ctx, indexKey(keys[i]), &members[i]); err != nil {
			return fmt.Errorf("entitykv: recall %q: %w", keys[i], err)
		}
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
		rev, err := m.get(ctx, entityKey(ids[i]), &recs[i])
		if err != nil {
			return fmt.Errorf("entitykv: recall %s: %w", ids[i], err)
		}
		revs[i] = rev
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

// get reads key into v, from the cache when it holds the key; revision 0
// when absent.
func (m *Memory) get(ctx context.Context, key string, v any) (uint64, error) {
	rev, val, ok := m.cache.lookup(key)
	if !ok {
		var err error
		if rev, val, err = m.fetch(ctx, key); err != nil {
			return 0, err
		}
	}
	if val == nil {
		return 0, nil
	}
	if err := json.Unmarshal(val, v); err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return rev, nil
}

// fetch reads key from the server and caches it: its revision and value,
// nil when absent.
func (m *Memory) fetch(ctx context.Context, key string) (uint64, []byte, error) {
	e, err := m.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		m.cache.observe(key, 0, nil)
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	val := bytes.Clone(e.Value()) // not the whole reply message's buffer
	m.cache.observe(key, e.Revision(), val)
	return e.Revision(), val, nil
}

// cas writes value at key: Create when rev is 0, else Update at rev.
// It reports false when another writer got there first.
func (m *Memory) cas(ctx context.Context, key string, rev uint64, value any) (bool, error) {
	b, err := json.Marshal(value)
	if err != nil {
		return false, err
	}
	var wrote uint64
	if rev == 0 {
		wrote, err = m.kv.Create(ctx, key, b)
	} else {
		wrote, err = m.kv.Update(ctx, key, b, rev)
	}
	var apiErr *jetstream.APIError
	switch {
	case err == nil:
		m.cache.observe(key, wrote, b)
		return true, nil
	case errors.Is(err, jetstream.ErrKeyExists), errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence:
		return false, nil
	}
	return false, err
}

// start is where a write of key starts from: the cached revision and
// value, or, not cached, none (rev 0: create it). Either may be stale; the
// compare-and-set then fails and the key is read afresh.
func (m *Memory) start(key string, v any) (uint64, error) {
	rev, val, ok := m.cache.lookup(key)
	if !ok || val == nil {
		return rev, nil
	}
	if err := json.Unmarshal(val, v); err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return rev, nil
}

// reread reads key afresh from the server into v after a failed
// compare-and-set.
func (m *Memory) reread(ctx context.Context, key string, v any) (uint64, error) {
	rev, val, err := m.fetch(ctx, key)
	if err != nil || val == nil {
		return rev, err
	}
	if err := json.Unmarshal(val, v); err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return rev, nil
}

func (m *Memory) update(ctx context.Context, key string, merge func(*canon.Remembered), fresh func() *canon.Remembered) error {
	stored := fresh()
	rev, err := m.start(key, stored)
	if err != nil {
		return err
	}
	for range m.cfg.Retries {
		merge(stored)
		ok, err := m.cas(ctx, key, rev, stored)
		if err != nil || ok {
			return err
		}
		stored = fresh()
		if rev, err = m.reread(ctx, key, stored); err != nil {
			return err
		}
	}
	return errConflict
}

// updateMembers adds ids to the index key's members in order, each one
// moved to the end (newest last) if it is there already.
func (m *Memory) updateMembers(ctx context.Context, key string, ids []string) error {
	var members []string
	rev, err := m.start(key, &members)
	if err != nil {
		return err
	}
	for range m.cfg.Retries {
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
		members = nil
		if rev, err = m.reread(ctx, key, &members); err != nil {
			return err
		}
	}
	return errConflict
}

var errConflict = errors.New("entitykv: key kept changing under concurrent writers")

// cacheMaxAge is how long a cached key is used before it is read again
// (at most half the bucket's TTL).
const cacheMaxAge = 5 * time.Minute

// cache holds keys' latest revisions and values as read, written or
// watched, at most max bytes of them (the oldest forgotten first). Values
// are kept encoded: a few thousand byte slices are nothing for the
// garbage collector to trace.
type cache struct {
	mu      sync.Mutex
	max     int64
	maxAge  time.Duration
	off     bool
	size    int64
	n       uint64 // entries put so far
	entries map[string]cached
	order   []putAt // oldest first; some since replaced
}

type cached struct {
	rev uint64
	val []byte // nil: absent
	at  time.Time
	n   uint64
}

type putAt struct {
	key string
	n   uint64
}

// entryOverhead is what an entry costs besides its key and value: its
// map slot, its place in the order, and the value's slice header (with
// 64, a heap profile of newsflow run showed the cache well over budget).
const entryOverhead = 160

// observe records that key is at revision rev with value val (nil:
// absent), unless the cache knows a later revision.
func (c *cache) observe(key string, rev uint64, val []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off || c.max <= 0 {
		return
	}
	if c.entries == nil {
		c.entries = make(map[string]cached)
	}
	old, ok := c.entries[key]
	if ok && old.rev > rev {
		return
	}
	if ok {
		c.size -= int64(len(key) + len(old.val) + entryOverhead)
	}
	c.n++
	c.entries[key] = cached{rev: rev, val: val, at: time.Now(), n: c.n}
	c.size += int64(len(key) + len(val) + entryOverhead)
	c.order = append(c.order, putAt{key, c.n})
	for c.size > c.max || len(c.order) > 2*len(c.entries)+64 {
		p := c.order[0]
		c.order = c.order[1:]
		if e, ok := c.entries[p.key]; ok && e.n == p.n {
			delete(c.entries, p.key)
			c.size -= int64(len(p.key) + len(e.val) + entryOverhead)
		}
	}
}

// lookup returns key's cached revision and value (nil: absent), if the
// cache holds it and it is not too old.
func (c *cache) lookup(key string) (uint64, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Since(e.at) > c.maxAge {
		return 0, nil, false
	}
	return e.rev, e.val, true
}

// disable empties the cache for good.
func (c *cache) disable() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off, c.entries, c.order, c.size = true, nil, nil, 0
}
