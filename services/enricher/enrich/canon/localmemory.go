package canon

import (
	"context"
	"sync"
)

// DefaultMaxEntities bounds a LocalMemory made with a zero limit.
const DefaultMaxEntities = 1 << 18

// LocalMemory is an in-process Memory, right for one enricher process. It
// keeps at most a fixed number of entities and forgets the one remembered
// least recently when full, so it stays bounded however long it runs
// (about 1 KB an entity: docs/BENCHMARKS.md). Records are kept as structs:
// encoding them (so the collector would not trace them) cost more per
// article than it saved below a hundred thousand entities.
type LocalMemory struct {
	mu   sync.Mutex
	max  int
	recs map[string]*localEntry
	keys map[string][]string // index key -> ids, most recently remembered last
	// Recency: a doubly linked list through the entries, newest at head.
	head, tail *localEntry
}

type localEntry struct {
	rec        Remembered
	prev, next *localEntry
}

// NewLocalMemory returns an empty memory keeping at most maxEntities
// entities (DefaultMaxEntities when 0).
func NewLocalMemory(maxEntities int) *LocalMemory {
	if maxEntities <= 0 {
		maxEntities = DefaultMaxEntities
	}
	return &LocalMemory{max: maxEntities, recs: map[string]*localEntry{}, keys: map[string][]string{}}
}

// Len is the number of entities remembered.
func (m *LocalMemory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.recs)
}

// Recall implements Memory.
func (m *LocalMemory) Recall(_ context.Context, keys []string) ([]Remembered, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Remembered
	var seen map[string]bool
	for _, k := range keys {
		for _, id := range m.keys[k] {
			if seen[id] {
				continue
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[id] = true
			if e := m.recs[id]; e != nil {
				out = append(out, e.rec)
			}
		}
	}
	return out, nil
}

// Remember implements Memory.
func (m *LocalMemory) Remember(_ context.Context, recs []Remembered) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range recs {
		e := m.recs[r.ID]
		if e == nil {
			e = &localEntry{rec: Remembered{ID: r.ID, Type: r.Type}}
			m.recs[r.ID] = e
		} else {
			m.unlink(e)
		}
		m.pushFront(e)
		e.rec.Merge(r)
		for _, k := range r.Keys {
			m.keys[k] = appendMember(m.keys[k], r.ID)
		}
	}
	for len(m.recs) > m.max {
		m.evict(m.tail)
	}
	return nil
}

// appendMember adds id as the newest member of a key's list, keeping at
// most MaxKeyMembers.
func appendMember(ids []string, id string) []string {
	for i, x := range ids {
		if x == id {
			copy(ids[i:], ids[i+1:])
			ids[len(ids)-1] = id
			return ids
		}
	}
	if len(ids) >= MaxKeyMembers {
		copy(ids, ids[1:])
		ids[len(ids)-1] = id
		return ids
	}
	return append(ids, id)
}

func (m *LocalMemory) evict(e *localEntry) {
	m.unlink(e)
	delete(m.recs, e.rec.ID)
	for _, k := range e.rec.Keys {
		ids := m.keys[k]
		for i, x := range ids {
			if x == e.rec.ID {
				ids = append(ids[:i], ids[i+1:]...)
				break
			}
		}
		if len(ids) == 0 {
			delete(m.keys, k)
		} else {
			m.keys[k] = ids
		}
	}
}

func (m *LocalMemory) pushFront(e *localEntry) {
	e.prev, e.next = nil, m.head
	if m.head != nil {
		m.head.prev = e
	}
	m.head = e
	if m.tail == nil {
		m.tail = e
	}
}

func (m *LocalMemory) unlink(e *localEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else if m.head == e {
		m.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else if m.tail == e {
		m.tail = e.prev
	}
	e.prev, e.next = nil, nil
}
