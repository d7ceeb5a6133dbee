package entitykv_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon/canontest"
	"github.com/newsflow/newsflow/services/enricher/entitykv"
)

// startServer runs a real JetStream server in this process.
func startServer(t testing.TB) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	t.Cleanup(s.Shutdown)
	return s
}

func connect(t testing.TB, s *server.Server) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestContract(t *testing.T) {
	s := startServer(t)
	n := 0
	canontest.Contract(t, func(t *testing.T) canon.Memory {
		n++
		m, err := entitykv.New(context.Background(), connect(t, s), entitykv.Config{Bucket: fmt.Sprint("contract", n)})
		if err != nil {
			t.Fatal(err)
		}
		return m
	})
}

// TestReplicasShare: what one replica learns, another resolves with.
func TestReplicasShare(t *testing.T) {
	s := startServer(t)
	r := canon.NewResolver(nil)
	a, err := entitykv.New(context.Background(), connect(t, s), entitykv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := entitykv.New(context.Background(), connect(t, s), entitykv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	first := canontest.Find(t, canontest.Resolve(t, r, a, 0), "Sergei Ryabkov")
	second := canontest.Find(t, canontest.Resolve(t, r, b, 1), "Sergei Rybakov")
	if first.ID != second.ID || second.Name != "Sergei Ryabkov" {
		t.Errorf("replica b resolved %s %q, want %s %q", second.ID, second.Name, first.ID, "Sergei Ryabkov")
	}
}

func TestConfigValidated(t *testing.T) {
	s := startServer(t)
	for _, c := range []entitykv.Config{{Bucket: "a.b"}, {TTL: time.Millisecond}, {Replicas: 9}} {
		if _, err := entitykv.New(context.Background(), connect(t, s), c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func TestServerGoneIsAnError(t *testing.T) {
	s := startServer(t)
	m, err := entitykv.New(context.Background(), connect(t, s), entitykv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := canon.Link(ctx, m, canontest.Articles[0].Text, canonEntities(t)); err == nil {
		t.Error("Link with the server gone: no error")
	}
}

func canonEntities(t *testing.T) []*canon.Entity {
	return canontest.Resolve(t, canon.NewResolver(nil), canon.NewLocalMemory(0), 0)
}

// A replica with another TTL neither starts nor changes the bucket; the
// owner (-apply-topology) updates it.
func TestBucketHasOneOwner(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	if _, err := entitykv.New(ctx, connect(t, s), entitykv.Config{}); err != nil {
		t.Fatal(err)
	}
	_, err := entitykv.New(ctx, connect(t, s), entitykv.Config{TTL: time.Hour})
	if !errors.Is(err, runner.ErrTopologyMismatch) || !strings.Contains(err.Error(), "bucket "+entitykv.DefaultBucket+": ttl is 2160h0m0s on the server, 1h0m0s here") {
		t.Fatalf("a replica with another TTL: %v, want ErrTopologyMismatch naming the ttl", err)
	}
	if _, err := entitykv.New(ctx, connect(t, s), entitykv.Config{TTL: time.Hour, Apply: true}); err != nil {
		t.Fatalf("the owner: %v", err)
	}
	if _, err := entitykv.New(ctx, connect(t, s), entitykv.Config{TTL: time.Hour}); err != nil {
		t.Fatalf("a replica agreeing with the owner: %v", err)
	}
	if _, err := entitykv.New(ctx, connect(t, s), entitykv.Config{}); !errors.Is(err, runner.ErrTopologyMismatch) {
		t.Fatalf("a replica left at the old TTL after the owner changed it: %v", err)
	}
}
