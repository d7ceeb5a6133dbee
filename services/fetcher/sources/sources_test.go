package sources_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

func openRegistry(t *testing.T) *sources.Registry {
	t.Helper()
	srv := pipelinetest.StartJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := sources.Open(ctx, srv.JS, false)
	if err != nil {
		t.Fatal(err)
	}
	// Opening again (another replica, the CLI) changes nothing.
	if _, err := sources.Open(ctx, srv.JS, false); err != nil {
		t.Fatalf("second Open: %v", err)
	}
	return r
}

func TestRegistryAddFindPauseRemove(t *testing.T) {
	r := openRegistry(t)
	ctx := context.Background()
	a, created, err := r.Add(ctx, sources.Source{URL: "https://News.Example.com/rss?utm_source=x", Name: "Example"})
	if err != nil || !created || a.Every.Duration != sources.DefaultEvery || a.ID == "" || a.Added.IsZero() {
		t.Fatalf("Add = %+v, %v, %v", a, created, err)
	}
	// The same feed spelt differently is the same source: updated, not duplicated.
	b, created, err := r.Add(ctx, sources.Source{URL: "https://news.example.com/rss", Name: "Example News", Every: sources.Duration{Duration: time.Minute}, Kind: fetch.KindFeed})
	if err != nil || created || b.ID != a.ID || b.Name != "Example News" || b.Every.Duration != time.Minute || !b.Added.Equal(a.Added) {
		t.Fatalf("re-Add = %+v, %v, %v", b, created, err)
	}
	if _, _, err := r.Add(ctx, sources.Source{URL: "https://other.example.org/sitemap.xml", Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	list, err := r.List(ctx)
	if err != nil || len(list) != 2 || list[0].ID != a.ID {
		t.Fatalf("List = %+v, %v", list, err)
	}
	for _, ref := range []string{a.ID, "HTTPS://news.example.com:443/rss#x", "example news"} {
		if s, err := r.Find(ctx, ref); err != nil || s.ID != a.ID {
			t.Errorf("Find(%q) = %+v, %v", ref, s, err)
		}
	}
	if _, err := r.Find(ctx, "nothing"); !errors.Is(err, sources.ErrNotFound) {
		t.Errorf("Find(nothing) = %v", err)
	}
	if s, err := r.SetPaused(ctx, a.ID, true); err != nil || !s.Paused {
		t.Fatalf("pause: %+v, %v", s, err)
	}
	// Re-adding keeps it paused.
	if s, _, err := r.Add(ctx, sources.Source{URL: "https://news.example.com/rss"}); err != nil || !s.Paused {
		t.Fatalf("re-Add of a paused source: %+v, %v", s, err)
	}
	if err := r.Remove(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctx, a.ID); !errors.Is(err, sources.ErrNotFound) {
		t.Fatalf("second Remove = %v", err)
	}
	if list, _ := r.List(ctx); len(list) != 1 {
		t.Fatalf("after Remove: %+v", list)
	}
}

func TestRegistryRejectsBadSources(t *testing.T) {
	r := openRegistry(t)
	for _, s := range []sources.Source{
		{URL: "ftp://example.com/feed"},
		{URL: "not a url"},
		{URL: "https://example.com/", Every: sources.Duration{Duration: time.Millisecond}},
		{URL: "https://example.com/", Kind: "podcast"},
	} {
		if _, _, err := r.Add(context.Background(), s); !errors.Is(err, sources.ErrInvalid) {
			t.Errorf("Add(%+v) = %v, want ErrInvalid", s, err)
		}
	}
}

func TestOnlyOneReplicaWinsTheLease(t *testing.T) {
	r := openRegistry(t)
	ctx := context.Background()
	s, _, err := r.Add(ctx, sources.Source{URL: "https://example.com/feed"})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		winners []*sources.Lease
		wg      sync.WaitGroup
	)
	for i := range 8 {
		wg.Go(func() {
			l, _, err := r.Acquire(ctx, s.ID, "replica-"+string(rune('a'+i)), time.Minute)
			if err == nil {
				mu.Lock()
				winners = append(winners, l)
				mu.Unlock()
			} else if !errors.Is(err, sources.ErrBusy) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d replicas hold the lease at once", len(winners))
	}
	lease := winners[0]
	if err := lease.Renew(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Acquire(ctx, s.ID, "latecomer", time.Minute); !errors.Is(err, sources.ErrBusy) {
		t.Fatalf("Acquire while leased = %v", err)
	}
	next := time.Now().Add(time.Hour).UTC()
	st := lease.State()
	st.NextPoll = next
	if err := lease.Release(ctx, st); err != nil {
		t.Fatal(err)
	}
	_, got, err := r.Acquire(ctx, s.ID, "latecomer", time.Minute)
	if !errors.Is(err, sources.ErrNotDue) || !got.NextPoll.Equal(next) {
		t.Fatalf("Acquire before due = %v, next %v", err, got.NextPoll)
	}
}

func TestExpiredLeaseIsTakenOver(t *testing.T) {
	r := openRegistry(t)
	ctx := context.Background()
	s, _, _ := r.Add(ctx, sources.Source{URL: "https://example.com/feed"})
	dead, _, err := r.Acquire(ctx, s.ID, "dies", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	heir, _, err := r.Acquire(ctx, s.ID, "survivor", time.Minute)
	if err != nil {
		t.Fatalf("expired lease not taken over: %v", err)
	}
	if err := dead.Renew(ctx, time.Minute); !errors.Is(err, sources.ErrLeaseLost) {
		t.Fatalf("the old owner's Renew = %v, want ErrLeaseLost", err)
	}
	// Removing the source ends the heir's lease too.
	if err := r.Remove(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := heir.Release(ctx, heir.State()); !errors.Is(err, sources.ErrLeaseLost) {
		t.Fatalf("Release after Remove = %v, want ErrLeaseLost", err)
	}
	if states, _ := r.States(ctx); len(states) != 0 {
		t.Fatalf("a removed source's state came back: %+v", states)
	}
}

func TestWatchSeesSourcesComeAndGo(t *testing.T) {
	r := openRegistry(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	before, _, _ := r.Add(ctx, sources.Source{URL: "https://example.com/before"})
	type event struct {
		id      string
		paused  bool
		removed bool
	}
	events := make(chan event, 16)
	initialized := make(chan struct{})
	go r.Watch(ctx, func(s sources.Source, removed bool) { events <- event{s.ID, s.Paused, removed} }, func() { close(initialized) })
	<-initialized
	after, _, _ := r.Add(ctx, sources.Source{URL: "https://example.com/after"})
	r.SetPaused(ctx, after.ID, true)
	r.Remove(ctx, before.ID)
	want := []event{{before.ID, false, false}, {after.ID, false, false}, {after.ID, true, false}, {before.ID, false, true}}
	for i, w := range want {
		select {
		case got := <-events:
			if got != w {
				t.Fatalf("event %d = %+v, want %+v", i, got, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d never came", i)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	list, err := sources.LoadFile(write("ok.yaml", `
sources:
  - url: https://www.example.com/rss.xml
    name: Example News
    every: 10m
  - url: https://www.example.com/news-sitemap.xml
    kind: sitemap
    paused: true
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Every.Duration != 10*time.Minute || list[0].Name != "Example News" ||
		list[1].Kind != fetch.KindSitemap || !list[1].Paused || list[1].Every.Duration != sources.DefaultEvery {
		t.Fatalf("LoadFile = %+v", list)
	}
	for name, body := range map[string]string{
		"typo.yaml":  "sources:\n  - url: https://example.com/\n    evry: 5m\n",
		"dur.yaml":   "sources:\n  - url: https://example.com/\n    every: often\n",
		"dup.yaml":   "sources:\n  - url: https://example.com/a\n  - url: https://EXAMPLE.com/a#x\n",
		"proto.yaml": "sources:\n  - url: file:///etc/passwd\n",
	} {
		if _, err := sources.LoadFile(write(name, body)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	r := openRegistry(t)
	n, err := r.Seed(context.Background(), list)
	if err != nil || n != 2 {
		t.Fatalf("Seed = %d, %v", n, err)
	}
	if n, err = r.Seed(context.Background(), list); err != nil || n != 0 {
		t.Fatalf("second Seed = %d, %v", n, err)
	}
}
