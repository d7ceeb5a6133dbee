package sources

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"
)

// Lease is one replica's exclusive right to poll one source, until it
// expires. It is the source's state entry, written with the owner's name
// and an expiry under compare-and-set: of two replicas racing for a due
// source, the second write fails on the revision and that replica backs
// off.
type Lease struct {
	r     *Registry
	id    string
	owner string

	mu    sync.Mutex
	rev   uint64
	state State
}

// Acquire takes the lease on source id for owner, for ttl, if the source
// is due and no other owner's lease is live. It returns ErrNotDue (with
// the state, whose NextPoll says when it will be) or ErrBusy otherwise.
func (r *Registry) Acquire(ctx context.Context, id, owner string, ttl time.Duration) (*Lease, State, error) {
	now := time.Now().UTC()
	var st State
	var rev uint64
	entry, err := r.state.Get(ctx, id)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound): // never polled: due now
	case err != nil:
		return nil, st, err
	default:
		if err := json.Unmarshal(entry.Value(), &st); err != nil {
			return nil, st, fmt.Errorf("state of %s: %w", id, err)
		}
		rev = entry.Revision()
	}
	if st.NextPoll.After(now) {
		return nil, st, ErrNotDue
	}
	if st.Owner != "" && st.Owner != owner && st.LeaseUntil.After(now) {
		return nil, st, ErrBusy
	}
	st.Owner, st.LeaseUntil = owner, now.Add(ttl)
	data, err := json.Marshal(&st)
	if err != nil {
		return nil, st, err
	}
	if rev == 0 {
		rev, err = r.state.Create(ctx, id, data)
	} else {
		rev, err = r.state.Update(ctx, id, data, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) {
		return nil, st, ErrBusy
	}
	if err != nil {
		return nil, st, err
	}
	return &Lease{r: r, id: id, owner: owner, rev: rev, state: st}, st, nil
}

// State is the source's state as of the last write under this lease.
func (l *Lease) State() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

// Renew extends the lease to ttl from now. ErrLeaseLost means another
// replica took the source over (or it was removed): stop polling it.
func (l *Lease) Renew(ctx context.Context, ttl time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state
	st.LeaseUntil = time.Now().UTC().Add(ttl)
	return l.write(ctx, st)
}

// Release ends the lease, storing st (with NextPoll set by the caller) as
// the source's new state.
func (l *Lease) Release(ctx context.Context, st State) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	st.Owner, st.LeaseUntil = "", time.Time{}
	return l.write(ctx, st)
}

func (l *Lease) write(ctx context.Context, st State) error {
	data, err := json.Marshal(&st)
	if err != nil {
		return err
	}
	rev, err := l.r.state.Update(ctx, l.id, data, l.rev)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("%w: source %s", ErrLeaseLost, l.id)
	}
	if err != nil {
		return err
	}
	l.rev, l.state = rev, st
	return nil
}

// WatchStates calls fn with every source's state now and then with every
// change (removed for a deletion) until ctx is done; initialized, if not
// nil, is called once the current states have been delivered.
func (r *Registry) WatchStates(ctx context.Context, fn func(id string, st State, removed bool), initialized func()) error {
	return watchBucket(ctx, r.state, "state", initialized, func(key string, value []byte, removed bool) {
		if removed {
			fn(key, State{}, true)
			return
		}
		var st State
		if json.Unmarshal(value, &st) == nil {
			fn(key, st, false)
		}
	})
}
