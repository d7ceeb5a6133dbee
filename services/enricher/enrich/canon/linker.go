package canon

import (
	"context"
	"sync"
)

// Linker is Link on one memory for the articles of one process, with the
// guarantee Link alone does not give: two articles linked at once that
// name one new entity in two spellings still meet, as if linked one after
// the other. An article can only find an entity under the keys it recalls
// and only teaches the memory under the keys it is remembered under, so
// the Linker holds those keys, and only those, while the article is
// linked: articles with no key in common (most pairs) link in parallel,
// and a slow memory (a JetStream bucket a round trip away) no longer
// serialises the process. Replicas of the enricher can still race each
// other (see Memory). Its zero value is not usable: NewLinker.
type Linker struct {
	m     Memory
	locks keyLocks
}

// NewLinker returns a Linker on m (nil links nothing).
func NewLinker(m Memory) *Linker {
	return &Linker{m: m, locks: keyLocks{held: map[string]*keyLock{}}}
}

// Link is canon.Link on the Linker's memory, holding the article's keys.
func (k *Linker) Link(ctx context.Context, text string, ents []*Entity) ([]*Entity, error) {
	return link(ctx, k.m, &k.locks, text, ents)
}

// keyLocks is a lock per key, made when first wanted and dropped when
// nobody holds or waits for it, so the set stays as small as the keys in
// use.
type keyLocks struct {
	mu   sync.Mutex
	held map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int // holders and waiters
}

// lock takes every key's lock, in the order given, which must be sorted
// and without repeats: every article taking its keys in one order is
// what keeps two of them from each holding what the other waits for.
func (ls *keyLocks) lock(keys []string) {
	for _, k := range keys {
		ls.mu.Lock()
		l := ls.held[k]
		if l == nil {
			l = &keyLock{}
			ls.held[k] = l
		}
		l.refs++
		ls.mu.Unlock()
		l.mu.Lock()
	}
}

// unlock releases what lock(keys) took.
func (ls *keyLocks) unlock(keys []string) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, k := range keys {
		l := ls.held[k]
		l.mu.Unlock()
		if l.refs--; l.refs == 0 {
			delete(ls.held, k)
		}
	}
}
