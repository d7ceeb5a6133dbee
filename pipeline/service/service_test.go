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

func TestServiceServesOpsEndpointsAndStopsCleanly(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	cfg := service.DefaultConfig()
	cfg.NATSURL = srv.URL()
	cfg.OpsAddr = "127.0.0.1:0"
	st := &runner.Stage{Name: "ops-test", From: pipeline.SubjectClean, To: pipeline.SubjectEnriched,
		Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil }}
	addr := make(chan net.Addr, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- service.Run(ctx, service.Service{Name: "test", Config: cfg, Stages: []*runner.Stage{st},
			OpsListening: func(a net.Addr) { addr <- a }})
	}()
	base := "http://" + (<-addr).String()

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := get("/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %s", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := srv.JS.Publish(ctx, pipeline.SubjectClean, []byte(`{"schema":1,"id":"x","text":"t"}`)); err != nil {
		t.Fatal(err)
	}
	for {
		_, body := get("/metrics")
		if strings.Contains(body, `newsflow_stage_messages_out_total{stage="ops-test"} 1`) &&
			strings.Contains(body, `newsflow_stage_processing_seconds_bucket{outcome="ok",stage="ops-test"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics never showed the processed message:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after shutdown: %v", err)
	}
}

func TestHealthShowsADependencyOutage(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	cfg := service.DefaultConfig()
	cfg.NATSURL = srv.URL()
	cfg.OpsAddr = "127.0.0.1:0"
	var up atomic.Bool
	st := &runner.Stage{Name: "outage-test", From: pipeline.SubjectClean, To: pipeline.SubjectEnriched,
		DependencyBackoff: func(int) time.Duration { return 20 * time.Millisecond },
		Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
			if !up.Load() {
				return a, pipeline.Unavailable(errors.New("database refuses connections"))
			}
			return a, nil
		}}
	addr := make(chan net.Addr, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- service.Run(ctx, service.Service{Name: "test", Config: cfg, Stages: []*runner.Stage{st},
			OpsListening: func(a net.Addr) { addr <- a }})
	}()
	base := "http://" + (<-addr).String()
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitFor := func(path string, code int, body string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			c, b := get(path)
			if c == code && strings.Contains(b, body) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s = %d %q, want %d with %q", path, c, b, code, body)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("/readyz", 200, "ready")
	if _, err := srv.JS.Publish(ctx, pipeline.SubjectClean, []byte(`{"schema":1,"id":"x","text":"t"}`)); err != nil {
		t.Fatal(err)
	}
	waitFor("/healthz", 200, "degraded: stage outage-test degraded: 1 message(s) waiting")
	waitFor("/healthz", 200, "database refuses connections")
	waitFor("/readyz", 503, "degraded")
	up.Store(true)
	waitFor("/healthz", 200, "ok")
	waitFor("/readyz", 200, "ready")
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after shutdown: %v", err)
	}
}
