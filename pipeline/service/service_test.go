package service_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/service"
)

func TestParseCommandLineBeatsEnvBeatsDefault(t *testing.T) {
	c := service.DefaultConfig()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.RegisterFlags(fs)
	env := map[string]string{
		"NEWSFLOW_NATS_URL":  "nats://from-env:4222",
		"NEWSFLOW_WORKERS":   "7",
		"NEWSFLOW_LOG_LEVEL": "debug",
	}
	if err := service.Parse(fs, []string{"-log-level", "warn"}, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.NATSURL != "nats://from-env:4222" || c.Workers != 7 || c.LogLevel != "warn" || c.OpsAddr != "127.0.0.1:9090" {
		t.Fatalf("config = %+v", c)
	}
}

func TestParseRejectsBadEnv(t *testing.T) {
	c := service.DefaultConfig()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.RegisterFlags(fs)
	err := service.Parse(fs, nil, func(k string) string {
		if k == "NEWSFLOW_MAX_AGE" {
			return "forever"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "NEWSFLOW_MAX_AGE") {
		t.Fatalf("err = %v, want one naming NEWSFLOW_MAX_AGE", err)
	}
}

func TestValidate(t *testing.T) {
	if err := service.DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := service.DefaultConfig()
	bad.LogLevel, bad.Replicas, bad.Workers = "loud", 0, -1
	err := bad.Validate()
	if !errors.Is(err, service.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"log-level", "replicas", "negative"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// opsService is a service.Run of one stage against an embedded
// JetStream, with its ops endpoint on a free loopback port.
type opsService struct {
	t      *testing.T
	srv    *pipelinetest.Server
	base   string
	cancel context.CancelFunc
	done   chan error
}

func startOpsService(t *testing.T, st *runner.Stage) *opsService {
	t.Helper()
	srv := pipelinetest.StartJetStream(t)
	cfg := service.DefaultConfig()
	cfg.NATSURL = srv.URL()
	cfg.OpsAddr = "127.0.0.1:0"
	addr := make(chan net.Addr, 1)
	ctx, cancel := context.WithCancel(context.Background())
	s := &opsService{t: t, srv: srv, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- service.Run(ctx, service.Service{Name: "test", Config: cfg, Stages: []*runner.Stage{st},
			OpsListening: func(a net.Addr) { addr <- a }})
	}()
	s.base = "http://" + (<-addr).String()
	return s
}

// get returns the ops endpoint's status code and body at path.
func (s *opsService) get(path string) (int, string) {
	resp, err := http.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitFor polls path until it answers code with a body holding all of
// want, for at most 10 s.
func (s *opsService) waitFor(path string, code int, want ...string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, b := s.get(path)
		if c == code && containsAll(b, want) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s = %d %q, want %d with %q", path, c, b, code, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func (s *opsService) publishClean() {
	s.t.Helper()
	if _, err := s.srv.JS.Publish(context.Background(), pipeline.SubjectClean, []byte(`{"schema":1,"id":"x","text":"t"}`)); err != nil {
		s.t.Fatal(err)
	}
}

// stop cancels Run and checks it shut down without an error.
func (s *opsService) stop() {
	s.t.Helper()
	s.cancel()
	if err := <-s.done; err != nil {
		s.t.Fatalf("Run after shutdown: %v", err)
	}
}

func TestServiceServesOpsEndpointsAndStopsCleanly(t *testing.T) {
	s := startOpsService(t, &runner.Stage{Name: "ops-test", From: pipeline.SubjectClean, To: pipeline.SubjectEnriched,
		Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil }})
	if code, _ := s.get("/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	s.waitFor("/readyz", 200)
	s.publishClean()
	s.waitFor("/metrics", 200, `newsflow_stage_messages_out_total{stage="ops-test"} 1`,
		`newsflow_stage_processing_seconds_bucket{outcome="ok",stage="ops-test"`)
	s.stop()
}

func TestHealthShowsADependencyOutage(t *testing.T) {
	var up atomic.Bool
	s := startOpsService(t, &runner.Stage{Name: "outage-test", From: pipeline.SubjectClean, To: pipeline.SubjectEnriched,
		DependencyBackoff: func(int) time.Duration { return 20 * time.Millisecond },
		Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
			if !up.Load() {
				return a, pipeline.Unavailable(errors.New("database refuses connections"))
			}
			return a, nil
		}})
	s.waitFor("/readyz", 200, "ready")
	s.publishClean()
	s.waitFor("/healthz", 200, "degraded: stage outage-test degraded: 1 message(s) waiting")
	s.waitFor("/healthz", 200, "database refuses connections")
	s.waitFor("/readyz", 503, "degraded")
	up.Store(true)
	s.waitFor("/healthz", 200, "ok")
	s.waitFor("/readyz", 200, "ready")
	s.stop()
}
