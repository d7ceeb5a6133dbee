package service_test

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap/zaptest"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/pipeline/service"
)

// A service started before its NATS server waits for it: the setup (here
// the story memory's bucket, as the enricher creates it) is retried until
// the server is there, instead of failing the start.
func TestSetupRetriesUntilNATSIsUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	url := "nats://127.0.0.1:" + itoa(port)
	// Without a reconnect buffer a request fails at once while NATS is
	// down, as one does after the client's buffer fills or a timeout ends.
	nc, err := nats.Connect(url, nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond), nats.ReconnectBufSize(-1))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)

	done := make(chan error, 1)
	var attempts int
	go func() {
		done <- service.Retry(context.Background(), zaptest.NewLogger(t), "story bucket", func(ctx context.Context) error {
			attempts++
			_, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "stories_test"})
			return err
		})
	}()
	time.Sleep(1500 * time.Millisecond) // NATS is down for a while
	select {
	case err := <-done:
		t.Fatalf("setup returned %v while NATS was down, want it to keep trying", err)
	default:
	}
	ns, err := embedded.Start(embedded.Options{DataDir: t.TempDir(), Host: "127.0.0.1", Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("setup did not finish once NATS was up")
	}
	if attempts < 2 {
		t.Fatalf("%d attempts: the test did not make setup fail first", attempts)
	}
	if _, err := js.KeyValue(context.Background(), "stories_test"); err != nil {
		t.Fatalf("bucket after setup: %v", err)
	}
}

func TestSetupStopsOnCancelAndOnPermanentErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	unreachable := errors.New("no route to NATS")
	err := service.Retry(ctx, zaptest.NewLogger(t), "bucket", func(context.Context) error { return unreachable })
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, unreachable) {
		t.Fatalf("got %v, want the context's error and the last failure", err)
	}
	calls := 0
	bad := pipeline.Permanent(errors.New("bucket name has a space"))
	err = service.Retry(context.Background(), zaptest.NewLogger(t), "bucket", func(context.Context) error { calls++; return bad })
	if !errors.Is(err, bad) || calls != 1 {
		t.Fatalf("got %v after %d calls, want the permanent error after 1", err, calls)
	}
}

// SIGTERM while NATS is gone: in-flight publishes cannot finish, and the
// service must still exit cleanly well inside docker's 10 s grace period.
func TestSIGTERMWithNATSGoneExitsWithinGrace(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	const n = 300
	publishClean(t, srv, n)
	cmd := exec.Command(os.Args[0], "-nats-url", srv.URL(), "-ops-addr=", "-log-level", "error")
	cmd.Env = append(os.Environ(), "SVC_TEST_SERVICE=1")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the process to be working", func() bool { return enriched(t, srv) > 20 })
	srv.NC.Close()
	srv.NS.Shutdown()
	srv.NS.WaitForShutdown()
	time.Sleep(200 * time.Millisecond) // workers are now retrying publishes
	begin := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("service exited with %v after SIGTERM, want a clean exit", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("service did not exit within 30s of SIGTERM")
	}
	if took := time.Since(begin); took > 8*time.Second {
		t.Fatalf("SIGTERM with NATS gone took %s to exit, want well under docker's 10 s", took)
	} else {
		t.Logf("exited %s after SIGTERM", took.Round(time.Millisecond))
	}
}
