package storykv_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/memtest"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
	"github.com/newsflow/newsflow/services/enricher/storykv"
)

// startServer runs a real JetStream server in this process, storing in a
// temporary directory.
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

// connect opens a client connection, as one enricher replica would.
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

func newMemory(t testing.TB, js jetstream.JetStream, cfg storykv.Config) *storykv.Memory {
	t.Helper()
	m, err := storykv.New(context.Background(), js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

// TestContract: every Memory opened is another replica, on its own
// connection, sharing one stream.
func TestContract(t *testing.T) {
	s := startServer(t)
	memtest.Contract(t, func() enrich.Memory { return newMemory(t, connect(t, s), storykv.Config{Stream: "contract"}) })
}

func TestStreamConfig(t *testing.T) {
	s := startServer(t)
	js := connect(t, s)
	newMemory(t, js, storykv.Config{Stream: "stories_test", TTL: 36 * time.Hour, Storage: jetstream.MemoryStorage})
	st, err := js.Stream(context.Background(), "stories_test")
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.MaxAge != 36*time.Hour || len(info.Config.Subjects) != 1 || info.Config.Subjects[0] != storykv.Subject {
		t.Fatalf("stream max age %v subjects %v", info.Config.MaxAge, info.Config.Subjects)
	}
	// Opening it again (a second replica starting) keeps it.
	newMemory(t, js, storykv.Config{Stream: "stories_test", TTL: 36 * time.Hour, Storage: jetstream.MemoryStorage})
	for _, bad := range []storykv.Config{{Stream: "has space"}, {TTL: time.Millisecond}, {Replicas: 9}, {Wait: -time.Second}} {
		if _, err := storykv.New(context.Background(), js, bad); err == nil {
			t.Errorf("New(%+v) accepted", bad)
		}
	}
}

// TestReplicaStartsWithTheMemory: a replica started later reads what the
// others linked, and decides as they would.
func TestReplicaStartsWithTheMemory(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	rule := story.DefaultRule
	first := newMemory(t, connect(t, s), storykv.Config{Stream: "late"})
	for i, text := range []string{memtest.Report, memtest.Other} {
		if _, err := first.Link(ctx, &rule, memtest.Article(fmt.Sprint("orig", i), text)); err != nil {
			t.Fatal(err)
		}
	}
	late := newMemory(t, connect(t, s), storykv.Config{Stream: "late"})
	if late.Len() != 2 {
		t.Fatalf("the late replica holds %d articles, want 2", late.Len())
	}
	d, err := late.Link(ctx, &rule, memtest.Article("copy", memtest.Other+" Updated."))
	if err != nil || d.DuplicateOf != "orig1" || d.StoryID != story.NewStoryID("orig1") {
		t.Fatalf("late replica: %+v, %v", d, err)
	}
	// The first replica follows the stream and sees the late one's link.
	deadline := time.Now().Add(5 * time.Second)
	for first.Len() != 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if first.Len() != 3 {
		t.Fatalf("first replica holds %d, want 3", first.Len())
	}
}

// TestReplicasAgree: several enricher replicas, each with its own
// connection and Memory on one stream, enrich copies of one article at
// the same time; they must agree on one original and one story.
func TestReplicasAgree(t *testing.T) {
	s := startServer(t)
	const replicas, perReplica = 3, 4
	var wg sync.WaitGroup
	results := make([]pipeline.Article, replicas*perReplica)
	for r := range replicas {
		m := newMemory(t, connect(t, s), storykv.Config{Stream: "replicas"})
		e, err := enrich.New(enrich.Options{Memory: m})
		if err != nil {
			t.Fatal(err)
		}
		for j := range perReplica {
			wg.Add(1)
			go func() {
				defer wg.Done()
				i := r*perReplica + j
				a := pipeline.Article{ID: fmt.Sprintf("%02x", i), Text: memtest.Report + fmt.Sprintf(" (Copy %d.)", i)}
				out, err := e.Process(context.Background(), a)
				if err != nil {
					t.Error(err)
					return
				}
				results[i] = out
			}()
		}
	}
	wg.Wait()
	memtest.OneOriginal(t, results)
	// A redelivery to another replica gets the same answer.
	m := newMemory(t, connect(t, s), storykv.Config{Stream: "replicas"})
	e, _ := enrich.New(enrich.Options{Memory: m})
	again, err := e.Process(context.Background(), pipeline.Article{ID: results[3].ID, Text: memtest.Report})
	if err != nil || again.StoryID != results[3].StoryID || again.DuplicateOf != results[3].DuplicateOf {
		t.Fatalf("redelivery: %s %q, want %s %q (%v)", again.StoryID, again.DuplicateOf, results[3].StoryID, results[3].DuplicateOf, err)
	}
}

func TestServerGoneIsAnError(t *testing.T) {
	s := startServer(t)
	m := newMemory(t, connect(t, s), storykv.Config{})
	s.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rule := story.DefaultRule
	if _, err := m.Link(ctx, &rule, memtest.Article("a", memtest.Report)); err == nil {
		t.Fatal("link without a server succeeded")
	}
}

// TestMemoryExpires: articles leave the memory with the stream's max
// age, in the replica that linked them and in one started later.
func TestMemoryExpires(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	rule := story.DefaultRule
	m := newMemory(t, connect(t, s), storykv.Config{Stream: "ttl", TTL: time.Second})
	if _, err := m.Link(ctx, &rule, memtest.Article("a", memtest.Report)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // Seen counts whole seconds
	d, err := m.Link(ctx, &rule, memtest.Article("b", memtest.Report+" Again."))
	if err != nil || d.DuplicateOf != "" || d.StoryID != story.NewStoryID("b") {
		t.Fatalf("after the TTL: %+v, %v; want a story of its own", d, err)
	}
	if m.Len() != 1 {
		t.Fatalf("the replica holds %d articles, want 1", m.Len())
	}
	time.Sleep(1500 * time.Millisecond)
	late := newMemory(t, connect(t, s), storykv.Config{Stream: "ttl", TTL: time.Second})
	if late.Len() != 0 {
		t.Fatalf("a replica started after the TTL holds %d articles", late.Len())
	}
	if _, err := late.Link(ctx, &rule, memtest.Article("c", memtest.Other)); err != nil {
		t.Fatal(err)
	}
}

// A replica with another story TTL neither starts nor changes the
// stream's retention; the owner (-apply-topology) updates it.
func TestStreamHasOneOwner(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	newMemory(t, connect(t, s), storykv.Config{Stream: "owned"})
	_, err := storykv.New(ctx, connect(t, s), storykv.Config{Stream: "owned", TTL: time.Hour})
	if !errors.Is(err, runner.ErrTopologyMismatch) || !strings.Contains(err.Error(), "stream owned: max_age is 168h0m0s on the server, 1h0m0s here") {
		t.Fatalf("a replica with another TTL: %v, want ErrTopologyMismatch naming the max age", err)
	}
	newMemory(t, connect(t, s), storykv.Config{Stream: "owned", TTL: time.Hour, Apply: true})
	st, err := connect(t, s).Stream(ctx, "owned")
	if err != nil {
		t.Fatal(err)
	}
	if got := st.CachedInfo().Config.MaxAge; got != time.Hour {
		t.Fatalf("the owner's TTL was not applied: %s", got)
	}
}
