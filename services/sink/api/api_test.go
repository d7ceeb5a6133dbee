package api_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/api"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
	"github.com/segmentio/encoding/json"
)

// newServer serves the API over a SQLite store holding the newsroom
// fixture. The API is backend-agnostic; the store's contract tests cover
// PostgreSQL.
func newServer(t *testing.T) (*httptest.Server, store.Store) {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range storetest.Newsroom() {
		if err := st.Save(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(api.New(st, api.WithHeartbeat(50*time.Millisecond)))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		st.Close()
	})
	return srv, st
}

func get(t *testing.T, srv *httptest.Server, path string, wantCode int, into any) string {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantCode {
		t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, body, wantCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return string(body)
}

func articleIDs(p store.ArticlePage) []string {
	out := []string{}
	for _, a := range p.Articles {
		out = append(out, a.ID)
	}
	return out
}

func TestArticles(t *testing.T) {
	srv, _ := newServer(t)
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"a4", "a3", "a2", "a1"}},
		{"q=negotiation", []string{"a2", "a1"}},
		{"q=%22legally+binding%22", []string{"a2"}},
		{"entity=per:sergei-ryabkov", []string{"a2", "a1"}},
		{"entity=Wendy+Sherman&entity=Nato", []string{"a2"}},
		{"source=reuters.com&source=dw.com", []string{"a4", "a3", "a1"}},
		{"story=geneva-talks", []string{"a2", "a1"}},
		{"from=2022-01-12&to=2022-01-13", []string{"a3", "a2"}}, // to= a date includes that day
		{"from=2022-01-12T09:30:00Z&to=2022-01-13T09:30:00Z", []string{"a2"}},
		// Injection attempts are just strings that match nothing.
		{"q=" + url.QueryEscape("'; DROP TABLE articles; --"), []string{}},
		{"entity=" + url.QueryEscape("' OR 1=1 --"), []string{}},
		{"source=" + url.QueryEscape("x' OR '1'='1"), []string{}},
	} {
		var page store.ArticlePage
		get(t, srv, "/api/articles?"+c.query, http.StatusOK, &page)
		if got := articleIDs(page); !slices.Equal(got, c.want) {
			t.Errorf("?%s: got %v, want %v", c.query, got, c.want)
		}
	}
	var all store.ArticlePage
	get(t, srv, "/api/articles", http.StatusOK, &all)
	if len(all.Articles) != 4 {
		t.Fatal("the injection attempts changed the data")
	}

	// Pages, following the cursor.
	var got []string
	for cursor := ""; ; {
		var page store.ArticlePage
		get(t, srv, "/api/articles?limit=3&cursor="+url.QueryEscape(cursor), http.StatusOK, &page)
		got = append(got, articleIDs(page)...)
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if !slices.Equal(got, []string{"a4", "a3", "a2", "a1"}) {
		t.Errorf("paged: %v", got)
	}
}

func TestBadParameters(t *testing.T) {
	srv, _ := newServer(t)
	for _, c := range []struct {
		path, wantMsg string
	}{
		{"/api/articles?entities=x", `unknown parameter "entities"`},
		{"/api/articles?limit=ten", `"limit" must be a non-negative integer`},
		{"/api/articles?limit=-1", `"limit" must be a non-negative integer`},
		{"/api/articles?limit=1000", "over the maximum of 200"},
		{"/api/articles?from=yesterday", `"from" must be a date`},
		{"/api/articles?from=2022-01-12&to=2022-01-11", "must be before"},
		{"/api/articles?cursor=bogus!", "is not one this API returned"},
		{"/api/articles?q=a&q=b", `"q" is given 2 times`},
		{"/api/articles?q=-only", "needs a word that is not excluded"},
		{"/api/articles?q=" + strings.Repeat("x", 501), "at most 500"},
		{"/api/articles?q=%zz", "malformed query string"},
		{"/api/entities?type=PLACE", "not one of PERSON, ORG, LOC, MISC"},
		{"/api/entities?offset=-3", `"offset" must be a non-negative integer`},
		{"/api/stories?cursor=%21", "is not one this API returned"},
		{"/api/articles/a1?x=1", `unknown parameter "x"`},
	} {
		var body struct{ Error string }
		get(t, srv, c.path, http.StatusBadRequest, &body)
		if !strings.Contains(body.Error, c.wantMsg) {
			t.Errorf("%s: error %q, want it to say %q", c.path, body.Error, c.wantMsg)
		}
	}
	for _, path := range []string{"/api/articles/nope", "/api/entities/nope", "/api/stories/nope", "/api/nothing"} {
		var body struct{ Error string }
		get(t, srv, path, http.StatusNotFound, &body)
		if body.Error == "" {
			t.Errorf("%s: 404 without a message", path)
		}
	}
	resp, err := http.Post(srv.URL+"/api/articles", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestOneOfEach(t *testing.T) {
	srv, _ := newServer(t)

	// The article comes back as the exact JSON it was saved as.
	body := get(t, srv, "/api/articles/a1", http.StatusOK, nil)
	saved := storetest.Newsroom()[0]
	savedJSON, _ := pipeline.EncodeArticle(&saved)
	if strings.TrimSpace(body) != string(savedJSON) {
		t.Errorf("article: %s\nwant %s", body, savedJSON)
	}

	var ents struct{ Entities []store.EntityStat }
	get(t, srv, "/api/entities?type=person&limit=1", http.StatusOK, &ents)
	if len(ents.Entities) != 1 || ents.Entities[0].ID != storetest.Ryabkov.ID || ents.Entities[0].ArticleCount != 2 {
		t.Errorf("top person: %+v", ents.Entities)
	}
	get(t, srv, "/api/entities?q=vien", http.StatusOK, &ents)
	if len(ents.Entities) != 1 || ents.Entities[0].ID != storetest.Vienna.ID {
		t.Errorf("entities named vien: %+v", ents.Entities)
	}

	var ent store.EntityDetail
	get(t, srv, "/api/entities/"+storetest.Ryabkov.ID, http.StatusOK, &ent)
	if ent.Name != "Sergei Ryabkov" || len(ent.Quotes) != 2 || len(ent.Related) != 4 || len(ent.Names) != 4 ||
		len(ent.Articles.Articles) != 2 {
		t.Errorf("entity: %+v", ent)
	}

	var stories store.StoryPage
	get(t, srv, "/api/stories", http.StatusOK, &stories)
	if len(stories.Stories) != 2 || stories.Stories[1].ID != "geneva-talks" || stories.Stories[1].ArticleCount != 2 {
		t.Errorf("stories: %+v", stories)
	}
	var story store.StoryDetail
	get(t, srv, "/api/stories/geneva-talks", http.StatusOK, &story)
	if story.Label != "Nato and Russia begin tense negotiations" || story.Title != story.Label || len(story.Articles) != 2 ||
		len(story.Quotes) != 2 || len(story.Entities) != 5 || !strings.HasPrefix(story.Summary, "Nato and Russia began") {
		t.Errorf("story: %+v", story)
	}

	var sources struct{ Sources []store.SourceStat }
	get(t, srv, "/api/sources", http.StatusOK, &sources)
	if len(sources.Sources) != 3 || sources.Sources[0] != (store.SourceStat{Source: "reuters.com", ArticleCount: 2}) {
		t.Errorf("sources: %+v", sources)
	}
	var stats struct{ Articles int }
	get(t, srv, "/api/stats", http.StatusOK, &stats)
	if stats.Articles != 4 {
		t.Errorf("stats: %+v", stats)
	}
}

// sseEvent is one server-sent event.
type sseEvent struct{ name, id, data string }

// openEvents connects to the event stream, resuming after lastID if set,
// and returns a reader of its events (comments skipped).
func openEvents(t *testing.T, ctx context.Context, url, lastID string) func() sseEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/api/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	return func() (ev sseEvent) {
		t.Helper()
		for lines.Scan() {
			l := lines.Text()
			switch {
			case l == "" && ev.name != "":
				return ev
			case strings.HasPrefix(l, "event: "):
				ev.name = strings.TrimPrefix(l, "event: ")
			case strings.HasPrefix(l, "id: "):
				ev.id = strings.TrimPrefix(l, "id: ")
			case strings.HasPrefix(l, "data: "):
				ev.data = strings.TrimPrefix(l, "data: ")
			}
		}
		t.Fatalf("stream ended: %v", lines.Err())
		return
	}
}

func articleEvent(t *testing.T, ev sseEvent) store.Event {
	t.Helper()
	var e store.Event
	if err := json.Unmarshal([]byte(ev.data), &e); ev.name != "article" || ev.id == "" || err != nil {
		t.Fatalf("event %+v: %v", ev, err)
	}
	return e
}

// TestEvents streams a stored article, then reconnects as EventSource
// does, with the last event's id, and gets what was stored meanwhile; an
// id the server cannot resume from is answered with "gap".
func TestEvents(t *testing.T) {
	srv, st := newServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	gen := storetest.NewGenerator(1)

	first, drop := context.WithCancel(ctx)
	read := openEvents(t, first, srv.URL, "")
	if ev := read(); ev.name != "ready" || ev.data != `{"gap":false}` {
		t.Fatalf("first event %+v, want ready without a gap", ev)
	}
	a := gen.Article(0)
	if err := st.Save(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	seen := read()
	if ev := articleEvent(t, seen); ev.Article.ID != a.ID || ev.Article.Title != a.Title || ev.Updated {
		t.Errorf("event: %+v", ev)
	}
	drop()

	missed := gen.Article(1)
	if err := st.Save(t.Context(), missed); err != nil {
		t.Fatal(err)
	}
	read = openEvents(t, ctx, srv.URL, seen.id)
	if ev := read(); ev.name != "ready" || ev.data != `{"gap":false}` {
		t.Fatalf("on resuming: %+v, want ready without a gap", ev)
	}
	if ev := articleEvent(t, read()); ev.Article.ID != missed.ID {
		t.Fatalf("resumed with %s, want the missed %s", ev.Article.ID, missed.ID)
	}

	read = openEvents(t, ctx, srv.URL, "from-another-server-7")
	if ev := read(); ev.name != "ready" || ev.data != `{"gap":true}` {
		t.Fatalf("with an unknown id: %+v, want ready with a gap", ev)
	}
}

// Shutting the server down ends open event streams instead of waiting
// for their clients to leave.
func TestEventsEndWithTheServer(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	life, stop := context.WithCancel(t.Context())
	srv := httptest.NewServer(api.New(st, api.WithStreamContext(life)))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(resp.Body); done <- err }()
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("stream ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream outlived the server's context")
	}
}

func TestCopies(t *testing.T) {
	srv, st := newServer(t)
	as := storetest.Newsroom()
	for _, c := range []pipeline.Article{
		storetest.Copy(as[0], "a1-yahoo", "yahoo.com", storetest.Day(10).Add(time.Hour)),
		storetest.Copy(as[0], "a1-msn", "msn.com", storetest.Day(11)),
	} {
		if err := st.Save(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"a4", "a3", "a2", "a1"}},
		{"q=Sherman", []string{"a2", "a1"}},
		{"q=Sherman&copies=true", []string{"a2", "a1-msn", "a1-yahoo", "a1"}},
		{"copies_of=a1", []string{"a1-msn", "a1-yahoo"}},
		{"copies_of=a2", []string{}},
	} {
		var page store.ArticlePage
		get(t, srv, "/api/articles?"+c.query, http.StatusOK, &page)
		if got := articleIDs(page); !slices.Equal(got, c.want) {
			t.Errorf("?%s: got %v, want %v", c.query, got, c.want)
		}
		if c.query == "" && page.Articles[3].Copies != 2 {
			t.Errorf("a1 lists %d copies, want 2", page.Articles[3].Copies)
		}
	}
	get(t, srv, "/api/articles?copies=perhaps", http.StatusBadRequest, nil)
	var story store.StoryDetail
	get(t, srv, "/api/stories/geneva-talks", http.StatusOK, &story)
	if story.ArticleCount != 2 || story.CopyCount != 2 || len(story.Articles) != 2 || story.Articles[0].Copies != 2 {
		t.Errorf("story with copies: %+v", story.StorySummary)
	}
	var ents struct{ Entities []store.EntityStat }
	get(t, srv, "/api/entities?type=PERSON", http.StatusOK, &ents)
	for _, e := range ents.Entities {
		if e.ID == storetest.Sherman.ID && e.ArticleCount != 2 {
			t.Errorf("Sherman counted in %d articles, want 2 (copies count once)", e.ArticleCount)
		}
	}
}
