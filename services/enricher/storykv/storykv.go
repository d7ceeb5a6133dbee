// Package storykv is the enricher's story memory shared through
// JetStream: it implements enrich.Memory for every enricher replica, in
// the service and in the all-in-one binary alike.
//
// The memory is a log. Every linked article is one message on a stream
// (its story.Article: signature and decision), and every replica keeps
// the same story.Index by applying the stream in order: an ordered
// consumer follows it, and a replica about to link catches up first.
// Linking is one compare-and-set: the replica decides with its Index at
// stream sequence n and publishes the article expecting the stream's last
// sequence to be n (JetStream's Nats-Expected-Last-Sequence). If another
// replica published in between, the publish fails, the replica reads the
// messages it missed, decides again, and retries, for at most
// Config.Wait. So a decision is always taken with every earlier decision
// in view, two replicas never both miss each other, and every replica
// that applies the log holds the same Index and agrees.
//
// Deciding is in-process, so linking costs one publish round trip; the
// previous design (a key-value bucket of articles and index keys, read and
// compare-and-set key by key) cost dozens. Messages expire with the
// stream's max age (the memory's TTL), and each replica's Index forgets
// the same articles at the same point of the log.
package storykv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

// Config configures the story memory.
type Config struct {
	// Stream is the stream name (default DefaultStream).
	Stream string
	// TTL is how long an article is remembered (default 7 days): the
	// stream's max age, and the Index's.
	TTL time.Duration
	// Replicas of the stream in a clustered JetStream (default 1).
	Replicas int
	// Storage is file (default) or memory.
	Storage jetstream.StorageType
	// MaxBytes bounds the stream (default unlimited; the TTL bounds it).
	MaxBytes int64
	// MaxArticles bounds each replica's Index (default 100,000, about
	// 0.3 GB); the oldest linked go first.
	MaxArticles int
	// Wait bounds the time Link spends retrying when other replicas keep
	// linking first (default 10s); then it fails with ErrBusy.
	Wait time.Duration
	// Apply makes this process the stream's owner (-apply-topology): New
	// creates or updates the stream to this Config. Otherwise New creates
	// it if absent and refuses one with other settings
	// (runner.ErrTopologyMismatch), so a replica with stale flags cannot
	// change retention for the others.
	Apply bool
}

// DefaultStream is the stream name when Config.Stream is empty, and
// Subject the subject it holds.
const (
	DefaultStream = pipeline.StreamStoryMemory
	Subject       = pipeline.SubjectStoryMemory
)

// ErrBusy reports that other replicas kept linking first for Config.Wait.
var ErrBusy = errors.New("storykv: story memory busy")

func (c *Config) defaults() error {
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	if c.TTL == 0 {
		c.TTL = 7 * 24 * time.Hour
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = -1
	}
	if c.MaxArticles == 0 {
		c.MaxArticles = 100_000
	}
	if c.Wait == 0 {
		c.Wait = 10 * time.Second
	}
	switch {
	case !validName.MatchString(c.Stream):
		return fmt.Errorf("storykv: stream name %q: want letters, digits, - and _", c.Stream)
	case c.TTL < time.Second:
		return fmt.Errorf("storykv: TTL %v is under a second", c.TTL)
	case c.Replicas < 1 || c.Replicas > 5:
		return fmt.Errorf("storykv: %d replicas, want 1 to 5", c.Replicas)
	case c.MaxArticles < 1 || c.Wait < 0:
		return fmt.Errorf("storykv: MaxArticles must be positive and Wait not negative")
	}
	return nil
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// Memory is an enrich.Memory on a JetStream stream. It is safe for
// concurrent use, and several processes may share one stream.
type Memory struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	cfg    Config
	follow jetstream.ConsumeContext

	mu      sync.Mutex
	index   *story.Index
	applied uint64 // the last stream sequence applied to index
	err     error  // a message that could not be applied
}

var _ enrich.Memory = (*Memory)(nil)

// New creates the stream if it does not exist (and updates or verifies its
// configuration, see Config.Apply), reads it into memory and follows it. Close stops
// following.
func New(ctx context.Context, js jetstream.JetStream, cfg Config) (*Memory, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	st, err := runner.EnsureStream(ctx, js, jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: "newsflow enricher story memory: every linked article's signature and story, in linking order",
		Subjects:    []string{Subject},
		MaxAge:      cfg.TTL,
		MaxBytes:    cfg.MaxBytes,
		Storage:     cfg.Storage,
		Replicas:    cfg.Replicas,
		Discard:     jetstream.DiscardOld,
	}, cfg.Apply)
	if err != nil {
		return nil, fmt.Errorf("storykv: %w", err)
	}
	m := &Memory{js: js, stream: st, cfg: cfg,
		index: story.NewIndex(story.IndexOptions{TTL: cfg.TTL, MaxArticles: cfg.MaxArticles})}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("storykv: stream %s: %w", cfg.Stream, err)
	}
	caughtUp := make(chan struct{})
	var once sync.Once
	if info.State.Msgs == 0 {
		m.applied = info.State.LastSeq // everything expired, or nothing yet
		once.Do(func() { close(caughtUp) })
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return nil, fmt.Errorf("storykv: follow %s: %w", cfg.Stream, err)
	}
	m.follow, err = cons.Consume(func(msg jetstream.Msg) {
		meta, err := msg.Metadata()
		if err != nil {
			return
		}
		m.mu.Lock()
		m.apply(meta.Sequence.Stream, msg.Data())
		done := m.applied >= info.State.LastSeq
		m.mu.Unlock()
		if done {
			once.Do(func() { close(caughtUp) })
		}
	})
	if err != nil {
		return nil, fmt.Errorf("storykv: follow %s: %w", cfg.Stream, err)
	}
	// Messages may also expire while we read: then catch up directly.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-caughtUp:
			return m, nil
		case <-tick.C:
			m.mu.Lock()
			err := m.catchUp(ctx)
			m.mu.Unlock()
			if err != nil {
				m.Close()
				return nil, err
			}
			once.Do(func() { close(caughtUp) })
		case <-ctx.Done():
			m.Close()
			return nil, fmt.Errorf("storykv: reading %s: %w", cfg.Stream, ctx.Err())
		}
	}
}

// Close stops following the stream.
func (m *Memory) Close() { m.follow.Stop() }

// apply adds the article published at seq to the Index, once, in
// sequence order. The caller holds mu.
func (m *Memory) apply(seq uint64, data []byte) {
	if seq <= m.applied {
		return // applied already: our own, or read while catching up
	}
	var a story.Article
	if err := json.Unmarshal(data, &a); err != nil {
		m.err = fmt.Errorf("storykv: message %d: %w", seq, err)
	} else {
		m.index.Add(a, a.Seen)
	}
	m.applied = seq
}

// catchUp applies the messages after the last applied one. The caller
// holds mu.
func (m *Memory) catchUp(ctx context.Context) error {
	for {
		msg, err := m.stream.GetMsg(ctx, m.applied+1)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("storykv: read %d: %w", m.applied+1, err)
		}
		m.apply(msg.Sequence, msg.Data)
	}
}

// Link implements enrich.Memory.
func (m *Memory) Link(ctx context.Context, rule *story.Rule, a story.Article) (story.Decision, error) {
	giveUp := time.Now().Add(m.cfg.Wait)
	backoff := time.Millisecond
	for {
		d, linked, err := m.tryLink(ctx, rule, a)
		if err != nil || linked {
			return d, err
		}
		// Another replica linked first: we have read what it linked;
		// decide again, after a short jittered pause if this keeps
		// happening.
		if time.Now().After(giveUp) {
			return story.Decision{}, fmt.Errorf("%w: other replicas kept linking first for %v", ErrBusy, m.cfg.Wait)
		}
		t := time.NewTimer(backoff/2 + time.Duration(rand.Int64N(int64(backoff))))
		select {
		case <-ctx.Done():
			t.Stop()
			return story.Decision{}, ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, 50*time.Millisecond)
	}
}

// tryLink decides with the Index as applied and publishes, expecting no
// message since; linked is false when another replica published first.
func (m *Memory) tryLink(ctx context.Context, rule *story.Rule, a story.Article) (d story.Decision, linked bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return d, false, m.err
	}
	// Forget what expired by the article's clock, as every replica will
	// when it applies the article (Add expires first).
	m.index.Expire(a.Seen)
	if prev, ok := m.index.Get(a.ID); ok {
		return story.Decision{StoryID: prev.StoryID, DuplicateOf: prev.DuplicateOf}, true, nil
	}
	d = m.index.Decide(rule, &a)
	a.StoryID, a.DuplicateOf = d.StoryID, d.DuplicateOf
	data, err := json.Marshal(&a)
	if err != nil {
		return d, false, fmt.Errorf("storykv: article %s: %w", a.ID, err)
	}
	ack, err := m.js.Publish(ctx, Subject, data, jetstream.WithExpectLastSequence(m.applied), jetstream.WithExpectStream(m.cfg.Stream))
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
		if err := m.catchUp(ctx); err != nil {
			return d, false, err
		}
		// The article itself may have been linked meanwhile (a redelivery
		// to another replica): the next round returns that decision.
		return d, false, m.err
	}
	if err != nil {
		return d, false, fmt.Errorf("storykv: publish %s: %w", a.ID, err)
	}
	// Ours is the message right after the last applied one.
	m.index.Add(a, a.Seen)
	m.applied = ack.Sequence
	return d, true, nil
}

// Len returns how many articles this replica's Index holds.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.index.Len()
}
