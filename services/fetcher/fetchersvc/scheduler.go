package fetchersvc

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/newsflow/newsflow/services/fetcher/sources"
)

// scheduler keeps every active source on one timer heap: a thousand
// sources cost a thousand small entries and one goroutine, not a thousand
// timers. Sources come from the registry watch, due times from the state
// watch (so a replica knows when another replica's poll makes a source due
// next) and from this replica's own polls.
type scheduler struct {
	mu      sync.Mutex
	entries map[string]*entry
	queue   dueQueue
	// states are the last known state of every source, including those
	// not registered yet (the state watch may run ahead of the registry's).
	states map[string]sources.State
	paused map[string]bool
	owner  string
	wake   chan struct{}
}

type entry struct {
	src   sources.Source
	due   time.Time
	index int // in queue; -1 while polling or paused
	// cancel stops the poll in progress, if any.
	cancel context.CancelFunc
}

func newScheduler(owner string) *scheduler {
	return &scheduler{entries: map[string]*entry{}, states: map[string]sources.State{}, paused: map[string]bool{}, owner: owner, wake: make(chan struct{}, 1)}
}

// dueTime is when st says a source may next be polled.
func (s *scheduler) dueTime(st sources.State) time.Time {
	due := st.NextPoll
	if st.Owner != "" && st.Owner != s.owner && st.LeaseUntil.After(due) {
		due = st.LeaseUntil // someone else is polling it
	}
	return due
}

// upsert adds or updates a registered source; a paused one is removed
// from the timers and its poll stopped.
func (s *scheduler) upsert(src sources.Source) {
	if src.Paused {
		s.remove(src.ID)
		s.mu.Lock()
		s.paused[src.ID] = true
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.paused, src.ID)
	if e, ok := s.entries[src.ID]; ok {
		e.src = src
		return
	}
	e := &entry{src: src, index: -1, due: s.dueTime(s.states[src.ID])} // zero: due now
	s.entries[src.ID] = e
	heap.Push(&s.queue, e)
	s.poke()
}

// remove forgets a source and stops its poll.
func (s *scheduler) remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.paused, id)
	e, ok := s.entries[id]
	if !ok {
		return
	}
	delete(s.entries, id)
	if e.index >= 0 {
		heap.Remove(&s.queue, e.index)
	}
	if e.cancel != nil {
		e.cancel()
	}
}

// setState records a source's state as the state watch reports it.
func (s *scheduler) setState(id string, st sources.State, removed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if removed {
		delete(s.states, id)
		return
	}
	s.states[id] = st
	if e, ok := s.entries[id]; ok && e.index >= 0 {
		e.due = s.dueTime(st)
		heap.Fix(&s.queue, e.index)
		s.poke()
	}
}

// next blocks until a source is due and returns it, marked as polling,
// with a context its removal or pausing cancels.
func (s *scheduler) next(ctx context.Context) (*entry, context.Context, bool) {
	for {
		s.mu.Lock()
		var wait time.Duration = -1
		if len(s.queue) > 0 {
			e := s.queue[0]
			if wait = time.Until(e.due); wait <= 0 {
				heap.Pop(&s.queue)
				pctx, cancel := context.WithCancel(ctx)
				e.cancel = cancel
				s.mu.Unlock()
				return e, pctx, true
			}
		}
		s.mu.Unlock()
		var timer *time.Timer
		var fire <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return nil, nil, false
		}
	}
}

// done puts a polled source back on the timers, due at due, unless it was
// removed or paused meanwhile.
func (s *scheduler) done(e *entry, due time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.cancel != nil {
		e.cancel()
		e.cancel = nil
	}
	if s.entries[e.src.ID] != e {
		return
	}
	e.due = due
	heap.Push(&s.queue, e)
	s.poke()
}

// counts reports how many registered sources are active and paused.
func (s *scheduler) counts() (active, paused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries), len(s.paused)
}

func (s *scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// dueQueue is a min-heap of entries by due time.
type dueQueue []*entry

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q dueQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *dueQueue) Push(x any) {
	e := x.(*entry)
	e.index = len(*q)
	*q = append(*q, e)
}
func (q *dueQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	e.index = -1
	return e
}
