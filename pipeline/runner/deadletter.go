package runner

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
)

// deadLetter republishes the delivery's original bytes to the stage's
// dead-letter subject and terminates it. If the dead letter cannot be
// stored, the message is handed back with a delay instead: it is never
// terminated unless its copy is safe.
func (s *Stage) deadLetter(ctx context.Context, js jetstream.JetStream, d delivery, cause, reason string) {
	err := s.publishDeadLetter(ctx, js, deadLetter{
		data: d.msg.Data(), header: d.msg.Headers(), subject: d.msg.Subject(),
		seq: d.meta.Sequence.Stream, stored: d.meta.Timestamp, attempt: d.attempt(), origin: origin(d),
		cause: cause, reason: reason,
	})
	if err != nil {
		d.log().Error("dead-letter publish failed; the message will be redelivered", zap.Error(err))
		s.settle(d, func() error { return d.msg.NakWithDelay(s.Backoff(d.attempt())) }, "nak")
		s.observe(d, "retried")
		return
	}
	d.log().Warn("dead-lettered", zap.String("cause", cause), zap.String("reason", reason))
	s.settle(d, func() error { return d.msg.TermWithReason(truncate(reason, 256)) }, "term")
	s.observe(d, "dead_lettered")
}

type deadLetter struct {
	data    []byte
	header  nats.Header
	subject string
	seq     uint64
	stored  time.Time // when the original was stored: with seq, its identity
	attempt int
	origin  string
	cause   string
	reason  string
}

func (s *Stage) publishDeadLetter(ctx context.Context, js jetstream.JetStream, dl deadLetter) error {
	msg := nats.NewMsg(pipeline.DeadLetterSubject(s.Name))
	msg.Data = dl.data
	for k, v := range dl.header {
		// The original's de-duplication and expectation headers would make
		// the dead-letter stream refuse or drop its copy.
		if k == pipeline.HeaderMsgID || strings.HasPrefix(k, "Nats-Expected") {
			continue
		}
		msg.Header[k] = v
	}
	msg.Header.Set(pipeline.HeaderDeadStage, s.Name)
	msg.Header.Set(pipeline.HeaderDeadReason, dl.reason)
	msg.Header.Set(pipeline.HeaderDeadCause, dl.cause)
	msg.Header.Set(pipeline.HeaderDeadAttempt, strconv.Itoa(dl.attempt))
	msg.Header.Set(pipeline.HeaderDeadSubject, dl.subject)
	msg.Header.Set(pipeline.HeaderDeadStreamSequence, strconv.FormatUint(dl.seq, 10))
	msg.Header.Set(pipeline.HeaderDeadTime, time.Now().UTC().Format(time.RFC3339Nano))
	msg.Header.Set(pipeline.HeaderOrigin, dl.origin)
	// One dead letter per input message, however many replicas or
	// advisories try to write it.
	msg.Header.Set(pipeline.HeaderMsgID, "dead:"+outputID(s.Name, dl.seq, dl.stored))
	if _, err := Publish(ctx, js, msg, s.countPublishRetry); err != nil {
		return err
	}
	metricDeadLettered.WithLabelValues(s.Name, dl.cause).Inc()
	return nil
}

// MaxDeliveriesConsumer is the name of the durable consumer through which
// the stage named stage reads its max-deliveries advisories.
func MaxDeliveriesConsumer(stage string) string { return stage + "-max-deliveries" }

// maxDeliveriesAdvisory is the part of JetStream's
// io.nats.jetstream.advisory.v1.max_deliver advisory we read.
type maxDeliveriesAdvisory struct {
	Stream     string `json:"stream"`
	Consumer   string `json:"consumer"`
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
}

// watchMaxDeliveries dead-letters messages the server stopped delivering
// without ever getting an outcome for them: every delivery's ack wait ran
// out (a worker crashed, a process was killed). The advisories are kept in
// StreamAdvisories and read through a durable consumer, so one raised while
// no replica was connected is handled at the next start.
func (s *Stage) watchMaxDeliveries(ctx, drainCtx context.Context, js jetstream.JetStream, stream string) (jetstream.ConsumeContext, error) {
	cfg := jetstream.ConsumerConfig{
		Durable:       MaxDeliveriesConsumer(s.Name),
		Description:   "newsflow: dead-letters what stage " + s.Name + " never settled",
		FilterSubject: maxDeliveriesSubject(stream, s.Name),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       30 * time.Second,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	// No flag sets it, but a replica of another version may want it
	// otherwise: the owner of the stage's consumer owns this one too.
	cons, err := ensureConsumer(ctx, js, StreamAdvisories, cfg, s.ApplyConsumer, func(have jetstream.ConsumerConfig) []setting {
		return []setting{
			{"filter_subject", have.FilterSubject, cfg.FilterSubject},
			{"ack_wait", have.AckWait, cfg.AckWait},
		}
	})
	if errors.Is(err, ErrTopologyMismatch) {
		return nil, fmt.Errorf("stage %s: %w", s.Name, refuse(err))
	}
	if err != nil {
		return nil, fmt.Errorf("stage %s: advisory consumer: %w", s.Name, err)
	}
	src, err := js.Stream(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("stage %s: stream %s: %w", s.Name, stream, err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		var adv maxDeliveriesAdvisory
		if err := json.Unmarshal(m.Data(), &adv); err != nil || adv.StreamSeq == 0 {
			s.Log.Error("unreadable max-deliveries advisory", zap.ByteString("advisory", m.Data()), zap.Error(err))
			_ = m.Term()
			return
		}
		log := s.Log.With(zap.Uint64("seq", adv.StreamSeq))
		raw, err := src.GetMsg(drainCtx, adv.StreamSeq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			// Expired or purged before we got to it: nothing left to keep.
			log.Error("message reached max deliveries but is gone from the stream")
			_ = m.Ack()
			return
		}
		if err != nil {
			log.Warn("fetching message that reached max deliveries", zap.Error(err))
			_ = m.NakWithDelay(time.Second)
			return
		}
		orig := raw.Header.Get(pipeline.HeaderOrigin)
		if orig == "" {
			orig = raw.Header.Get(pipeline.HeaderMsgID)
		}
		if orig == "" {
			orig = stream + ":" + strconv.FormatUint(raw.Sequence, 10)
		}
		err = s.publishDeadLetter(drainCtx, js, deadLetter{
			data: raw.Data, header: raw.Header, subject: raw.Subject, seq: raw.Sequence, stored: raw.Time,
			attempt: int(adv.Deliveries), origin: orig, cause: causeMaxDeliveries,
			reason: fmt.Sprintf("no outcome after %d deliveries (every ack wait expired: worker crashed or stuck)", adv.Deliveries),
		})
		if err != nil {
			log.Error("dead-letter publish failed; advisory will be retried", zap.Error(err))
			_ = m.NakWithDelay(5 * time.Second)
			return
		}
		log.Warn("dead-lettered after max deliveries", zap.Uint64("deliveries", adv.Deliveries))
		_ = m.Ack()
	}, jetstream.PullMaxMessages(16), jetstream.PullExpiry(s.PullExpiry))
	if err != nil {
		return nil, fmt.Errorf("stage %s: advisory consume: %w", s.Name, err)
	}
	return cc, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
