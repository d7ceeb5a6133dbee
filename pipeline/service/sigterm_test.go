package service_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/service"
)

// TestMain lets the test binary run as a service process: the SIGTERM
// test starts it so, as a deployment would start a service.
func TestMain(m *testing.M) {
	if os.Getenv("SVC_TEST_SERVICE") == "1" {
		slow := noOptions{}
		service.Main(service.Program{Name: "slow", Options: &slow,
			Build: func(_ context.Context, log *zap.Logger, _ jetstream.JetStream, _ bool) (service.Service, error) {
				return service.Service{Stages: []*runner.Stage{{
					Name: "sigterm", From: pipeline.SubjectClean, To: pipeline.SubjectEnriched,
					Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
						time.Sleep(20 * time.Millisecond)
						return a, nil
					},
				}}}, nil
			}}.Run)
		return
	}
	os.Exit(m.Run())
}

type noOptions struct{}

func (noOptions) RegisterFlags(*flag.FlagSet) {}
func (noOptions) Validate() error             { return nil }

func TestSIGTERMDrainsAndExitsCleanly(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	const n = 300
	publishClean(t, srv, n)
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-nats-url", srv.URL(), "-ops-addr=", "-log-level", "error")
		cmd.Env = append(os.Environ(), "SVC_TEST_SERVICE=1")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := start()
	waitFor(t, "the first process to be working", func() bool { return enriched(t, srv) > 20 })
	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("service exited with %v after SIGTERM, want a clean exit", err)
		}
	case <-time.After(30 * time.Second):
		first.Process.Kill()
		t.Fatal("service did not exit within 30s of SIGTERM")
	}
	stoppedAt := enriched(t, srv)
	if stoppedAt >= n {
		t.Fatal("everything was done before SIGTERM; the test proves nothing")
	}

	second := start()
	defer func() { second.Process.Signal(syscall.SIGTERM); second.Wait() }()
	waitFor(t, "the second process to finish the stream", func() bool { return enriched(t, srv) >= n })
	time.Sleep(200 * time.Millisecond) // a duplicate, if any, would land now
	if got := enriched(t, srv); got != n {
		t.Fatalf("%d outputs for %d inputs across a SIGTERM", got, n)
	}
}

func publishClean(t *testing.T, srv *pipelinetest.Server, n int) {
	t.Helper()
	for i := range n {
		msg := &nats.Msg{Subject: pipeline.SubjectClean, Data: []byte(`{"schema":1,"id":"a` + strconv.Itoa(i) + `","text":"t"}`)}
		if _, err := runner.Publish(context.Background(), srv.JS, msg, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func enriched(t *testing.T, srv *pipelinetest.Server) int {
	s, err := srv.JS.Stream(context.Background(), pipeline.StreamEnriched)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(info.State.Msgs)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
