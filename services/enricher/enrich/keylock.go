package enrich

import "sync"

// keyLocks serialises, within this process, the linking of articles that
// share signature keys. The memory's compare-and-set protocol keeps
// replicas consistent, but between the workers of one process a conflict
// only costs a retry with backoff: under a breaking story every worker
// would collide on the same keys again and again. Waiting in line for the
// shared keys is cheaper, and articles with no key in common still link in
// parallel. Locks are taken in sorted key order, so two articles never
// wait on each other.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	refs int
}

// lock acquires the locks of keys, which must be sorted and distinct, and
// returns the function releasing them.
func (k *keyLocks) lock(keys []string) (unlock func()) {
	held := make([]*keyLock, len(keys))
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	for i, key := range keys {
		l := k.locks[key]
		if l == nil {
			l = &keyLock{}
			k.locks[key] = l
		}
		l.refs++
		held[i] = l
	}
	k.mu.Unlock()
	for _, l := range held {
		l.Lock()
	}
	return func() {
		for _, l := range held {
			l.Unlock()
		}
		k.mu.Lock()
		for i, key := range keys {
			if held[i].refs--; held[i].refs == 0 {
				delete(k.locks, key)
			}
		}
		k.mu.Unlock()
	}
}
