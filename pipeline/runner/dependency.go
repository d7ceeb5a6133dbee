package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
)

// dependencyDown reports whether a Func's error says that something the
// Func depends on cannot be reached, rather than that the input is bad:
// an error marked pipeline.Unavailable, or one of the NATS client's
// errors for a server, stream or bucket that does not answer. Those are
// the pipeline's own infrastructure (a stage's buckets and streams live on
// its NATS server), so no input can cause them. Generic network errors are
// not among them: a fetch of a dead web page is the input's fault. A
// context deadline is not either: it cannot tell a hung request from slow
// work on a huge input (the timeout row handles it).
func dependencyDown(err error) bool {
	if pipeline.IsUnavailable(err) {
		return true
	}
	if pipeline.IsPermanent(err) || pipeline.IsOverBudget(err) {
		return false
	}
	for _, e := range []error{
		nats.ErrNoResponders, nats.ErrTimeout, nats.ErrConnectionClosed, nats.ErrConnectionReconnecting,
		nats.ErrConnectionDraining, nats.ErrDisconnected, nats.ErrNoServers, nats.ErrStaleConnection,
		jetstream.ErrNoStreamResponse, jetstream.ErrConnectionClosed, jetstream.ErrServerShutdown,
		jetstream.ErrJetStreamNotEnabled, jetstream.ErrJetStreamNotEnabledForAccount,
		// The stage's own bucket or stream gone (deleted, or on a node
		// that is down): waiting for it to come back, or for an operator
		// to restore it, loses nothing; dead-lettering every input would.
		jetstream.ErrStreamNotFound, jetstream.ErrBucketNotFound,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	var apiErr *jetstream.APIError
	// 503: "JetStream system temporarily unavailable", no leader, no quorum.
	return errors.As(err, &apiErr) && apiErr.Code == 503
}

// outage is a stage's view of its dependencies: how many of its workers
// are holding a message until a dependency answers, since when, and the
// last error, for Degraded and the logs.
type outage struct {
	mu      sync.Mutex
	holding int
	since   time.Time
	last    error
}

func (o *outage) enter(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.holding == 0 {
		o.since = time.Now()
	}
	o.holding++
	o.last = err
}

func (o *outage) failed(err error) {
	o.mu.Lock()
	o.last = err
	o.mu.Unlock()
}

func (o *outage) leave() {
	o.mu.Lock()
	o.holding--
	o.mu.Unlock()
}

// Degraded reports, while any of the stage's workers is holding a message
// until a dependency answers, what it is waiting for; nil otherwise. The
// service's /healthz and /readyz show it.
func (s *Stage) Degraded() error {
	s.outage.mu.Lock()
	defer s.outage.mu.Unlock()
	if s.outage.holding == 0 {
		return nil
	}
	return fmt.Errorf("stage %s degraded: %d message(s) waiting %s for a dependency: %w",
		s.Name, s.outage.holding, time.Since(s.outage.since).Round(time.Second), s.outage.last)
}

// heldOutcome is how awaitDependency ended.
type heldOutcome int

const (
	heldSettle    heldOutcome = iota // the call had another outcome: settle it by the other rows
	heldAbandoned                    // the watchdog abandoned the call: the worker must leave
	heldGivenBack                    // Run's ctx ended: the message was handed back
)

// awaitDependency is the dependency row of the rule table: the Func failed
// because a dependency is down (err). The delivery is held — the
// watchdog keeps telling the server it is in progress, so the server
// neither redelivers it nor counts a delivery — and call is tried again
// after DependencyBackoff, for as long as it fails the same way. It
// returns the first other outcome. While the worker holds, it takes no
// other message, so a stage whose dependency is down stops pulling once
// each worker holds one. If Run's ctx ends first, the message is handed
// back for redelivery (to another replica, or to this one on restart)
// after a delay.
func (s *Stage) awaitDependency(ctx context.Context, d delivery, err error, call func() (pipeline.Article, pipeline.Wire, error, bool)) (pipeline.Article, pipeline.Wire, error, heldOutcome) {
	s.outage.enter(err)
	s.metrics.degraded.Inc()
	defer func() {
		s.outage.leave()
		s.metrics.degraded.Dec()
	}()
	d.log().Warn("dependency unavailable; holding the message until it answers (not counted as a failed attempt)", zap.Error(err))
	for wait := 1; ; wait++ {
		delay := s.DependencyBackoff(wait)
		s.metrics.dependencyWaits.Inc()
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			// Not at once: a pull this draining process still has open
			// could take the message back (a delivery lost and counted).
			// After PullExpiry only live consumers' pulls remain.
			s.settle(d, func() error { return d.msg.NakWithDelay(max(delay, s.PullExpiry)) }, "nak")
			s.observe(d, "retried")
			return pipeline.Article{}, pipeline.Wire{}, err, heldGivenBack
		case <-t.C:
		}
		out, wire, err, returned := call()
		if !returned {
			return out, wire, err, heldAbandoned
		}
		if err == nil || !dependencyDown(err) {
			d.log().Info("dependency answered again", zap.Int("waits", wait))
			return out, wire, err, heldSettle
		}
		s.outage.failed(err)
		if wait%10 == 0 {
			d.log().Warn("dependency still unavailable", zap.Int("waits", wait), zap.Error(err))
		}
	}
}
