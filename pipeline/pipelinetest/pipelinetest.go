// Package pipelinetest starts a real, in-process JetStream for tests:
// the httptest of newsflow. No test in newsflow mocks NATS.
package pipelinetest

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// Server is a running test JetStream with one client connection.
type Server struct {
	NS *server.Server
	NC *nats.Conn
	JS jetstream.JetStream
}

// URL is the server's client URL, for code that connects by itself.
func (s *Server) URL() string { return s.NS.ClientURL() }

// StartJetStream starts a JetStream server storing in tb.TempDir(),
// listening on a free loopback port, and connects to it. The pipeline's
// streams are created. Everything is shut down when the test ends.
// edit, if given, adjusts the server options first.
func StartJetStream(tb testing.TB, edit ...func(*embedded.Options)) *Server {
	tb.Helper()
	o := embedded.Options{DataDir: tb.TempDir(), Host: "127.0.0.1", Port: -1}
	for _, f := range edit {
		f(&o)
	}
	ns, err := embedded.Start(o)
	if err != nil {
		tb.Fatal(err)
	}
	nc, err := nats.Connect(ns.ClientURL(), nats.Name(tb.Name()))
	if err != nil {
		ns.Shutdown()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		nc.Close()
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := runner.EnsureTopology(ctx, js, runner.Topology{}); err != nil {
		tb.Fatal(err)
	}
	return &Server{NS: ns, NC: nc, JS: js}
}
