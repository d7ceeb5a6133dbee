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
// revision just read, retried a few times when another replica wrote the
// same key in between. The memory only joins entities, so a lost race costs
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
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
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
	kv  jetstream.KeyValue
	cfg Config
}

var _ canon.Memory = (*Memory)(nil)

// New creates the bucket if it does not exist (or updates its
// configuration) and returns a Memory on it.
func New(ctx context.Context, js jetstream.JetStream, cfg Config) (*Memory, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      cfg.Bucket,
		Description: "newsflow enricher entity memory: entities' spellings and context, and their index",
		History:     1,
		TTL:         cfg.TTL,
		MaxBytes:    cfg.MaxBytes,
		Storage:     cfg.Storage,
		Replicas:    cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("entitykv: bucket %s: %w", cfg.Bucket, err)
	}
	return &Memory{kv: kv, cfg: cfg}, nil
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

// Recall implements canon.Memory.
func (m *Memory) Recall(ctx context.Context, keys []string) ([]canon.Remembered, error) {
	var ids []string
	for _, k := range keys {
		var members []string
		if _, err := m.get(ctx, indexKey(k), &members); err != nil {
			return nil, fmt.Errorf("entitykv: recall %q: %w", k, err)
		}
		for _, id := range members {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	out := make([]canon.Remembered, 0, len(ids))
	for _, id := range ids {
		var r canon.Remembered
		rev, err := m.get(ctx, entityKey(id), &r)
		if err != nil {
			return nil, fmt.Errorf("entitykv: recall %s: %w", id, err)
		}
		if rev != 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// Remember implements canon.Memory.
func (m *Memory) Remember(ctx context.Context, recs []canon.Remembered) error {
	for _, r := range recs {
		err := m.update(ctx, entityKey(r.ID), func(stored *canon.Remembered) { stored.Merge(r) }, func() any { return &canon.Remembered{ID: r.ID, Type: r.Type} })
		if err != nil {
			return fmt.Errorf("entitykv: remember %s: %w", r.ID, err)
		}
		for _, k := range r.Keys {
			err := m.updateMembers(ctx, indexKey(k), r.ID)
			if err != nil {
				return fmt.Errorf("entitykv: index %q: %w", k, err)
			}
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

func (m *Memory) update(ctx context.Context, key string, merge func(*canon.Remembered), fresh func() any) error {
	for range m.cfg.Retries {
		stored := fresh().(*canon.Remembered)
		rev, err := m.get(ctx, key, stored)
		if err != nil {
			return err
		}
		merge(stored)
		ok, err := m.cas(ctx, key, rev, stored)
		if err != nil || ok {
			return err
		}
	}
	return errConflict
}

func (m *Memory) updateMembers(ctx context.Context, key, id string) error {
	for range m.cfg.Retries {
		var members []string
		rev, err := m.get(ctx, key, &members)
		if err != nil {
			return err
		}
		if n := len(members); n > 0 && members[n-1] == id {
			return nil // already the newest: nothing to write
		}
		members = slices.DeleteFunc(members, func(x string) bool { return x == id })
		members = append(members, id)
		if len(members) > canon.MaxKeyMembers {
			members = members[len(members)-canon.MaxKeyMembers:]
		}
		ok, err := m.cas(ctx, key, rev, members)
		if err != nil || ok {
			return err
		}
	}
	return errConflict
}

var errConflict = errors.New("entitykv: key kept changing under concurrent writers")
