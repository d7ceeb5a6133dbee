package pipeline

import (
	"context"
	"errors"
)

// Func is a stage's logic: it takes one article and returns it transformed.
// It knows nothing of NATS; the runner (package runner) owns consuming,
// publishing, acking, retries and dead-lettering.
//
// The returned error decides what happens to the message:
//   - nil: the result goes to the next subject and the input is acked;
//   - ErrDrop (or an error wrapping it): the input is acked, nothing is published;
//   - an error marked with Permanent: the input is dead-lettered at once;
//   - an error marked with OverBudget: retried like any other error, and
//     dead-lettered only if it overran on every allowed delivery;
//   - an error marked with Unavailable (or a NATS error saying the server,
//     a stream or a bucket cannot be reached): a dependency is down, not
//     the input bad; the runner holds the input and calls again with
//     backoff until the dependency answers, never dead-lettering it;
//   - any other error: the input is retried with backoff, and dead-lettered
//     on its last allowed delivery.
//
// ctx carries the per-message deadline; a Func doing long work should honour it.
type Func func(ctx context.Context, a Article) (Article, error)

// ErrDrop tells the runner the article was deliberately filtered out.
var ErrDrop = errors.New("pipeline: article dropped")

// Permanent marks err as one that retrying cannot fix (bad input, over a
// limit). A nil err stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

type permanentError struct{ err error }

// OverBudget marks err as the overrun of a wall-clock budget: work that
// fits the budget on a healthy machine can overrun it when the process is
// stalled (a VM pause, CPU throttling, SIGSTOP), so one overrun does not
// prove the input bad. The runner retries it and dead-letters it only if
// it overran on every allowed delivery. A nil err stays nil.
func OverBudget(err error) error {
	if err == nil {
		return nil
	}
	return &overBudgetError{err}
}

// IsOverBudget reports whether err, or an error it wraps, was marked OverBudget.
func IsOverBudget(err error) bool {
	var o *overBudgetError
	return errors.As(err, &o)
}

type overBudgetError struct{ err error }

// Unavailable marks err as a dependency of the Func being unreachable (its
// database refusing connections, say): the input is not at fault and
// retrying it later will work. The runner waits the outage out, holding
// the input, however long it lasts, so mark only failures that no input
// can cause. A nil err stays nil.
func Unavailable(err error) error {
	if err == nil {
		return nil
	}
	return &unavailableError{err}
}

// IsUnavailable reports whether err, or an error it wraps, was marked Unavailable.
func IsUnavailable(err error) bool {
	var u *unavailableError
	return errors.As(err, &u)
}

type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }
func (e *unavailableError) Unwrap() error { return e.err }

func (e *overBudgetError) Error() string { return e.err.Error() }
func (e *overBudgetError) Unwrap() error { return e.err }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
