package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
)

// errTimeout reports a Func call that outlived Stage.Timeout.
var errTimeout = errors.New("stage timed out")

// stageMetrics are the stage's children of the metric vectors, looked up
// once rather than per message.
type stageMetrics struct {
	in, out, dropped, retried, publishRetries prometheus.Counter
	unconfirmedAcks, dependencyWaits          prometheus.Counter
	inFlight, degraded                        prometheus.Gauge
	latency                                   map[string]prometheus.Observer
}

func newStageMetrics(name string) stageMetrics {
	m := stageMetrics{
		in: metricIn.WithLabelValues(name), out: metricOut.WithLabelValues(name),
		dropped: metricDropped.WithLabelValues(name), retried: metricRetried.WithLabelValues(name),
		publishRetries:  metricPublishRetries.WithLabelValues(name),
		unconfirmedAcks: metricUnconfirmedAcks.WithLabelValues(name), inFlight: metricInFlight.WithLabelValues(name),
		dependencyWaits: metricDependencyWaits.WithLabelValues(name), degraded: metricDegraded.WithLabelValues(name),
		latency: map[string]prometheus.Observer{},
	}
	for _, outcome := range []string{"ok", "dropped", "retried", "dead_lettered"} {
		m.latency[outcome] = metricLatency.WithLabelValues(name, outcome)
	}
	return m
}

type delivery struct {
	msg   jetstream.Msg
	meta  *jetstream.MsgMetadata
	stage *Stage
	start time.Time
}

func (d delivery) attempt() int { return int(d.meta.NumDelivered) }

// log is the stage's logger with the message's fields; built only when
// something is logged.
func (d delivery) log() *zap.Logger {
	return d.stage.Log.With(zap.Uint64("seq", d.meta.Sequence.Stream), zap.Uint64("attempt", d.meta.NumDelivered))
}

// handle takes one message to exactly one outcome: published and acked,
// dropped and acked, retried with a delayed Nak, or dead-lettered and
// terminated. ctx is Run's context; drainCtx outlives it by DrainTimeout
// and bounds publishing, so a shutdown finishes the message when it can.
// It reports false if the watchdog abandoned the Func call (it overran its
// Timeout): the message has been settled without this worker, which must
// then leave, a replacement having been started.
func (s *Stage) handle(ctx, drainCtx context.Context, js jetstream.JetStream, sl *slot, m jetstream.Msg) bool {
	now := time.Now()
	s.metrics.in.Inc()
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()

	meta, err := m.Metadata()
	if err != nil { // not a JetStream message: cannot happen on a pull consumer
		s.Log.Error("message without metadata", zap.Error(err))
		_ = m.Term()
		return true
	}
	d := delivery{msg: m, meta: meta, stage: s, start: now}
	sl.begin(m, now, now.Add(s.Timeout))
	defer sl.end()

	decode := func() (in pipeline.Article, wire pipeline.Wire, err error) {
		if s.Decode != nil {
			in, err = s.Decode(m.Data(), m.Headers())
		} else {
			in, wire, err = pipeline.DecodeArticleWire(m.Data())
		}
		return in, wire, err
	}
	in, wire, err := decode()
	if !sl.returned() {
		return false
	}
	if err != nil {
		s.deadLetter(drainCtx, js, d, causeUndecodable, fmt.Sprintf("undecodable: %v", err))
		return true
	}
	sl.calling(time.Now().Add(s.Timeout))
	out, err := s.call(ctx, in)
	if !sl.returned() {
		return false
	}
	if err != nil && dependencyDown(err) {
		// Each try decodes afresh: the Func may have changed what in shares.
		retry := func() (pipeline.Article, pipeline.Wire, error, bool) {
			in, wire, err := decode()
			if err != nil { // decoded once already: cannot happen
				return in, wire, err, true
			}
			sl.calling(time.Now().Add(s.Timeout))
			out, err := s.call(ctx, in)
			return out, wire, err, sl.returned()
		}
		var held heldOutcome
		out, wire, err, held = s.awaitDependency(ctx, d, err, retry)
		switch held {
		case heldAbandoned:
			return false
		case heldGivenBack:
			return true
		}
	}
	switch {
	case err == nil:
		s.succeed(drainCtx, js, d, out, wire)
	case errors.Is(err, pipeline.ErrDrop):
		if s.ack(drainCtx, d) {
			s.metrics.dropped.Inc()
			s.observe(d, "dropped")
		}
	default:
		s.fail(drainCtx, js, d, err)
	}
	return true
}

// call runs Func with the per-message timeout, turning a panic into an
// error. Run's cancellation does not reach the call: shutdown lets it
// finish.
func (s *Stage) call(ctx context.Context, in pipeline.Article) (out pipeline.Article, err error) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.Timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("stage panicked", zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	out, err = s.Func(fctx, in)
	if err != nil && fctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w after %s: %w", errTimeout, s.Timeout, err)
	}
	return out, err
}

// encodeBuffers recycles output buffers: Publish waits for the PubAck, and
// the client has copied the message out by then.
var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// succeed publishes the result, if the stage has a next subject, then acks.
func (s *Stage) succeed(ctx context.Context, js jetstream.JetStream, d delivery, out pipeline.Article, wire pipeline.Wire) {
	if s.To != "" {
		out.Mark(s.Name, s.Version, time.Now())
		buf := encodeBuffers.Get().(*[]byte)
		data, err := pipeline.AppendArticleWire((*buf)[:0], &out, wire)
		defer func() {
			if cap(data) <= 1<<20 { // don't keep a huge page's buffer around
				*buf = data[:0]
				encodeBuffers.Put(buf)
			}
		}()
		if err != nil { // only unencodable values (NaN salience): a bug in the stage
			s.deadLetter(ctx, js, d, causePermanent, fmt.Sprintf("encoding result: %v", err))
			return
		}
		msg := &nats.Msg{Subject: s.To, Data: data, Header: nats.Header{
			pipeline.HeaderMsgID:  {outputID(s.Name, d.meta.Sequence.Stream, d.meta.Timestamp)},
			pipeline.HeaderOrigin: {origin(d)},
		}}
		if _, err := Publish(ctx, js, msg, s.countPublishRetry); err != nil {
			if errors.Is(err, ErrPublishRejected) {
				s.deadLetter(ctx, js, d, causePermanent, err.Error())
				return
			}
			// Shutting down with the output unpublished: redeliver the input.
			d.log().Warn("publish abandoned, input will be redelivered", zap.Error(err))
			s.settle(d, d.msg.Nak, "nak")
			s.observe(d, "retried")
			return
		}
	}
	if s.ack(ctx, d) {
		s.metrics.out.Inc()
		s.observe(d, "ok")
	}
}

// ackTimeout bounds waiting for the server to confirm an ack.
const ackTimeout = 5 * time.Second

// ack acks the delivery and waits for the server to confirm it has
// recorded the ack (a double ack): only then is the message done. An
// unconfirmed ack is logged and the message left to redelivery, which
// republishes its output under the same Nats-Msg-Id (a no-op, see
// outputID); it reports whether the ack was confirmed.
func (s *Stage) ack(ctx context.Context, d delivery) bool {
	actx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := d.msg.DoubleAck(actx); err != nil {
		d.log().Warn("ack not confirmed; the message will be redelivered", zap.Error(err))
		s.metrics.unconfirmedAcks.Inc()
		s.observe(d, "retried")
		return false
	}
	return true
}

// outputID is the Nats-Msg-Id of a stage's output for the input stored at
// stream sequence seq at time stored: the same for every redelivery of
// that input, and different for a message that reuses the sequence
// number in a deleted and re-created stream (the duplicate window is as
// long as the stream's retention, so a bare sequence number would make
// the new stream's outputs look like duplicates of the old one's).
func outputID(stage string, seq uint64, stored time.Time) string {
	return stage + ":" + strconv.FormatUint(seq, 10) + ":" + strconv.FormatInt(stored.UnixNano(), 10)
}

// fail settles a failed attempt: dead-lettered at once if permanent, or
// if this was the last allowed delivery, otherwise handed back with a
// delay. A budget overrun is retried even though retrying the same work
// on a healthy machine would overrun again: a stall of this process (not
// the input) may have caused it.
func (s *Stage) fail(ctx context.Context, js jetstream.JetStream, d delivery, err error) {
	last := d.attempt() >= s.MaxDeliver
	switch {
	case pipeline.IsOverBudget(err) && last:
		s.deadLetter(ctx, js, d, causeOverBudget, fmt.Sprintf("over budget on all %d deliveries, last: %v", d.attempt(), err))
	case pipeline.IsPermanent(err) && !pipeline.IsOverBudget(err):
		s.deadLetter(ctx, js, d, causePermanent, err.Error())
	case last:
		s.deadLetter(ctx, js, d, causeExhausted, fmt.Sprintf("failed %d times, last: %v", d.attempt(), err))
	default:
		delay := s.Backoff(d.attempt())
		d.log().Warn("retrying", zap.Error(err), zap.Duration("delay", delay))
		s.settle(d, func() error { return d.msg.NakWithDelay(delay) }, "nak")
		s.metrics.retried.Inc()
		s.observe(d, "retried")
	}
}

// overrun settles a message whose Func call the watchdog abandoned.
func (s *Stage) overrun(ctx context.Context, js jetstream.JetStream, m jetstream.Msg) {
	meta, err := m.Metadata()
	if err != nil {
		return
	}
	d := delivery{msg: m, meta: meta, stage: s, start: time.Now()}
	d.log().Error("stage call overran its timeout and was abandoned; it is still running", zap.Duration("timeout", s.Timeout))
	s.fail(ctx, js, d, fmt.Errorf("%w after %s (the call is still running)", errTimeout, s.Timeout))
}

func (s *Stage) observe(d delivery, outcome string) {
	s.metrics.latency[outcome].Observe(time.Since(d.start).Seconds())
}

// settle sends a retry or a termination to the server. If it is lost the
// server redelivers after AckWait, and the output's or dead letter's
// Nats-Msg-Id makes the second publish a no-op, so a failure here is
// logged, not retried. Acks go through ack, which confirms them.
func (s *Stage) settle(d delivery, f func() error, what string) {
	if err := f(); err != nil {
		d.log().Warn(what+" failed; the message will be redelivered", zap.Error(err))
	}
}

func (s *Stage) countPublishRetry(err error) {
	s.metrics.publishRetries.Inc()
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
