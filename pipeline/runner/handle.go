package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
)

// errTimeout reports a Func call that outlived Stage.Timeout.
var errTimeout = errors.New("stage timed out")

// handle takes one message to exactly one outcome: published and acked,
// dropped and acked, retried with a delayed Nak, or dead-lettered and
// terminated. ctx is Run's context; drainCtx outlives it by DrainTimeout
// and bounds publishing, so a shutdown finishes the message when it can.
func (s *Stage) handle(ctx, drainCtx context.Context, js jetstream.JetStream, m jetstream.Msg) {
	start := time.Now()
	metricIn.WithLabelValues(s.Name).Inc()
	metricInFlight.WithLabelValues(s.Name).Inc()
	defer metricInFlight.WithLabelValues(s.Name).Dec()

	meta, err := m.Metadata()
	if err != nil { // not a JetStream message: cannot happen on a pull consumer
		s.Log.Error("message without metadata", zap.Error(err))
		_ = m.Term()
		return
	}
	log := s.Log.With(zap.Uint64("seq", meta.Sequence.Stream), zap.Uint64("attempt", meta.NumDelivered))
	d := delivery{msg: m, meta: meta, log: log}

	// Keep the message ours for as long as we work on it, publishing included.
	stopKeepAlive := s.keepAlive(m)
	defer stopKeepAlive()

	outcome := s.process(ctx, drainCtx, js, d)
	metricLatency.WithLabelValues(s.Name, outcome).Observe(time.Since(start).Seconds())
}

type delivery struct {
	msg  jetstream.Msg
	meta *jetstream.MsgMetadata
	log  *zap.Logger
}

func (d delivery) attempt() int { return int(d.meta.NumDelivered) }

// process runs the stage and settles the message; it returns the outcome
// label for the latency histogram.
func (s *Stage) process(ctx, drainCtx context.Context, js jetstream.JetStream, d delivery) string {
	in, err := s.Decode(d.msg.Data(), d.msg.Headers())
	if err != nil {
		s.deadLetter(drainCtx, js, d, causeUndecodable, fmt.Sprintf("undecodable: %v", err))
		return "dead_lettered"
	}

	out, err := s.call(ctx, in)
	switch {
	case err == nil:
	case errors.Is(err, pipeline.ErrDrop):
		s.settle(d, d.msg.Ack, "ack")
		metricDropped.WithLabelValues(s.Name).Inc()
		return "dropped"
	case pipeline.IsPermanent(err):
		s.deadLetter(drainCtx, js, d, causePermanent, err.Error())
		return "dead_lettered"
	case d.attempt() >= s.MaxDeliver:
		s.deadLetter(drainCtx, js, d, causeExhausted,
			fmt.Sprintf("failed %d times, last: %v", d.attempt(), err))
		return "dead_lettered"
	default:
		delay := s.Backoff(d.attempt())
		d.log.Warn("retrying", zap.Error(err), zap.Duration("delay", delay))
		s.settle(d, func() error { return d.msg.NakWithDelay(delay) }, "nak")
		metricRetried.WithLabelValues(s.Name).Inc()
		return "retried"
	}

	if s.To != "" {
		out.Mark(s.Name, s.Version, time.Now())
		data, err := pipeline.EncodeArticle(&out)
		if err != nil { // only unencodable values (NaN salience): a bug in the stage
			s.deadLetter(drainCtx, js, d, causePermanent, fmt.Sprintf("encoding result: %v", err))
			return "dead_lettered"
		}
		msg := nats.NewMsg(s.To)
		msg.Data = data
		msg.Header.Set(pipeline.HeaderMsgID, s.Name+":"+strconv.FormatUint(d.meta.Sequence.Stream, 10))
		msg.Header.Set(pipeline.HeaderOrigin, origin(d))
		if _, err := Publish(drainCtx, js, msg, s.countPublishRetry); err != nil {
			if errors.Is(err, ErrPublishRejected) {
				s.deadLetter(drainCtx, js, d, causePermanent, err.Error())
				return "dead_lettered"
			}
			// Shutting down with the output unpublished: redeliver the input.
			d.log.Warn("publish abandoned, input will be redelivered", zap.Error(err))
			s.settle(d, d.msg.Nak, "nak")
			return "retried"
		}
	}
	s.settle(d, d.msg.Ack, "ack")
	metricOut.WithLabelValues(s.Name).Inc()
	return "ok"
}

// call runs Func with the per-message timeout, turning a panic into an
// error. A Func that ignores its context is abandoned at the deadline (its
// goroutine finishes in the background) so one stuck input cannot hold a
// worker forever.
func (s *Stage) call(ctx context.Context, in pipeline.Article) (pipeline.Article, error) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.Timeout)
	defer cancel()
	type result struct {
		a   pipeline.Article
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				s.Log.Error("stage panicked", zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
				done <- result{err: fmt.Errorf("panic: %v", r)}
			}
		}()
		a, err := s.Func(fctx, in)
		done <- result{a, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && fctx.Err() != nil && errors.Is(r.err, context.DeadlineExceeded) {
			return r.a, fmt.Errorf("%w after %s: %w", errTimeout, s.Timeout, r.err)
		}
		return r.a, r.err
	case <-fctx.Done():
		// Grace for a Func that is returning right now.
		select {
		case r := <-done:
			return r.a, r.err
		case <-time.After(100 * time.Millisecond):
			return pipeline.Article{}, fmt.Errorf("%w after %s (the call is still running)", errTimeout, s.Timeout)
		}
	}
}

// keepAlive tells the server every AckWait/3 that the message is still
// being worked on, until the returned func is called.
func (s *Stage) keepAlive(m jetstream.Msg) (stop func()) {
	t := time.NewTicker(s.AckWait / 3)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	}()
	return func() { t.Stop(); close(done) }
}

// settle sends the message's outcome to the server. If it is lost the
// server redelivers after AckWait, and the output's Nats-Msg-Id makes the
// second publish a no-op, so a failure here is logged, not retried.
func (s *Stage) settle(d delivery, f func() error, what string) {
	if err := f(); err != nil {
		d.log.Warn(what+" failed; the message will be redelivered", zap.Error(err))
	}
}

func (s *Stage) countPublishRetry(err error) {
	metricPublishRetries.WithLabelValues(s.Name).Inc()
	s.Log.Debug("publish retry", zap.Error(err))
}

// origin is the id that follows a message through the pipeline.
func origin(d delivery) string {
	h := d.msg.Headers()
	if v := h.Get(pipeline.HeaderOrigin); v != "" {
		return v
	}
	if v := h.Get(pipeline.HeaderMsgID); v != "" {
		return v
	}
	return d.meta.Stream + ":" + strconv.FormatUint(d.meta.Sequence.Stream, 10)
}
