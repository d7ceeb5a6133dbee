package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/fetcher/fetchtest"
)

// articleReader is what the test asks of the sink's store.
type articleReader interface {
	Count(ctx context.Context) (int, error)
	Get(ctx context.Context, id string) (pipeline.Article, error)
}

// e2e is a running all-in-one pipeline with a fetcher, driven through the CLI.
type e2e struct {
	t     *testing.T
	url   string
	store articleReader
}

func startPipelineWithFetcher(t *testing.T) *e2e {
	t.Helper()
	o := defaultAllInOne()
	o.DataDir, o.Port, o.Base.OpsAddr, o.Sink.APIAddr = t.TempDir(), -1, "", ""
	o.Fetcher.AllowPrivate = "127.0.0.1" // the fake site is on loopback
	o.Fetcher.HostRate, o.Fetcher.HostConcurrency = -1, 8
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p, err := o.start(ctx, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("pipeline: %v", err)
		}
	})
	var store articleReader
	for _, c := range p.service.Closers {
		if r, ok := c.(articleReader); ok {
			store = r
		}
	}
	if store == nil {
		t.Fatal("the all-in-one pipeline has no readable store")
	}
	deadline := time.Now().Add(15 * time.Second)
	for !ready(p) {
		if time.Now().After(deadline) {
			t.Fatal("pipeline not ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &e2e{t: t, url: p.ns.ClientURL(), store: store}
}

func ready(p *pipelineProcess) bool {
	for _, st := range p.service.Stages {
		if !st.Ready() {
			return false
		}
	}
	for _, check := range p.service.Ready {
		if check() != nil {
			return false
		}
	}
	return true
}

// cli runs a newsflow command against the pipeline and returns stdout.
func (p *e2e) cli(args ...string) string {
	p.t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--nats-url", p.url)
	if code := run(context.Background(), &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}, args); code != 0 {
		p.t.Fatalf("newsflow %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	}
	return out.String()
}

// waitStored waits until the store holds want articles, and returns how long it took.
func (p *e2e) waitStored(want int, timeout time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	for {
		n, err := p.store.Count(context.Background())
		if err != nil {
			p.t.Fatal(err)
		}
		if n == want {
			return time.Since(start)
		}
		if n > want {
			p.t.Fatalf("store holds %d articles, want %d", n, want)
		}
		if time.Since(start) > timeout {
			p.t.Fatalf("store holds %d articles after %s, want %d", n, timeout, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A source added at run time, with the CLI, has its articles in the sink
// seconds later, without a restart; an article listed by a second feed is
// stored once; pausing and removing work the same way.
func TestSourcesAddedAtRunTimeReachTheSink(t *testing.T) {
	p := startPipelineWithFetcher(t)
	site := fetchtest.StartSite(t, 5)
	world := site.AddFeed("/world.xml", 0, 1, 2)
	politics := site.AddFeed("/politics.xml", 2, 3) // page 2 is in both

	if out := p.cli("sources", "list"); !strings.Contains(out, "no sources") {
		t.Fatalf("sources list on an empty registry:\n%s", out)
	}
	out := p.cli("sources", "add", world, "--every", "1h", "--name", "World desk")
	if !strings.HasPrefix(out, "added source ") {
		t.Fatalf("sources add: %s", out)
	}
	took := p.waitStored(3, 30*time.Second)
	t.Logf("first feed's 3 articles stored %s after `sources add`", took.Round(time.Millisecond))

	p.cli("sources", "add", politics, "--name", "Politics desk", "--every", "1h")
	// Adding it again without flags keeps its name and interval, and says so.
	if out := p.cli("sources", "add", world); !strings.Contains(out, "(World desk), polled every 1h") || !strings.Contains(out, "kept its name, interval") {
		t.Fatalf("re-adding a source without flags: %s", out)
	}
	if out := p.cli("sources", "add", world, "--every", "2h"); !strings.Contains(out, "(World desk), polled every 2h") {
		t.Fatalf("re-adding a source with --every: %s", out)
	}
	p.waitStored(4, 30*time.Second) // 2 + 3 - the shared one
	time.Sleep(500 * time.Millisecond)
	if n, _ := p.store.Count(context.Background()); n != 4 {
		t.Fatalf("store holds %d articles, want 4 (the shared article once)", n)
	}
	if n := site.Bodies(site.Pages[2].Path); n != 1 {
		t.Fatalf("the shared article was downloaded %d times", n)
	}
	shared, err := p.store.Get(context.Background(), pipeline.ArticleID(site.PageURL(2), ""))
	if err != nil {
		t.Fatal(err)
	}
	if shared.URL != site.PageURL(2) || shared.Title != site.Pages[2].Title || shared.Source != "World desk" ||
		shared.PublishedAt == nil || !shared.PublishedAt.Equal(site.Pages[2].Published) || shared.Text == "" {
		t.Fatalf("stored article lost the feed's metadata or its text: url %q title %q source %q published %v text %d bytes",
			shared.URL, shared.Title, shared.Source, shared.PublishedAt, len(shared.Text))
	}

	list := p.cli("sources", "list")
	for _, want := range []string{"World desk", "Politics desk", "ok"} {
		if !strings.Contains(list, want) {
			t.Fatalf("sources list lacks %q:\n%s", want, list)
		}
	}
	p.cli("sources", "pause", "World desk")
	if list := p.cli("sources", "list"); !strings.Contains(list, "paused") {
		t.Fatalf("paused source not shown paused:\n%s", list)
	}
	p.cli("sources", "rm", "World desk", "Politics desk")
	if list := p.cli("sources", "list"); !strings.Contains(list, "no sources") {
		t.Fatalf("sources left after rm:\n%s", list)
	}

	// On demand: `newsflow fetch URL` publishes one page now.
	out = p.cli("fetch", site.PageURL(4)+"?utm_source=newsletter")
	id := pipeline.ArticleID(site.PageURL(4), "")
	if !strings.HasPrefix(out, id+" "+site.PageURL(4)) {
		t.Fatalf("newsflow fetch printed %q, want the id %s and canonical URL", out, id)
	}
	p.waitStored(5, 30*time.Second)
}

func TestFetchAndSourcesCommandsReportErrors(t *testing.T) {
	p := startPipelineWithFetcher(t)
	newsflow := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }},
			append(args, "--nats-url", p.url))
		return code, errOut.String()
	}
	if code, stderr := newsflow("fetch", "http://169.254.169.254/latest/meta-data/"); code != 1 || !strings.Contains(stderr, "metadata") {
		t.Errorf("fetch of the metadata endpoint: exit %d, stderr %q; want 1 and the refusal", code, stderr)
	}
	var out bytes.Buffer
	code := run(context.Background(), &env{stdout: &out, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }},
		[]string{"fetch", "http://169.254.169.254/latest/meta-data/", "--json", "--nats-url", p.url})
	var reply struct{ URL, Error, Reason string }
	if err := json.Unmarshal(out.Bytes(), &reply); code != 1 || err != nil || reply.Reason == "" || reply.URL == "" {
		t.Errorf("fetch --json of the metadata endpoint: exit %d, stdout %q (%v); want 1 and a JSON refusal with its reason", code, out.String(), err)
	}
	if code, stderr := newsflow("fetch", "http://10.1.2.3/feed.xml"); code != 1 || !strings.Contains(stderr, "-fetch-allow-private") {
		t.Errorf("fetch of a private address: exit %d, stderr %q; want 1 and how to allow it", code, stderr)
	}
	if code, stderr := newsflow("sources", "add", "file:///etc/passwd"); code != 2 || !strings.Contains(stderr, "http or https") {
		t.Errorf("sources add file://: exit %d, stderr %q; want 2", code, stderr)
	}
	if code, stderr := newsflow("sources", "rm", "nonexistent"); code != 1 || !strings.Contains(stderr, "no source") {
		t.Errorf("sources rm of nothing: exit %d, stderr %q", code, stderr)
	}
	if code, _ := newsflow("sources", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d, want 2", code)
	}
}
