package enrich

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

// Memory is the story memory the enricher replicas share: what recent
// articles looked like, indexed by the keys of their signatures, so a
// later article can join their story or be marked as their copy.
//
// Implementations must be safe for concurrent use by several processes,
// and make linking serializable: two replicas enriching two copies of one
// article at the same moment must not both miss the other. The enricher
// relies on this contract:
//
//   - Remember adds the id to each key by compare-and-set against the
//     version Recall read, in sorted key order, stopping at the first key
//     that changed (ErrConflict); only when every key is written does it
//     store the record. A record therefore only ever holds a final decision.
//   - Recall reports as Pending the ids it finds under keys without a
//     record (written by a Remember still under way, or interrupted less
//     than a short while ago); the enricher waits for them to finish
//     before deciding.
//
// Ordered writing makes the waits acyclic (as ordered locking does), so
// whoever writes a shared key second always decides with the first in
// view. An in-process Memory can do all of Remember atomically instead,
// and then never has anything Pending.
type Memory interface {
	// Recall returns the record of the article id if one was stored (a
	// redelivery), the records indexed under keys, the ids pending there,
	// and the version and members of each key as read.
	Recall(ctx context.Context, id string, keys []string) (Recall, error)
	// Remember adds rec's id to each key and then stores rec, unless a key
	// changed since seen was recalled (ErrConflict). It may have written
	// some keys when it fails; those ids show as Pending until a later
	// Remember of the same article completes or they time out.
	Remember(ctx context.Context, rec Record, keys []string, seen Recall) error
}

// ErrConflict reports that another writer changed a memory key between
// Recall and Remember.
var ErrConflict = errors.New("enrich: story memory changed concurrently")

// MaxKeyMembers is how many article ids a memory key keeps, newest last:
// a story's articles are recent, and a key shared by thousands of
// articles ("Russia and Ukraine") would otherwise grow without bound.
const MaxKeyMembers = 64

// Record is what the memory keeps of one article.
type Record struct {
	ID          string `json:"id"`
	StoryID     string `json:"story"`
	DuplicateOf string `json:"dup,omitempty"`
	// Time is the publication time (Dated) or, without one, when the
	// article was enriched; Unix seconds.
	Time  int64           `json:"t"`
	Dated bool            `json:"dated,omitempty"`
	Sig   story.Signature `json:"sig"`
}

// Recall is what Memory.Recall found.
type Recall struct {
	Self       *Record
	Candidates []Record
	// Pending are ids under the keys whose records are not written yet.
	Pending []string
	// Versions holds each key's version as read; 0 means absent.
	Versions map[string]uint64
	// Members holds each key's members as read, for implementations that
	// write a key's new member list in one compare-and-set.
	Members map[string][]Member
}

// Member is an article indexed under a key, and when it was added (Unix
// milliseconds), which tells an interrupted write from one under way.
type Member struct {
	ID string `json:"id"`
	At int64  `json:"t"`
}

// AddMember returns members with id appended at time at (moved to the end
// if present), keeping the newest MaxKeyMembers. Memory implementations
// share it.
func AddMember(members []Member, id string, at int64) []Member {
	out := slices.DeleteFunc(slices.Clone(members), func(m Member) bool { return m.ID == id })
	out = append(out, Member{ID: id, At: at})
	if len(out) > MaxKeyMembers {
		out = out[len(out)-MaxKeyMembers:]
	}
	return out
}

// MemoryOptions configure an in-process Memory.
type MemoryOptions struct {
	// TTL is how long an article is remembered (default 7 days).
	TTL time.Duration
	// MaxArticles bounds the memory (default 10,000, about 36 MB at the
	// measured 3.6 KB an article); the oldest go first. A deployment
	// enriching more within the TTL wants the shared bucket (storykv),
	// which keeps the memory out of the enricher's heap.
	MaxArticles int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// LocalMemory is a Memory inside one process: for tests, and for the
// embedded single-process deployment. Its Remember is atomic, so nothing
// is ever Pending. Several enricher replicas need a shared Memory
// (package storykv).
type LocalMemory struct {
	opts    MemoryOptions
	mu      sync.Mutex
	records map[string]localRecord
	keys    map[string]*localKey
	order   []string // record ids, oldest first
}

type localRecord struct {
	rec      Record
	storedAt time.Time
}

type localKey struct {
	members  []Member
	version  uint64
	storedAt time.Time
}

// NewMemory returns an empty LocalMemory.
func NewMemory(opts MemoryOptions) *LocalMemory {
	if opts.TTL <= 0 {
		opts.TTL = 7 * 24 * time.Hour
	}
	if opts.MaxArticles <= 0 {
		opts.MaxArticles = 10_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &LocalMemory{opts: opts, records: map[string]localRecord{}, keys: map[string]*localKey{}}
}

// Recall implements Memory.
func (m *LocalMemory) Recall(ctx context.Context, id string, keys []string) (Recall, error) {
	if err := ctx.Err(); err != nil {
		return Recall{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.Now()
	m.expire(now)
	rc := Recall{Versions: make(map[string]uint64, len(keys)), Members: make(map[string][]Member, len(keys))}
	if r, ok := m.records[id]; ok {
		rec := r.rec
		rc.Self = &rec
	}
	seen := map[string]bool{id: true}
	for _, k := range keys {
		lk, ok := m.keys[k]
		if !ok || now.Sub(lk.storedAt) > m.opts.TTL {
			continue
		}
		rc.Versions[k] = lk.version
		rc.Members[k] = slices.Clone(lk.members)
		for _, member := range lk.members {
			if seen[member.ID] {
				continue
			}
			seen[member.ID] = true
			if r, ok := m.records[member.ID]; ok {
				rc.Candidates = append(rc.Candidates, r.rec)
			}
		}
	}
	return rc, nil
}

// Remember implements Memory.
func (m *LocalMemory) Remember(ctx context.Context, rec Record, keys []string, seen Recall) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.Now()
	for _, k := range keys {
		var v uint64
		if lk, ok := m.keys[k]; ok && now.Sub(lk.storedAt) <= m.opts.TTL {
			v = lk.version
		}
		if v != seen.Versions[k] {
			return ErrConflict
		}
	}
	if _, ok := m.records[rec.ID]; !ok {
		m.order = append(m.order, rec.ID)
	}
	m.records[rec.ID] = localRecord{rec: rec, storedAt: now}
	for _, k := range keys {
		lk, ok := m.keys[k]
		if !ok || now.Sub(lk.storedAt) > m.opts.TTL {
			lk = &localKey{version: lk.versionOrZero()}
			m.keys[k] = lk
		}
		lk.members = AddMember(lk.members, rec.ID, now.UnixMilli())
		lk.version++
		lk.storedAt = now
	}
	m.evict()
	return nil
}

func (k *localKey) versionOrZero() uint64 {
	if k == nil {
		return 0
	}
	return k.version
}

// expire drops records older than the TTL, oldest first.
func (m *LocalMemory) expire(now time.Time) {
	n := 0
	for _, id := range m.order {
		r, ok := m.records[id]
		if ok && now.Sub(r.storedAt) <= m.opts.TTL {
			break
		}
		delete(m.records, id)
		n++
	}
	m.order = m.order[n:]
}

// evict keeps the memory within MaxArticles and drops keys left empty.
func (m *LocalMemory) evict() {
	for len(m.order) > m.opts.MaxArticles {
		delete(m.records, m.order[0])
		m.order = m.order[1:]
	}
	if len(m.keys) > 32*m.opts.MaxArticles {
		for k, lk := range m.keys {
			live := false
			for _, mb := range lk.members {
				if _, ok := m.records[mb.ID]; ok {
					live = true
					break
				}
			}
			if !live {
				delete(m.keys, k)
			}
		}
	}
}

// Len returns how many articles the memory holds.
func (m *LocalMemory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.records)
}
