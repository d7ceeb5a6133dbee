package storykv_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/memtest"
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
	return m
}

func TestContract(t *testing.T) {
	s := startServer(t)
	memtest.Contract(t, newMemory(t, connect(t, s), storykv.Config{Bucket: "contract"}))
}

func TestBucketConfig(t *testing.T) {
	s := startServer(t)
	js := connect(t, s)
	newMemory(t, js, storykv.Config{Bucket: "stories_test", TTL: 36 * time.Hour, Storage: jetstream.MemoryStorage})
	kv, err := js.KeyValue(context.Background(), "stories_test")
	if err != nil {
		t.Fatal(err)
	}
	st, err := kv.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.TTL() != 36*time.Hour || st.History() != 1 {
		t.Fatalf("bucket TTL %v history %d", st.TTL(), st.History())
	}
	// Opening it again (a second replica starting) keeps it.
	newMemory(t, js, storykv.Config{Bucket: "stories_test", TTL: 36 * time.Hour, Storage: jetstream.MemoryStorage})
	for _, bad := range []storykv.Config{{Bucket: "has space"}, {TTL: time.Millisecond}, {Replicas: 9}} {
		if _, err := storykv.New(context.Background(), js, bad); err == nil {
			t.Errorf("New(%+v) accepted", bad)
		}
	}
}

func TestOddArticleIDs(t *testing.T) {
	s := startServer(t)
	m := newMemory(t, connect(t, s), storykv.Config{})
	ctx := context.Background()
	for _, id := range []string{"with space", "ünïcode/slash", strings.Repeat("x", 300)} {
		rc, err := m.Recall(ctx, id, []string{"k"})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Remember(ctx, enrich.Record{ID: id, StoryID: "s"}, []string{"k"}, rc); err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		rc, err = m.Recall(ctx, id, nil)
		if err != nil || rc.Self == nil || rc.Self.ID != id {
			t.Fatalf("%q: self %+v, %v", id, rc.Self, err)
		}
	}
}

// TestReplicasAgree: several enricher replicas, each with its own
// connection and Memory on one bucket, enrich copies of one article at
// the same time; they must agree on one original and one story.
func TestReplicasAgree(t *testing.T) {
	s := startServer(t)
	const replicas, perReplica = 3, 4
	text := "Nato and Russia began tense negotiations on Wednesday aimed at bridging wide differences over Ukraine. " +
		"“We will not allow anyone to slam Nato’s open door policy shut,” Ms Smith said, after Julianne Smith met Russian envoys in Brussels. " +
		"Wendy Sherman briefed the allies in Geneva on Monday; Sergei Ryabkov said Moscow wanted guarantees."
	var wg sync.WaitGroup
	results := make([]pipeline.Article, replicas*perReplica)
	for r := range replicas {
		m := newMemory(t, connect(t, s), storykv.Config{Bucket: "replicas"})
		e, err := enrich.New(enrich.Options{Memory: m, MemoryWait: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		for j := range perReplica {
			wg.Add(1)
			go func() {
				defer wg.Done()
				i := r*perReplica + j
				a := pipeline.Article{ID: fmt.Sprintf("%02x", i), Text: text + fmt.Sprintf(" (Copy %d.)", i)}
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
	m := newMemory(t, connect(t, s), storykv.Config{Bucket: "replicas"})
	e, _ := enrich.New(enrich.Options{Memory: m})
	again, err := e.Process(context.Background(), pipeline.Article{ID: results[3].ID, Text: text})
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
	if _, err := m.Recall(ctx, "a", []string{"k"}); err == nil {
		t.Fatal("recall without a server succeeded")
	}
}
