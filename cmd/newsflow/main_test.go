package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/sink/store"
)

// syncBuffer is a bytes.Buffer safe for a command writing while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestEnv() (*env, *syncBuffer, *syncBuffer) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	return &env{stdout: out, stderr: errOut, getenv: func(string) string { return "" }}, out, errOut
}

func TestProcessSeedsAndGarbage(t *testing.T) {
	seeds := shareddata.Seeds(t)
	garbage := filepath.Join(t.TempDir(), "garbage.bin")
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*7919 + i/13)
	}
	if err := os.WriteFile(garbage, noise, 0o644); err != nil {
		t.Fatal(err)
	}
	e, out, errOut := newTestEnv()
	code := run(context.Background(), e, append([]string{"process"}, append(seeds, garbage)...))
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (one input dead-lettered); stderr:\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(seeds) {
		t.Fatalf("%d articles printed, want %d:\n%s", len(lines), len(seeds), out)
	}
	// Seed 002 has no date line: its date and time come from the scraped
	// page's header ("Tuesday 11 January 2022 19:51 GMT").
	wantDates := map[int]string{0: "2022-01-12T00:00:00Z", 1: "2022-01-10T00:00:00Z", 2: "2022-01-11T19:51:00Z", 3: "2022-01-12T00:00:00Z", 4: "2022-01-10T00:00:00Z"}
	for i, line := range lines {
		a, err := pipeline.DecodeArticle([]byte(line), nil)
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if len(a.Stages) < 2 || a.Stages[0].Stage != pipeline.StageCleaner || a.Stages[1].Stage != pipeline.StageEnricher {
			t.Errorf("seed %d: stages %+v", i, a.Stages)
		}
		if want := wantDates[i]; a.PublishedAt == nil || a.PublishedAt.UTC().Format(time.RFC3339) != want {
			t.Errorf("seed %d: published_at %v, want %s", i, a.PublishedAt, want)
		}
	}
	// Issue 4's end-to-end check: the people are found canonically, their
	// quotes attributed, and nothing is made of the scraped page's CSS.
	speakers := map[string]bool{}
	envoy := map[string]bool{} // ids of Sergei Ryabkov
	for i, line := range lines {
		a, _ := pipeline.DecodeArticle([]byte(line), nil)
		names := map[string]pipeline.EntityType{}
		for _, ent := range a.Entities {
			names[ent.Name] = ent.Type
			if strings.ContainsAny(ent.Name, "{}:;#@") || strings.Contains(strings.ToLower(ent.Name), "px") {
				t.Errorf("seed %d: entity made of markup: %q", i, ent.Name)
			}
			for _, m := range ent.Mentions {
				if a.Text[m.Start:m.End] != m.Text {
					t.Errorf("seed %d: mention %q at %d:%d does not match the text", i, m.Text, m.Start, m.End)
				}
			}
		}
		for _, q := range a.Quotes {
			speakers[q.Speaker] = true
		}
		if i == 1 || i == 2 || i == 4 {
			if names["Wendy Sherman"] != pipeline.Person {
				t.Errorf("seed %d: Wendy Sherman not found as a person (entities %v)", i, names)
			}
			// Seed 2 spells him Rybakov; the entity memory joins the
			// spellings whichever article it reads first, and names him
			// by the spelling it has seen most.
			for _, ent := range a.Entities {
				if ent.Name == "Sergei Ryabkov" || ent.Name == "Sergei Rybakov" {
					envoy[ent.ID] = true
				}
			}
			if _, ok := names["Rybakov"]; ok {
				t.Errorf("seed %d: Rybakov not joined to Sergei Ryabkov", i)
			}
		}
	}
	if len(envoy) != 1 {
		t.Errorf("Sergei Ryabkov has %d ids across seeds 1, 2 and 4, want 1", len(envoy))
	}
	if !speakers["Wendy Sherman"] || !speakers["Sergei Ryabkov"] && !speakers["Sergei Rybakov"] {
		t.Errorf("no quote attributed to Wendy Sherman or to Sergei Ryabkov: %v", speakers)
	}
	if !strings.Contains(errOut.String(), garbage+": dead-lettered by cleaner: undecodable: binary data, not an article") {
		t.Fatalf("stderr does not give the garbage file's reason:\n%s", errOut)
	}
}

func TestSameArticlePublishedTwiceIsStoredOnce(t *testing.T) {
	seed := shareddata.Seeds(t)[0]
	data, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The same article as a JSON envelope: other bytes, same text, same id.
	envelope := filepath.Join(dir, "envelope.json")
	a, err := pipeline.DecodeRaw(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pipeline.EncodeArticle(&pipeline.Article{Schema: pipeline.SchemaVersion, Text: a.Text, PublishedAt: a.PublishedAt})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(envelope, b, 0o644); err != nil {
		t.Fatal(err)
	}

	o := defaultAllInOne()
	o.DataDir, o.Port, o.Base.OpsAddr, o.Sink.APIAddr = filepath.Join(dir, "data"), -1, "", ""
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, o)
	url := p.ns.ClientURL()
	for _, file := range []string{seed, seed, envelope} {
		e, _, errOut := newTestEnv()
		if code := run(context.Background(), e, []string{"publish", "-nats-url", url, file}); code != 0 {
			t.Fatalf("publish %s: exit %d: %s", file, code, errOut)
		}
	}
	waitSinkSettled(t, p, 2) // the second identical publish never entered the stream
	p.stop(t)

	st, err := store.Open(context.Background(), o.Sink.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("store holds %d articles, want 1", n)
	}

	e, out, errOut := newTestEnv()
	if code := run(context.Background(), e, []string{"search", "-db", o.Sink.DB, "-json", "Brussels"}); code != 0 {
		t.Fatalf("search: exit %d: %s", code, errOut)
	}
	if got := strings.Count(strings.TrimSpace(out.String()), "\n") + 1; got != 1 || !strings.Contains(out.String(), a.ID) {
		t.Fatalf("search found %d articles, want the one stored (%s):\n%s", got, a.ID, out)
	}
}

func TestRunPrintsWhereToConnectAndStops(t *testing.T) {
	e, out, errOut := newTestEnv()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, e, []string{"run", "-data-dir", t.TempDir(), "-nats-port", "-1", "-ops-addr", "127.0.0.1:0", "-api-addr", "127.0.0.1:0"})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "metrics   http://127.0.0.1:") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner; stdout:\n%s\nstderr:\n%s", out, errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"nats://127.0.0.1:", `"newsflow.raw"`, `"newsflow.enriched"`, "newsflow.db", "web, API  http://127.0.0.1:",
		"newsflow tail --summary -nats-url nats://127.0.0.1:", "newsflow search Geneva -db sqlite://"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out.String(), "../shared") {
		t.Errorf("banner points at ../shared, which a clone does not have:\n%s", out)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after shutdown; stderr:\n%s", code, errOut)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	e, _, errOut := newTestEnv()
	if code := run(context.Background(), e, []string{"frobnicate"}); code != 2 || !strings.Contains(errOut.String(), "unknown command") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

// testPipeline is an all-in-one pipeline running for a test.
type testPipeline struct {
	*pipelineProcess
	cancel context.CancelFunc
	done   chan error
}

func startPipeline(t *testing.T, o allInOne) *testPipeline {
	t.Helper()
	p, err := o.start(context.Background(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tp := &testPipeline{pipelineProcess: p, cancel: cancel, done: make(chan error, 1)}
	go func() { tp.done <- p.run(ctx) }()
	t.Cleanup(func() { tp.stop(t) })
	return tp
}

func (p *testPipeline) stop(t *testing.T) {
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.cancel = nil
	if err := <-p.done; err != nil {
		t.Errorf("pipeline: %v", err)
	}
}

// waitSinkSettled waits until the sink has acked n messages and has none pending.
func waitSinkSettled(t *testing.T, p *testPipeline, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := p.js.Consumer(context.Background(), pipeline.StreamEnriched, pipeline.StageSink)
		if err == nil {
			info, err := c.Info(context.Background())
			if err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.AckFloor.Stream >= uint64(n) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("sink did not settle %d messages", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testLogger logs the pipeline's warnings and errors through t, so a
// failing test shows them beside its own messages.
func testLogger(t *testing.T) *zap.Logger {
	return zaptest.NewLogger(t, zaptest.Level(zapcore.WarnLevel))
}
