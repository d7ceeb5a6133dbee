package fetchersvc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/claimcheck"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/fetchtest"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

func testOptions() Options {
	o := DefaultOptions()
	o.AllowPrivate = "127.0.0.1"
	o.HostRate, o.HostConcurrency = -1, 8
	o.LeaseTTL = 3 * time.Second
	return o
}

// startFetcher runs a fetcher replica until the test ends.
func startFetcher(t *testing.T, js jetstream.JetStream, o Options) *Fetcher {
	t.Helper()
	f, err := New(o, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx, js) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fetcher Run: %v", err)
		}
	})
	select {
	case <-f.Started():
	case err := <-done:
		t.Fatalf("fetcher stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("fetcher did not start")
	}
	return f
}

func registry(t *testing.T, js jetstream.JetStream) *sources.Registry {
	t.Helper()
	r, err := sources.Open(context.Background(), js, false)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func addSource(t *testing.T, r *sources.Registry, s sources.Source) sources.Source {
	t.Helper()
	s, _, err := r.Add(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// raw is one message on the raw subject.
type raw struct {
	msgID string
	data  []byte
	a     pipeline.Article
}

// rawMessages reads the raw stream until it holds want messages (then
// waits a little longer for any extra) or the timeout passes.
func rawMessages(t *testing.T, js jetstream.JetStream, want int, timeout time.Duration) []raw {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, pipeline.StreamRaw, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []raw
	for len(out) < want {
		batch, err := cons.Fetch(want-len(out), jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			a, err := pipeline.DecodeRaw(m.Data(), m.Headers())
			if err != nil {
				t.Fatalf("raw message does not decode: %v\n%.300s", err, m.Data())
			}
			out = append(out, raw{msgID: m.Headers().Get(pipeline.HeaderMsgID), data: m.Data(), a: a})
		}
		if ctx.Err() != nil {
			t.Fatalf("%d raw messages after %s, want %d", len(out), timeout, want)
		}
	}
	// Nothing more should come.
	batch, err := cons.Fetch(10, jetstream.FetchMaxWait(300*time.Millisecond))
	if err == nil {
		for m := range batch.Messages() {
			t.Errorf("unexpected extra raw message %s", m.Headers().Get(pipeline.HeaderMsgID))
		}
	}
	return out
}

func TestSourceAddedAtRunTimeIsPolledAndPublished(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 3)
	startFetcher(t, srv.JS, testOptions())
	r := registry(t, srv.JS)
	feed := site.AddFeed("/rss.xml", 0, 1, 2)
	src := addSource(t, r, sources.Source{URL: feed, Name: "Fake Daily", Every: sources.Duration{Duration: time.Hour}})

	msgs := rawMessages(t, srv.JS, 3, 15*time.Second)
	byURL := map[string]raw{}
	for _, m := range msgs {
		byURL[m.a.URL] = m
	}
	for i, p := range site.Pages {
		m, ok := byURL[site.PageURL(i)] // tracking parameters gone
		if !ok {
			t.Fatalf("page %d (%s) not published; got %v", i, site.PageURL(i), keys(byURL))
		}
		a := m.a
		if a.ID != pipeline.ArticleID(site.PageURL(i), "") || a.Source != "Fake Daily" || a.Title != p.Title ||
			a.PublishedAt == nil || !a.PublishedAt.Equal(p.Published) || len(a.Authors) != 1 || a.Authors[0] != "Staff Writer" ||
			a.Summary != "Summary of "+p.Title+"." || a.FetchedAt == nil || len(a.HTML) != len(p.HTML) {
			t.Errorf("page %d: article %+v", i, summary(a))
		}
		if !strings.HasPrefix(m.msgID, "fetch:"+a.ID+":") {
			t.Errorf("page %d: Nats-Msg-Id %q", i, m.msgID)
		}
		if len(a.Stages) != 1 || a.Stages[0].Stage != pipeline.StageFetcher {
			t.Errorf("page %d: stages %+v", i, a.Stages)
		}
	}
	states, err := r.States(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st := states[src.ID]
	if st.Published != 3 || st.Validators.ETag == "" || st.LastError != "" || st.Owner != "" || st.NextPoll.Before(time.Now().Add(50*time.Minute)) {
		t.Fatalf("source state after the poll: %+v", st)
	}
}

func TestSameArticleInTwoFeedsIsPublishedOnce(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 3)
	startFetcher(t, srv.JS, testOptions())
	r := registry(t, srv.JS)
	// Page 1 is in both feeds, with different tracking parameters, and in a sitemap.
	addSource(t, r, sources.Source{URL: site.AddFeed("/world.xml", 0, 1), Every: sources.Duration{Duration: time.Hour}})
	addSource(t, r, sources.Source{URL: site.AddFeed("/politics.xml", 1, 2), Every: sources.Duration{Duration: time.Hour}})
	addSource(t, r, sources.Source{URL: site.AddSitemap("/news-sitemap.xml", 1), Every: sources.Duration{Duration: time.Hour}})

	msgs := rawMessages(t, srv.JS, 3, 15*time.Second)
	ids := map[string]int{}
	for _, m := range msgs {
		ids[m.a.ID]++
	}
	if len(ids) != 3 {
		t.Fatalf("published ids %v, want 3 distinct", ids)
	}
	if n := site.Bodies(site.Pages[1].Path); n != 1 {
		t.Fatalf("the shared article was downloaded %d times, want once", n)
	}
}

func TestConditionalPollsSaveTheRedownload(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 2)
	startFetcher(t, srv.JS, testOptions())
	r := registry(t, srv.JS)
	addSource(t, r, sources.Source{URL: site.AddFeed("/rss.xml", 0, 1), Every: sources.Duration{Duration: time.Second}})
	rawMessages(t, srv.JS, 2, 15*time.Second)
	waitFor(t, 10*time.Second, func() bool { return site.Hits("/rss.xml") >= 3 })
	if n := site.Bodies("/rss.xml"); n != 1 {
		t.Fatalf("feed polled %d times, downloaded %d times; want once, then 304s", site.Hits("/rss.xml"), n)
	}
	// A changed feed is read again; its articles, already seen, are not.
	site.Touch()
	waitFor(t, 10*time.Second, func() bool { return site.Bodies("/rss.xml") == 2 })
	time.Sleep(300 * time.Millisecond)
	if site.Hits(site.Pages[0].Path) != 1 || site.Hits(site.Pages[1].Path) != 1 {
		t.Fatalf("seen articles fetched again: %d, %d", site.Hits(site.Pages[0].Path), site.Hits(site.Pages[1].Path))
	}
}

func TestPageSourceRepublishesOnlyWhenChanged(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 1)
	var mu sync.Mutex
	version := 1
	site.Handle("/live", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "<html><head><title>Live</title></head><body><p>Live blog, update %d.</p></body></html>", version)
	})
	startFetcher(t, srv.JS, testOptions())
	r := registry(t, srv.JS)
	addSource(t, r, sources.Source{URL: site.URL + "/live", Kind: fetch.KindPage, Every: sources.Duration{Duration: time.Second}})
	first := rawMessages(t, srv.JS, 1, 10*time.Second)
	waitFor(t, 10*time.Second, func() bool { return site.Hits("/live") >= 3 }) // polled again, unchanged
	mu.Lock()
	version = 2
	mu.Unlock()
	msgs := rawMessages(t, srv.JS, 2, 10*time.Second)
	if msgs[0].a.ID != msgs[1].a.ID || msgs[0].msgID == msgs[1].msgID || !strings.Contains(msgs[1].a.HTML, "update 2") {
		t.Fatalf("update not republished under the same id: %q %q", first[0].msgID, msgs[1].msgID)
	}
}

func TestPauseResumeAndRemoveTakeEffectWithoutRestart(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 1)
	site.Handle("/page", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>same page</p>") })
	startFetcher(t, srv.JS, testOptions())
	r := registry(t, srv.JS)
	s := addSource(t, r, sources.Source{URL: site.URL + "/page", Every: sources.Duration{Duration: time.Second}})
	waitFor(t, 10*time.Second, func() bool { return site.Hits("/page") >= 2 })
	ctx := context.Background()
	if _, err := r.SetPaused(ctx, s.ID, true); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // a poll already under way may finish
	paused := site.Hits("/page")
	time.Sleep(1600 * time.Millisecond)
	if n := site.Hits("/page"); n != paused {
		t.Fatalf("paused source polled %d more times", n-paused)
	}
	if _, err := r.SetPaused(ctx, s.ID, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return site.Hits("/page") > paused })
	if err := r.Remove(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	removed := site.Hits("/page")
	time.Sleep(1600 * time.Millisecond)
	if n := site.Hits("/page"); n != removed {
		t.Fatalf("removed source polled %d more times", n-removed)
	}
}

func TestReplicasShareTheSources(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 12)
	r := registry(t, srv.JS)
	const feeds = 12
	for i := range feeds {
		addSource(t, r, sources.Source{URL: site.AddFeed(fmt.Sprintf("/feed/%d.xml", i), i), Every: sources.Duration{Duration: time.Hour}})
	}
	startFetcher(t, srv.JS, testOptions())
	startFetcher(t, srv.JS, testOptions())
	rawMessages(t, srv.JS, feeds, 20*time.Second)
	for i := range feeds {
		if n := site.Hits(fmt.Sprintf("/feed/%d.xml", i)); n != 1 {
			t.Errorf("feed %d fetched %d times by two replicas, want once", i, n)
		}
	}
}

// A replica shutting down mid-poll releases its source at once: another
// replica polls it without waiting for the lease to expire.
func TestShutdownHandsTheSourceOver(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 1)
	feed := site.AddFeed("/rss.xml", 0)
	stuck := make(chan struct{})
	var once sync.Once
	site.Handle("/slow.xml", func(w http.ResponseWriter, r *http.Request) {
		first := false
		once.Do(func() { first = true })
		if first {
			close(stuck)
			<-r.Context().Done() // hang until the client gives up
			return
		}
		http.Redirect(w, r, feed, http.StatusFound)
	})
	o := testOptions()
	o.LeaseTTL = time.Minute // expiry is not what hands it over
	first, err := New(o, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- first.Run(ctx, srv.JS) }()
	r := registry(t, srv.JS)
	addSource(t, r, sources.Source{URL: site.URL + "/slow.xml", Every: sources.Duration{Duration: time.Hour}})
	<-stuck
	startFetcher(t, srv.JS, o)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	msgs := rawMessages(t, srv.JS, 1, 10*time.Second)
	if msgs[0].a.URL != site.PageURL(0) || site.Hits("/slow.xml") != 2 {
		t.Fatalf("published %s after %d polls", msgs[0].a.URL, site.Hits("/slow.xml"))
	}
}

func TestFetchRequest(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 1)
	startFetcher(t, srv.JS, testOptions())
	ctx := context.Background()
	reply, err := Request(ctx, srv.NC, site.PageURL(0)+"?utm_campaign=x#top", "manual")
	if err != nil || reply.ID != pipeline.ArticleID(site.PageURL(0), "") || reply.Status != outPublished || reply.URL != site.PageURL(0) {
		t.Fatalf("Request = %+v, %v", reply, err)
	}
	msgs := rawMessages(t, srv.JS, 1, 5*time.Second)
	if msgs[0].a.Source != "manual" {
		t.Fatalf("source %q", msgs[0].a.Source)
	}
	// Asked again at once: fetched again, stored once.
	if reply, err = Request(ctx, srv.NC, site.PageURL(0), ""); err != nil || reply.Status != outDuplicate {
		t.Fatalf("second Request = %+v, %v", reply, err)
	}
	for u, reason := range map[string]fetch.Reason{
		"http://169.254.169.254/latest/meta-data/": fetch.ReasonMetadata,
		"file:///etc/passwd":                       fetch.ReasonBadURL,
		"http://10.0.0.1/admin":                    fetch.ReasonPrivate,
	} {
		reply, err := Request(ctx, srv.NC, u, "")
		if err == nil || reply.Reason != string(reason) {
			t.Errorf("Request(%s) = %+v, %v; want refused for %s", u, reply, err, reason)
		}
	}
	// A bare URL is a request too.
	msg, err := srv.NC.Request(pipeline.SubjectFetch, []byte("http://10.0.0.1/"), 10*time.Second)
	if err != nil || !strings.Contains(string(msg.Data), `"reason":"private"`) {
		t.Fatalf("bare request: %v %s", err, msg.Data)
	}
}

func TestRequestWithoutFetcher(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	if _, err := Request(context.Background(), srv.NC, "https://example.com/", ""); err != ErrNoFetcher {
		t.Fatalf("err = %v, want ErrNoFetcher", err)
	}
}

func TestOversizePageIsClaimChecked(t *testing.T) {
	srv := pipelinetest.StartJetStream(t, func(o *embedded.Options) { o.MaxPayload = 256 << 10 })
	site := fetchtest.StartSite(t, 1)
	big := "<html><body>" + strings.Repeat("<p>A very long article paragraph.</p>\n", 12000) + "</body></html>" // ~450 KB
	site.Handle("/big", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, big) })
	f := startFetcher(t, srv.JS, testOptions())
	reply := f.FetchNow(context.Background(), site.URL+"/big", "")
	if reply.Error != "" {
		t.Fatal(reply.Error)
	}
	msgs := rawMessages(t, srv.JS, 1, 5*time.Second)
	a := msgs[0].a
	if a.BodyRef == nil || a.HTML != "" || len(msgs[0].data) > 4096 {
		t.Fatalf("not claim-checked: %d-byte message, body_ref %+v", len(msgs[0].data), a.BodyRef)
	}
	if err := claimcheck.Resolve(context.Background(), srv.JS, &a); err != nil || a.HTML != big || a.URL != site.URL+"/big" {
		t.Fatalf("resolved %d bytes of %d, %v", len(a.HTML), len(big), err)
	}
}

func TestSourcesFileSeedsTheRegistry(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 2)
	feed := site.AddFeed("/rss.xml", 0, 1)
	file := t.TempDir() + "/sources.yaml"
	if err := writeFile(file, fmt.Sprintf("sources:\n  - url: %s\n    name: Seeded\n    every: 1h\n", feed)); err != nil {
		t.Fatal(err)
	}
	o := testOptions()
	o.SourcesFile = file
	startFetcher(t, srv.JS, o)
	msgs := rawMessages(t, srv.JS, 2, 15*time.Second)
	if msgs[0].a.Source != "Seeded" {
		t.Fatalf("source %q", msgs[0].a.Source)
	}
}

func TestRobotsDisallowedArticlesAreNotFetched(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 2)
	site.Handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: newsflow\nDisallow: %s\n", site.Pages[1].Path)
	})
	startFetcher(t, srv.JS, testOptions())
	r := registry(t, srv.JS)
	addSource(t, r, sources.Source{URL: site.AddFeed("/rss.xml", 0, 1), Every: sources.Duration{Duration: time.Hour}})
	msgs := rawMessages(t, srv.JS, 1, 10*time.Second)
	if msgs[0].a.URL != site.PageURL(0) || site.Hits(site.Pages[1].Path) != 0 {
		t.Fatalf("published %s; disallowed page requested %d times", msgs[0].a.URL, site.Hits(site.Pages[1].Path))
	}
}

func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after %s", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func summary(a pipeline.Article) pipeline.Article {
	a.HTML = fmt.Sprintf("<%d bytes>", len(a.HTML))
	return a
}

func writeFile(path, body string) error { return os.WriteFile(path, []byte(body), 0o644) }

// A replica started with another -seen-ttl does not change the seen
// bucket for the others: it stops at once with ErrTopologyMismatch (no
// retrying), and the replica owning the layout applies its TTL.
func TestSeenBucketHasOneOwner(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	startFetcher(t, srv.JS, testOptions()) // the first creates it
	seenTTL := func() time.Duration {
		kv, err := srv.JS.KeyValue(context.Background(), SeenBucket)
		if err != nil {
			t.Fatal(err)
		}
		st, err := kv.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.TTL()
	}
	if got := seenTTL(); got != DefaultOptions().SeenTTL {
		t.Fatalf("seen bucket created with TTL %s", got)
	}

	stale := testOptions()
	stale.SeenTTL = time.Hour
	f, err := New(stale, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = f.Run(ctx, srv.JS)
	if !errors.Is(err, runner.ErrTopologyMismatch) || !strings.Contains(err.Error(), "bucket "+SeenBucket+": ttl") {
		t.Fatalf("a replica with another seen TTL: %v, want ErrTopologyMismatch naming the bucket's ttl", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the mismatch was retried until the deadline instead of stopping the replica")
	}
	if got := seenTTL(); got != DefaultOptions().SeenTTL {
		t.Fatalf("a non-owner changed the seen TTL to %s", got)
	}

	stale.ApplyTopology = true
	startFetcher(t, srv.JS, stale)
	if got := seenTTL(); got != time.Hour {
		t.Fatalf("the owner's seen TTL was not applied: %s", got)
	}
}
