package runner

import (
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A slot is one worker's message in flight, watched by the stage's
// watchdog. Running the Func in the worker itself, with one watchdog per
// stage instead of a keep-alive goroutine and a call goroutine per message,
// keeps the hot path free of goroutine hand-offs, which cost most when the
// machine is busy.
type slot struct {
	mu        sync.Mutex
	msg       jetstream.Msg // nil when idle
	progress  time.Time     // last time the server heard from us about msg
	deadline  time.Time     // when the running Func call is over its Timeout; zero when not in a call
	abandoned bool          // the watchdog gave up on the call; the worker must leave
}

// begin registers m as in flight, its Func call due by deadline.
func (sl *slot) begin(m jetstream.Msg, now, deadline time.Time) {
	sl.mu.Lock()
	sl.msg, sl.progress, sl.deadline, sl.abandoned = m, now, deadline, false
	sl.mu.Unlock()
}

// calling registers a Func call on the slot's message, due by deadline.
func (sl *slot) calling(deadline time.Time) {
	sl.mu.Lock()
	sl.deadline = deadline
	sl.mu.Unlock()
}

// returned records that the Func call came back. It reports false if the
// watchdog abandoned the call meanwhile: the message is no longer this
// worker's to settle.
func (sl *slot) returned() bool {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	sl.deadline = time.Time{}
	return !sl.abandoned
}

// end marks the slot idle.
func (sl *slot) end() {
	sl.mu.Lock()
	sl.msg = nil
	sl.mu.Unlock()
}

// watchdog keeps every in-flight message alive with InProgress every
// AckWait/3 and hands calls that overran Timeout (plus a short grace for a
// Func that is returning) to onOverrun, until stop is closed.
func (s *Stage) watchdog(slots func() []*slot, stop <-chan struct{}, onOverrun func(*slot, jetstream.Msg)) {
	every := s.AckWait / 3
	tick := min(every, s.Timeout/4)
	tick = max(10*time.Millisecond, min(tick, time.Second))
	const grace = 100 * time.Millisecond
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			for _, sl := range slots() {
				sl.mu.Lock()
				m := sl.msg
				if m == nil {
					sl.mu.Unlock()
					continue
				}
				overran := !sl.deadline.IsZero() && now.After(sl.deadline.Add(grace))
				if overran {
					sl.abandoned, sl.msg = true, nil
				} else if now.Sub(sl.progress) >= every {
					sl.progress = now
					_ = m.InProgress()
				}
				sl.mu.Unlock()
				if overran {
					onOverrun(sl, m)
				}
			}
		}
	}
}
