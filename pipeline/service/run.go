package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/newsflow/newsflow/pipeline/backoff"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// Component is a long-running part of a service besides its stages: an
// HTTP API, a scheduler. It runs until ctx is done and then returns nil, or
// returns an error, which stops the whole service.
type Component func(ctx context.Context, js jetstream.JetStream) error

// Service is one newsflow process: stages and components sharing one NATS
// connection, one ops endpoint and one shutdown.
type Service struct {
	Name       string
	Config     Config
	Log        *zap.Logger
	Stages     []*runner.Stage
	Components []Component
	// Ready adds readiness checks beyond "connected and every stage consuming".
	Ready []func() error
	// Conn, if set, is used instead of dialling Config.NATSURL (the
	// all-in-one binary passes its in-process connection). Run drains it.
	Conn *nats.Conn
	// OpsListening, if set, is called with the ops endpoint's address once it listens.
	OpsListening func(addr net.Addr)
	// Closers are closed, in order, after the stages and the connection
	// have drained (a store, say).
	Closers []io.Closer
	// OnReady, if set, is called once, when the service first becomes ready.
	OnReady func()
}

// Merge combines services into one process's service: the all-in-one
// binary runs every stage this way. Name, Config, Log and Conn come from
// the first.
func Merge(services ...Service) Service {
	var m Service
	for i, s := range services {
		if i == 0 {
			m.Name, m.Config, m.Log, m.Conn, m.OpsListening, m.OnReady = s.Name, s.Config, s.Log, s.Conn, s.OpsListening, s.OnReady
		}
		m.Stages = append(m.Stages, s.Stages...)
		m.Components = append(m.Components, s.Components...)
		m.Ready = append(m.Ready, s.Ready...)
		m.Closers = append(m.Closers, s.Closers...)
	}
	return m
}

// Run connects to NATS, makes sure the streams exist, serves the ops
// endpoint and runs the stages and components until ctx is done or one of
// them fails. Then every stage drains, the connection drains, and Run
// returns the first failure, or nil after a clean shutdown.
func Run(ctx context.Context, s Service) error {
	log := s.Log
	if log == nil {
		log = zap.NewNop()
	}
	nc := s.Conn
	if nc == nil {
		var err error
		if nc, err = Connect(s.Name, s.Config, log); err != nil {
			return err
		}
	}
	defer func() {
		drain(nc, log, connDrainTimeout)
		for _, c := range s.Closers {
			if err := c.Close(); err != nil {
				log.Warn("close", zap.Error(err))
			}
		}
	}()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	if err := ensureTopology(ctx, js, s.Config.Topology(), log); err != nil {
		return err
	}

	// A stage holding messages until a dependency answers is alive (a
	// restart would not help) but not ready.
	degraded := func() error {
		var errs []error
		for _, st := range s.Stages {
			errs = append(errs, st.Degraded())
		}
		return errors.Join(errs...)
	}
	ready := func() error {
		if !nc.IsConnected() {
			return errors.New("not connected to NATS")
		}
		for _, st := range s.Stages {
			if !st.Ready() {
				return fmt.Errorf("stage %s is not consuming", st.Name)
			}
		}
		for _, check := range s.Ready {
			if err := check(); err != nil {
				return err
			}
		}
		return degraded()
	}
	g, gctx := errgroup.WithContext(ctx)
	if s.Config.OpsAddr != "" {
		ln, err := net.Listen("tcp", s.Config.OpsAddr)
		if err != nil {
			return fmt.Errorf("ops endpoint: %w", err)
		}
		if s.OpsListening != nil {
			s.OpsListening(ln.Addr())
		}
		g.Go(func() error { return ServeHTTP(gctx, ln, OpsHandler(ready, degraded)) })
	}
	for _, st := range s.Stages {
		if st.Log == nil {
			st.Log = log
		}
		g.Go(func() error { return st.Run(gctx, js) })
	}
	for _, c := range s.Components {
		g.Go(func() error { return c(gctx, js) })
	}
	g.Go(func() error {
		for ready() != nil {
			select {
			case <-gctx.Done():
				return nil
			case <-time.After(10 * time.Millisecond):
			}
		}
		log.Info("service ready", zap.String("service", s.Name), zap.String("nats", nc.ConnectedUrlRedacted()))
		if s.OnReady != nil {
			s.OnReady()
		}
		return nil
	})
	err = g.Wait()
	log.Info("service stopped", zap.String("service", s.Name), zap.Error(err))
	return err
}

// Connect dials NATS with the reconnect behaviour a long-running service
// wants: keep trying forever, including the first connection (so a service
// may start before its server), and log every change of state.
func Connect(name string, c Config, log *zap.Logger) (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Name("newsflow-" + name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.RetryOnFailedConnect(true),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn("NATS disconnected", zap.Error(err))
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("NATS reconnected", zap.String("url", nc.ConnectedUrlRedacted()))
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			log.Warn("NATS error", zap.String("subject", subject), zap.Error(err))
		}),
	}
	auth, err := c.AuthOptions()
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect(c.NATSURL, append(opts, auth...)...)
	if err != nil {
		return nil, fmt.Errorf("connecting to NATS at %s: %w", c.NATSURL, err)
	}
	return nc, nil
}

// ensureTopology retries until JetStream answers, for as long as ctx
// lasts: in a compose or cluster start the server may still be electing
// leaders, and creating replicated streams on a loaded machine can take
// longer than any fixed bound. Each attempt is bounded (a request lost in
// an election must not hang the start), but the bound doubles with every
// attempt (topologyAttemptBound), so a slow cluster is eventually given
// the time it needs; what an attempt cut short created is found by the
// next one.
func ensureTopology(ctx context.Context, js jetstream.JetStream, t runner.Topology, log *zap.Logger) error {
	wait := backoff.Exponential(250*time.Millisecond, 5*time.Second)
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, topologyAttemptBound(attempt))
		err := runner.EnsureTopology(actx, js, t)
		cancel()
		if err == nil {
			if attempt > 1 {
				log.Info("streams ready", zap.Int("attempts", attempt))
			}
			return nil
		}
		if errors.Is(err, runner.ErrConfig) || errors.Is(err, runner.ErrTopologyMismatch) {
			return err
		}
		log.Warn("waiting for JetStream", zap.Int("attempt", attempt), zap.Duration("next_attempt_bound", topologyAttemptBound(attempt+1)), zap.Error(err))
		select {
		case <-ctx.Done():
			return fmt.Errorf("creating streams: %w (last error: %w)", ctx.Err(), err)
		case <-time.After(wait(attempt)):
		}
	}
}

// topologyAttemptBound bounds the attempt-th try at the topology: 10 s,
// doubling to 5 minutes.
func topologyAttemptBound(attempt int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < attempt && d < 5*time.Minute; i++ {
		d *= 2
	}
	return min(d, 5*time.Minute)
}

// connDrainTimeout bounds draining the connection once the stages have
// drained (each within its DrainTimeout): what is left then is only
// unsubscribing and flushing, which takes milliseconds when NATS is there;
// when it is not, waiting longer cannot help.
const connDrainTimeout = 2 * time.Second

func drain(nc *nats.Conn, log *zap.Logger, timeout time.Duration) {
	closed := make(chan struct{})
	nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
	if err := nc.Drain(); err != nil {
		nc.Close()
		return
	}
	select {
	case <-closed:
	case <-time.After(timeout):
		log.Warn("NATS drain timed out")
		nc.Close()
	}
}

// OpsHandler serves /metrics (Prometheus), /healthz (the process is up:
// always 200, its body "ok", or "degraded: " and what degraded reports)
// and /readyz (ready reports no error).
func OpsHandler(ready, degraded func() error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if err := degraded(); err != nil {
			_, _ = w.Write([]byte("degraded: " + err.Error() + "\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	return mux
}

// ServeHTTP serves h on ln until ctx is done, then shuts down gracefully.
func ServeHTTP(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	return nil
}
