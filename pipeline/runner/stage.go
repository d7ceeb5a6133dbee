package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/backoff"
)

// Stage runs a pipeline.Func as a durable JetStream pull consumer on From,
// publishing results to To. Configure it, then call Run; zero fields take
// the defaults documented on each. Several processes running the same
// Stage share its durable consumer, and so its work.
type Stage struct {
	// Name is the durable consumer's name, the log field and metric label,
	// and the suffix of the stage's dead-letter subject.
	Name string
	// From is the subject consumed; it must belong to a pipeline stream.
	From string
	// To is the subject results are published to; "" for the last stage.
	To string
	// Version is recorded with Name in each article's Stages when the
	// stage publishes (To is set); the last stage has none to record.
	Version string

	Func pipeline.Func
	// Decode reads a message into an Article. Default: the contract's
	// article decoding (pipeline.DecodeArticleWire, so text the Func leaves
	// unchanged is copied into the output, not encoded again).
	Decode func(data []byte, h pipeline.Header) (pipeline.Article, error)

	// Workers is how many messages are processed at once in this process.
	// Default: 2×GOMAXPROCS, at least 4.
	Workers int
	// Prefetch is how many messages the client asks the server for ahead
	// of the workers. Default: 2×Workers. Messages wait in this buffer on
	// the ack clock, so AckWait must cover Prefetch/Workers × the typical
	// processing time.
	Prefetch int
	// Timeout bounds one call of Func. Default 30s.
	Timeout time.Duration
	// MaxDeliver is how many times a message is tried before it is
	// dead-lettered. Default 5.
	MaxDeliver int
	// Backoff is the redelivery delay after a failed attempt (1-based).
	// Default: backoff.Exponential(1s, 1m).
	Backoff func(attempt int) time.Duration
	// DependencyBackoff is the wait before calling Func again for a
	// message held because a dependency is down (wait counts from 1; see
	// pipeline.Unavailable). Default: backoff.Exponential(500ms, 30s).
	DependencyBackoff func(wait int) time.Duration
	// AckWait is how long the server waits for an outcome before
	// redelivering. While a message is being worked on the runner tells the
	// server every AckWait/3 that it is still in progress. Default 30s.
	AckWait time.Duration
	// PullExpiry bounds one pull request. Short, so a stalled pull (nats.go
	// issue #1622) costs seconds; heartbeats are half of it. Default 5s.
	PullExpiry time.Duration
	// DrainTimeout bounds how long, once Run's context is done, in-flight
	// messages may take to publish and ack; after it they are left to
	// redelivery and Run returns. Default 5s, well inside docker's 10 s
	// stop grace period.
	DrainTimeout time.Duration
	// ApplyConsumer makes this process the owner of the stage's durable
	// consumer: it is created or updated to MaxDeliver and AckWait.
	// Otherwise it is created if absent and, if present, must have them
	// (ErrTopologyMismatch), so one replica with stale settings cannot
	// change redelivery for the others.
	ApplyConsumer bool

	Log *zap.Logger

	ready   atomic.Bool
	metrics stageMetrics
	outage  outage
}

// ErrConfig reports a Stage that cannot run as configured.
var ErrConfig = errors.New("runner: bad stage config")

func (s *Stage) init() error {
	switch {
	case s.Name == "":
		return fmt.Errorf("%w: no Name", ErrConfig)
	case s.Func == nil:
		return fmt.Errorf("%w: stage %s has no Func", ErrConfig, s.Name)
	case pipeline.StreamOf(s.From) == "":
		return fmt.Errorf("%w: stage %s: From %q is not a pipeline subject", ErrConfig, s.Name, s.From)
	case s.To != "" && pipeline.StreamOf(s.To) == "":
		return fmt.Errorf("%w: stage %s: To %q is not a pipeline subject", ErrConfig, s.Name, s.To)
	}
	if s.Workers <= 0 {
		s.Workers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	if s.Prefetch <= 0 {
		s.Prefetch = 2 * s.Workers
	}
	if s.Timeout <= 0 {
		s.Timeout = 30 * time.Second
	}
	if s.MaxDeliver <= 0 {
		s.MaxDeliver = 5
	}
	if s.Backoff == nil {
		s.Backoff = backoff.Exponential(time.Second, time.Minute)
	}
	if s.DependencyBackoff == nil {
		s.DependencyBackoff = backoff.Exponential(500*time.Millisecond, 30*time.Second)
	}
	if s.AckWait <= 0 {
		s.AckWait = 30 * time.Second
	}
	if s.PullExpiry <= 0 {
		s.PullExpiry = 5 * time.Second
	}
	if s.DrainTimeout <= 0 {
		s.DrainTimeout = 5 * time.Second
	}
	if s.Log == nil {
		s.Log = zap.NewNop()
	}
	s.Log = s.Log.With(zap.String("stage", s.Name))
	s.metrics = newStageMetrics(s.Name)
	return nil
}

// consumer creates the stage's durable consumer, or updates it
// (ApplyConsumer), or checks it (see ApplyConsumer).
func (s *Stage) consumer(ctx context.Context, js jetstream.JetStream, stream string) (jetstream.Consumer, error) {
	cfg := jetstream.ConsumerConfig{
		Durable:       s.Name,
		Description:   "newsflow stage " + s.Name,
		FilterSubject: s.From,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       s.AckWait,
		MaxDeliver:    s.MaxDeliver,
		MaxAckPending: max(1000, 4*s.Prefetch),
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	// MaxAckPending follows each replica's prefetch and is not checked.
	return ensureConsumer(ctx, js, stream, cfg, s.ApplyConsumer, func(have jetstream.ConsumerConfig) []setting {
		return []setting{
			{"filter_subject", have.FilterSubject, cfg.FilterSubject},
			{"ack_wait", have.AckWait, cfg.AckWait},
			{"max_deliver", have.MaxDeliver, cfg.MaxDeliver},
		}
	})
}

// Ready reports whether the stage is consuming.
func (s *Stage) Ready() bool { return s.ready.Load() }

// Run consumes until ctx is done, then stops fetching, lets in-flight
// messages finish (Func calls are not cancelled by ctx; they keep their own
// Timeout), hands buffered ones back with a Nak, and returns. The consumer
// is created or updated first, so Run is safe to call on every start.
func (s *Stage) Run(ctx context.Context, js jetstream.JetStream) error {
	if err := s.init(); err != nil {
		return err
	}
	err := s.run(ctx, js)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil // asked to stop while starting: a clean stop
	}
	return err
}

func (s *Stage) run(ctx context.Context, js jetstream.JetStream) error {
	stream := pipeline.StreamOf(s.From)
	cons, err := s.consumer(ctx, js, stream)
	if errors.Is(err, ErrTopologyMismatch) {
		return fmt.Errorf("stage %s: %w (only a replica started with -apply-topology changes it; start this one with the server's settings)", s.Name, err)
	}
	if err != nil {
		return fmt.Errorf("stage %s: consumer: %w", s.Name, err)
	}

	// Work already taken on finishes after ctx is done, within DrainTimeout.
	drainCtx, cancelDrain := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelDrain()
	stopDrainTimer := context.AfterFunc(ctx, func() { time.AfterFunc(s.DrainTimeout, cancelDrain) })
	defer stopDrainTimer()

	watcher, err := s.watchMaxDeliveries(ctx, drainCtx, js, stream)
	if err != nil {
		return err
	}
	defer watcher.Stop()

	stopping := make(chan struct{})
	work := make(chan jetstream.Msg)
	pool := workerPool{stage: s, work: work, stopping: stopping}
	run := func(sl *slot, m jetstream.Msg) bool { return s.handle(ctx, drainCtx, js, sl, m) }
	for range s.Workers {
		pool.start(run)
	}
	var overruns sync.WaitGroup
	stopWatch := make(chan struct{})
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		s.watchdog(pool.slots, stopWatch, func(sl *slot, m jetstream.Msg) {
			pool.replace(sl, run)
			overruns.Go(func() { s.overrun(drainCtx, js, m) })
		})
	}()
	defer func() {
		close(stopWatch)
		<-watchDone
		overruns.Wait()
	}()
	workers := &pool.wg

	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case <-stopping:
			s.giveBack(m)
			return
		default:
		}
		select {
		case work <- m:
		case <-stopping:
			s.giveBack(m)
		}
	},
		jetstream.PullMaxMessages(s.Prefetch),
		jetstream.PullExpiry(s.PullExpiry),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			s.Log.Warn("consume", zap.Error(err))
		}),
	)
	if err != nil {
		close(stopping)
		workers.Wait()
		return fmt.Errorf("stage %s: consume: %w", s.Name, err)
	}
	s.ready.Store(true)
	s.Log.Info("stage running", zap.String("from", s.From), zap.String("to", s.To),
		zap.Int("workers", s.Workers), zap.Int("max_deliver", s.MaxDeliver))

	<-ctx.Done()
	s.ready.Store(false)
	s.Log.Info("stage draining")
	close(stopping)
	cc.Drain() // buffered messages reach the callback, which gives them back
	// A Func call is not cancelled by shutdown and may run to its Timeout,
	// and a publish retries while NATS is away: the wait for them is
	// bounded by DrainTimeout. A message still in flight after it is
	// settled by nobody, and the server redelivers it after AckWait.
	workersDone := make(chan struct{})
	go func() { workers.Wait(); close(workersDone) }()
	select {
	case <-workersDone:
	case <-drainCtx.Done():
		s.Log.Warn("drain timed out; messages still in flight will be redelivered", zap.Duration("drain_timeout", s.DrainTimeout))
	}
	select {
	case <-cc.Closed():
	case <-drainCtx.Done():
		cc.Stop()
	}
	s.Log.Info("stage stopped")
	return nil
}

// giveBack returns a message this process will not work on to the server
// for immediate redelivery (to another replica, or to this one on restart).
func (s *Stage) giveBack(m jetstream.Msg) {
	if err := m.Nak(); err != nil {
		s.Log.Debug("nak on shutdown", zap.Error(err))
	}
}

// workerPool is a stage's workers, each with the slot the watchdog
// watches. A worker whose call the watchdog abandons leaves the pool (and
// its WaitGroup) at once, a fresh worker taking its place, so a stuck call
// can neither starve the stage nor block its shutdown.
type workerPool struct {
	stage    *Stage
	work     <-chan jetstream.Msg
	stopping <-chan struct{}

	wg      sync.WaitGroup
	mu      sync.Mutex
	members []*slot
}

func (p *workerPool) start(run func(*slot, jetstream.Msg) bool) {
	sl := &slot{}
	p.mu.Lock()
	p.members = append(p.members, sl)
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		for {
			select {
			case <-p.stopping:
				p.wg.Done()
				return
			case m := <-p.work:
				if !run(sl, m) {
					return // abandoned: replace already released this worker
				}
			}
		}
	}()
}

// replace swaps the abandoned worker of sl for a new one.
func (p *workerPool) replace(sl *slot, run func(*slot, jetstream.Msg) bool) {
	p.start(run) // before Done, so the count never touches zero meanwhile
	p.mu.Lock()
	for i, m := range p.members {
		if m == sl {
			p.members = append(p.members[:i], p.members[i+1:]...)
			break
		}
	}
	p.mu.Unlock()
	p.wg.Done()
}

func (p *workerPool) slots() []*slot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*slot(nil), p.members...)
}
