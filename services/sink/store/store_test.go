package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
	_ "modernc.org/sqlite"
)

func TestMain(m *testing.M) {
	code := storetest.Main(m)
	benchCleanup()
	os.Exit(code)
}

// backend opens stores of one engine for the contract tests.
type backend struct {
	name string
	// dsn returns the DSN of a new, empty store.
	dsn func(t *testing.T) string
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "articles.db") }},
	{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
}

// contract runs test against every backend: the two must be
// indistinguishable through the Store interface.
func contract(t *testing.T, test func(t *testing.T, open func(dsn string, opts ...store.Option) store.Store, dsn string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			open := func(dsn string, opts ...store.Option) store.Store {
				t.Helper()
				st, err := store.Open(t.Context(), dsn, opts...)
				if err != nil {
					t.Fatalf("Open(%s): %v", dsn, err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			}
			test(t, open, dsn)
		})
	}
}

var (
	sherman, ryabkov, geneva, russia = storetest.Sherman, storetest.Ryabkov, storetest.Geneva, storetest.Russia
	nato, osce, vienna, germany, ecb = storetest.Nato, storetest.OSCE, storetest.Vienna, storetest.Germany, storetest.ECB
	day                              = storetest.Day
	fixture                          = storetest.Newsroom
)

func saveAll(t *testing.T, st store.Writer, as ...pipeline.Article) {
	t.Helper()
	for _, a := range as {
		if err := st.Save(t.Context(), a); err != nil {
			t.Fatalf("Save(%s): %v", a.ID, err)
		}
	}
}

func ids(sums []store.ArticleSummary) []string {
	out := []string{}
	for _, s := range sums {
		out = append(out, s.ID)
	}
	return out
}

func encode(t *testing.T, a pipeline.Article) []byte {
	t.Helper()
	b, err := pipeline.EncodeArticle(&a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		if _, err := st.Get(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
		}
		a := storetest.NewGenerator(3).Article(1)
		// Everything a stage may set, including text the columns cannot
		// hold as is: exact JSON must come back.
		a.Summary = "A summary"
		a.Dates = []pipeline.DateMention{{Text: "Monday", Start: 3, End: 9, Value: "2022-01-10"}}
		a.DuplicateOf = "other"
		a.Text += "\n\nNUL\x00 and broken \xff UTF-8"
		a.Title += " \x00"
		saveAll(t, st, a)
		got, err := st.Get(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		// What travels is JSON, where invalid UTF-8 is already U+FFFD:
		// the article must come back as a consumer of the message saw it.
		onWire, err := pipeline.DecodeArticle(encode(t, a), nil)
		if err != nil {
			t.Fatal(err)
		}
		if want, have := encode(t, onWire), encode(t, got); !bytes.Equal(want, have) {
			i := 0
			for i < min(len(want), len(have)) && want[i] == have[i] {
				i++
			}
			t.Fatalf("round trip changed the article at byte %d:\nsaved …%.80s\ngot   …%.80s", i, want[i:], have[i:])
		}
		if n, err := st.Count(t.Context()); err != nil || n != 1 {
			t.Fatalf("Count = %d, %v; want 1", n, err)
		}
	})
}

func TestUpsert(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		ctx := t.Context()
		a := fixture()[0]
		saveAll(t, st, a, a, a) // redelivery
		if n, _ := st.Count(ctx); n != 1 {
			t.Fatalf("Count after 3 saves of one article = %d", n)
		}

		// A newer enrichment: different entities, another story.
		newer := storetest.Enrich(a, day(11), []storetest.E{sherman, geneva}, nil)
		newer.StoryID = "sherman-diplomacy"
		saveAll(t, st, newer)
		// A stale redelivery of the first version changes nothing.
		saveAll(t, st, a)
		got, _ := st.Get(ctx, a.ID)
		if !bytes.Equal(encode(t, got), encode(t, newer)) {
			t.Fatal("the newer enrichment was not kept")
		}
		if _, err := st.Entity(ctx, ryabkov.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Ryabkov is no longer mentioned anywhere, Entity = %v", err)
		}
		e, err := st.Entity(ctx, sherman.ID)
		if err != nil || e.Articles.Articles == nil || e.ArticleCount != 1 || e.Mentions != 2 {
			t.Errorf("Sherman after replace: %+v, %v; want 1 article, 2 mentions", e.EntityStat, err)
		}
		if len(e.Quotes) != 0 {
			t.Errorf("the replaced version's quotes survived: %+v", e.Quotes)
		}
		if _, err := st.Story(ctx, "geneva-talks"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the article left story geneva-talks, which is now empty: %v", err)
		}
		s, err := st.Story(ctx, "sherman-diplomacy")
		if err != nil || s.ArticleCount != 1 {
			t.Errorf("Story(sherman-diplomacy) = %+v, %v", s.StorySummary, err)
		}

		// Same version, different content (a re-publish): the later save wins.
		same := newer
		same.Title = "Corrected headline"
		saveAll(t, st, same)
		got, _ = st.Get(ctx, a.ID)
		if got.Title != "Corrected headline" {
			t.Errorf("re-publish at the same version not kept: %q", got.Title)
		}
		if n, _ := st.Count(ctx); n != 1 {
			t.Errorf("Count = %d, want 1", n)
		}
	})
}

func TestInvalidArticles(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		for name, a := range map[string]pipeline.Article{
			"no id":      {Schema: pipeline.SchemaVersion, Title: "x"},
			"bad schema": {Schema: 99, ID: "x"},
		} {
			err := st.Save(t.Context(), a)
			if !errors.Is(err, store.ErrInvalidArticle) || !pipeline.IsPermanent(err) {
				t.Errorf("%s: Save = %v, want a permanent ErrInvalidArticle", name, err)
			}
		}
		// Offsets outside the text are the enricher's bug, not a reason to
		// lose the article.
		a := fixture()[3]
		a.Entities[0].Mentions = append(a.Entities[0].Mentions, pipeline.Mention{Start: 5000, End: 4000, Text: "?"})
		a.Entities = append(a.Entities, pipeline.Entity{Name: "No Id", Type: pipeline.Misc}, a.Entities[0])
		saveAll(t, st, a)
		if _, err := st.Get(t.Context(), a.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestConcurrentSavesAreBatched(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn, store.WithBatch(64, 20*time.Millisecond))
		g := storetest.NewGenerator(9)
		const n = 300
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := g.Article(i % 250) // 50 articles saved twice, concurrently
				errs <- st.Save(t.Context(), a)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if c, _ := st.Count(t.Context()); c != 250 {
			t.Fatalf("Count = %d, want 250", c)
		}
		// Every Save returned after its commit: each article is readable.
		for i := range 250 {
			if _, err := st.Get(t.Context(), g.Article(i).ID); err != nil {
				t.Fatalf("article %d: %v", i, err)
			}
		}
	})
}

func TestArticleQueries(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		saveAll(t, st, fixture()...)
		ctx := t.Context()
		for _, c := range []struct {
			name string
			q    store.ArticleQuery
			want []string
		}{
			{"all, newest first", store.ArticleQuery{}, []string{"a4", "a3", "a2", "a1"}},
			{"word, stemmed", store.ArticleQuery{Text: "negotiation"}, []string{"a2", "a1"}},
			{"case and title", store.ArticleQuery{Text: "VIENNA"}, []string{"a3"}},
			{"all words required", store.ArticleQuery{Text: "talks Vienna"}, []string{"a3"}},
			{"phrase", store.ArticleQuery{Text: `"legally binding"`}, []string{"a2"}},
			{"phrase in order only", store.ArticleQuery{Text: `"binding legally"`}, []string{}},
			{"exclusion", store.ArticleQuery{Text: "Russia -Nato"}, []string{"a3"}},
			{"or", store.ArticleQuery{Text: "inflation OR OSCE"}, []string{"a4", "a3"}},
			{"punctuation is not syntax", store.ArticleQuery{Text: `Geneva) AND "NEAR(`}, []string{}},
			{"entity by id", store.ArticleQuery{Entities: []string{ryabkov.ID}}, []string{"a2", "a1"}},
			{"entity by name", store.ArticleQuery{Entities: []string{"wendy sherman"}}, []string{"a2", "a1"}},
			{"two entities", store.ArticleQuery{Entities: []string{"Russia", "Nato"}}, []string{"a2"}},
			{"unknown entity", store.ArticleQuery{Entities: []string{"Nobody"}}, []string{}},
			{"source", store.ArticleQuery{Sources: []string{"reuters.com"}}, []string{"a3", "a1"}},
			{"sources", store.ArticleQuery{Sources: []string{"dw.com", "bbc.co.uk"}}, []string{"a4", "a2"}},
			{"story", store.ArticleQuery{Story: "geneva-talks"}, []string{"a2", "a1"}},
			{"from inclusive", store.ArticleQuery{From: day(12)}, []string{"a4", "a3", "a2"}},
			{"to exclusive", store.ArticleQuery{To: day(12)}, []string{"a1"}},
			{"everything", store.ArticleQuery{Text: "talks", Entities: []string{"russia"}, Sources: []string{"reuters.com"},
				From: day(1), To: day(31), Story: "osce"}, []string{"a3"}},
		} {
			page, err := st.Articles(ctx, c.q)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if got := ids(page.Articles); !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}

		// Again with a search that looks at the newest article only before
		// it decides the words are rare: the answers must not change.
		rareQueries := []store.ArticleQuery{{Text: "negotiation"}, {Text: "Russia -Nato"}, {Text: "OSCE", Limit: 1},
			{Text: "talks", Entities: []string{"russia"}, To: day(20)}, {Text: "inflation", Sources: []string{"dw.com"}}}
		var wants [][]string
		for _, q := range rareQueries {
			want, _ := st.Articles(ctx, q)
			wants = append(wants, ids(want.Articles))
		}
		restore := store.SetSearchWindow(1)
		for i, q := range rareQueries {
			page, err := st.Articles(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Articles); !slices.Equal(got, wants[i]) || len(got) == 0 {
				t.Errorf("%+v through the rare-word path: %v, want %v", q, got, wants[i])
			}
		}
		restore()

		page, _ := st.Articles(ctx, store.ArticleQuery{Entities: []string{ryabkov.ID}, Limit: 1})
		a := page.Articles[0]
		if a.Title != "Nato and Russia begin tense negotiations" || a.Source != "bbc.co.uk" || a.StoryID != "geneva-talks" ||
			a.PublishedAt == nil || !a.PublishedAt.Equal(day(12)) || !a.At.Equal(day(12)) || a.QuoteCount != 1 ||
			a.EntityCount != 5 || !strings.HasPrefix(a.Lede, "Nato and Russia began") || len(a.Entities) != 5 {
			t.Errorf("summary: %+v", a)
		}
		if page.Next == "" {
			t.Error("no Next cursor though a second article matches")
		}

		for _, bad := range []store.ArticleQuery{
			{Cursor: "!!"}, {Limit: store.MaxLimit + 1}, {Limit: -1}, {From: day(5), To: day(5)},
			{Text: "-only -exclusions"}, {Text: `"" ""`},
		} {
			if _, err := st.Articles(ctx, bad); !errors.Is(err, store.ErrBadQuery) {
				t.Errorf("Articles(%+v) = %v, want ErrBadQuery", bad, err)
			}
		}
	})
}

func TestPagination(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		g := storetest.NewGenerator(5)
		var all []pipeline.Article
		for i := range 120 {
			a := g.Article(i)
			if i%10 == 0 { // ties on time must still page cleanly
				t0 := day(15)
				a.PublishedAt = &t0
			}
			all = append(all, a)
		}
		saveAll(t, st, all...)
		for _, q := range []store.ArticleQuery{{Limit: 7}, {Limit: 7, Entities: []string{g.Popular(pipeline.Location, 0).ID}}, {Limit: 5, Text: "talks"}} {
			seen := map[string]bool{}
			var times []time.Time
			total := 0
			for cur := ""; ; {
				q.Cursor = cur
				page, err := st.Articles(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range page.Articles {
					if seen[a.ID] {
						t.Fatalf("%+v: %s twice", q, a.ID)
					}
					seen[a.ID] = true
					times = append(times, a.At)
				}
				total += len(page.Articles)
				if page.Next == "" {
					break
				}
				cur = page.Next
			}
			// The pages together are exactly the unpaginated answer.
			var want int
			q.Cursor, q.Limit = "", 0
			st.Scan(t.Context(), q, func([]byte) error { want++; return nil })
			if total != want || want == 0 {
				t.Errorf("%+v: pages hold %d articles, the query matches %d", q, total, want)
			}
			if !sort.SliceIsSorted(times, func(i, j int) bool { return times[i].After(times[j]) }) {
				t.Errorf("%+v: pages not newest first", q)
			}
		}
	})
}

func TestEntities(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		saveAll(t, st, fixture()...)
		ctx := t.Context()

		top, err := st.Entities(ctx, store.EntityQuery{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		// Ryabkov: 2 mentions in a1, 2 in a2; Russia and Sherman have 3.
		if len(top) != 3 || top[0].ID != ryabkov.ID || top[0].Mentions != 4 || top[0].ArticleCount != 2 {
			t.Fatalf("top entities: %+v", top)
		}
		people, _ := st.Entities(ctx, store.EntityQuery{Type: pipeline.Person})
		if got := entityIDs(people); !slices.Equal(got, []string{ryabkov.ID, sherman.ID}) {
			t.Errorf("people: %v", got)
		}
		named, _ := st.Entities(ctx, store.EntityQuery{Name: "CENTRAL"})
		if got := entityIDs(named); !slices.Equal(got, []string{ecb.ID}) {
			t.Errorf("name contains central: %v", got)
		}
		wild, _ := st.Entities(ctx, store.EntityQuery{Name: "%"})
		if len(wild) != 0 {
			t.Errorf("%% is matched literally, got %v", entityIDs(wild))
		}
		week, _ := st.Entities(ctx, store.EntityQuery{From: day(13), To: day(21)})
		if got := entityIDs(week); !slices.Equal(got, []string{germany.ID, russia.ID, vienna.ID, ecb.ID, osce.ID}) {
			t.Errorf("entities of Jan 13-20: %v", got)
		}
		page2, _ := st.Entities(ctx, store.EntityQuery{Limit: 2, Offset: 2})
		all, _ := st.Entities(ctx, store.EntityQuery{})
		if !slices.Equal(entityIDs(page2), entityIDs(all)[2:4]) {
			t.Errorf("offset: %v vs %v", entityIDs(page2), entityIDs(all))
		}
		if _, err := st.Entities(ctx, store.EntityQuery{Type: "PLACE"}); !errors.Is(err, store.ErrBadQuery) {
			t.Errorf("unknown type: %v", err)
		}

		d, err := st.Entity(ctx, ryabkov.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != "Sergei Ryabkov" || d.Type != pipeline.Person || d.ArticleCount != 2 {
			t.Errorf("entity: %+v", d.EntityStat)
		}
		if got := ids(d.Articles.Articles); !slices.Equal(got, []string{"a2", "a1"}) {
			t.Errorf("entity articles: %v", got)
		}
		var names []string
		for _, n := range d.Names {
			names = append(names, fmt.Sprintf("%s=%d", n.Text, n.Count))
		}
		if !slices.Equal(names, []string{"Ryabkov=1", "Rybakov=1", "Sergei Ryabkov=1", "Sergei Rybakov=1"}) {
			t.Errorf("names: %v", names)
		}
		if len(d.Quotes) != 2 || d.Quotes[0].Text != "We need legally binding guarantees" || d.Quotes[0].ArticleID != "a2" ||
			d.Quotes[0].ArticleTitle != "Nato and Russia begin tense negotiations" || d.Quotes[0].Speaker != "Sergei Ryabkov" ||
			d.Quotes[0].SpeakerTitle != "Russian deputy foreign minister" || d.Quotes[1].SpeakerTitle != "" {
			t.Errorf("quotes: %+v", d.Quotes)
		}
		var rel []string
		for _, r := range d.Related {
			rel = append(rel, fmt.Sprintf("%s=%d", r.ID, r.Shared))
		}
		if !slices.Equal(rel, []string{"loc:geneva=2", "per:wendy-sherman=2", "loc:russia=1", "org:nato=1"}) {
			t.Errorf("related: %v", rel)
		}
		if _, err := st.Entity(ctx, "per:nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown entity: %v", err)
		}
	})
}

func entityIDs(es []store.EntityStat) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestStories(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		saveAll(t, st, fixture()...)
		ctx := t.Context()
		page, err := st.Stories(ctx, store.StoryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Stories) != 2 || page.Stories[0].ID != "osce" || page.Stories[1].ID != "geneva-talks" {
			t.Fatalf("stories: %+v", page.Stories)
		}
		g := page.Stories[1]
		// a2 is about all that a1 is about, and more: it is the story's
		// most central article, and its headline the label.
		if g.Label != "Nato and Russia begin tense negotiations" || g.Title != g.Label || g.Lead != "a2" ||
			g.ArticleCount != 2 || g.SourceCount != 2 || g.CopyCount != 0 || !g.FirstAt.Equal(day(10)) || !g.LastAt.Equal(day(12)) {
			t.Errorf("story summary: %+v", g)
		}
		if !strings.HasPrefix(g.Summary, "Nato and Russia began tense negotiations on Wednesday after Sergei Rybakov and Wendy Sherman met in Geneva. Russia wants guarantees.") {
			t.Errorf("story summary text: %q", g.Summary)
		}
		var key []string
		for _, e := range g.Entities {
			key = append(key, fmt.Sprintf("%s:%s=%d", e.Type, e.Name, e.ArticleCount))
		}
		if !slices.Equal(key, []string{"PERSON:Sergei Ryabkov=2", "PERSON:Wendy Sherman=2", "LOC:Geneva=2", "LOC:Russia=1", "ORG:Nato=1"}) {
			t.Errorf("story key entities: %v", key)
		}
		p1, _ := st.Stories(ctx, store.StoryQuery{Limit: 1})
		p2, _ := st.Stories(ctx, store.StoryQuery{Limit: 1, Cursor: p1.Next})
		if len(p1.Stories) != 1 || len(p2.Stories) != 1 || p2.Stories[0].ID != "geneva-talks" || p2.Next != "" {
			t.Errorf("story pages: %+v / %+v", p1, p2)
		}
		old, _ := st.Stories(ctx, store.StoryQuery{To: day(11)})
		if len(old.Stories) != 1 || old.Stories[0].ID != "geneva-talks" {
			t.Errorf("stories before Jan 11: %+v", old.Stories)
		}

		d, err := st.Story(ctx, "geneva-talks")
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(d.Articles); !slices.Equal(got, []string{"a1", "a2"}) {
			t.Errorf("story articles (oldest first): %v", got)
		}
		if len(d.Mentioned) < 2 || d.Mentioned[0].ID != ryabkov.ID || d.Mentioned[0].Mentions != 4 {
			t.Errorf("story entities: %+v", d.Mentioned)
		}
		if len(d.Quotes) != 2 || d.Quotes[0].ArticleID != "a1" {
			t.Errorf("story quotes: %+v", d.Quotes)
		}
		if _, err := st.Story(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown story: %v", err)
		}
		srcs, _ := st.Sources(ctx)
		if fmt.Sprint(srcs) != "[{reuters.com 2 0} {bbc.co.uk 1 0} {dw.com 1 0}]" {
			t.Errorf("sources: %v", srcs)
		}
	})
}

func TestSubscribe(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		ctx, cancel := context.WithCancel(t.Context())
		events, _ := st.Subscribe(ctx, "")
		fx := fixture()
		saveAll(t, st, fx[0])
		ev := next(t, events)
		if ev.Article.ID != "a1" || ev.Updated || ev.Article.Title != fx[0].Title || len(ev.Article.Entities) != 3 {
			t.Fatalf("event: %+v", ev)
		}
		saveAll(t, st, fx[0]) // unchanged: no event
		newer := storetest.Enrich(fx[0], day(11), []storetest.E{sherman}, nil)
		saveAll(t, st, newer)
		if ev := next(t, events); ev.Article.ID != "a1" || !ev.Updated || len(ev.Article.Entities) != 1 {
			t.Fatalf("update event: %+v", ev)
		}
		cancel()
		for range events { // closed once ctx is done
		}
	})
}

// TestSubscribeResumes drops a subscriber, commits while nobody listens,
// and resumes from the last event's cursor: the missed commits come first,
// in order, then live ones; a cursor the store cannot resume from says so.
func TestSubscribeResumes(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		fx := fixture()
		first, cancel := context.WithCancel(t.Context())
		events, resumed := st.Subscribe(first, "")
		if !resumed {
			t.Fatal("a fresh subscription says it did not resume")
		}
		saveAll(t, st, fx[0])
		last := next(t, events)
		if last.Article.ID != fx[0].ID || last.Cursor == "" {
			t.Fatalf("first event: %+v", last)
		}
		cancel() // the connection drops
		for range events {
		}
		saveAll(t, st, fx[1], fx[2]) // nobody listening

		events, resumed = st.Subscribe(t.Context(), last.Cursor)
		if !resumed {
			t.Fatalf("could not resume from %q", last.Cursor)
		}
		for _, want := range []string{fx[1].ID, fx[2].ID} {
			if ev := next(t, events); ev.Article.ID != want {
				t.Fatalf("replayed %s, want %s", ev.Article.ID, want)
			}
		}
		saveAll(t, st, fx[3])
		if ev := next(t, events); ev.Article.ID != fx[3].ID {
			t.Fatalf("after the replay, live %s, want %s", ev.Article.ID, fx[3].ID)
		}
		select {
		case ev := <-events:
			t.Fatalf("an event twice or out of nowhere: %+v", ev)
		case <-time.After(100 * time.Millisecond):
		}

		for _, cursor := range []string{"nonsense", "000000000000-1", last.Cursor + "9"} {
			if _, resumed := st.Subscribe(t.Context(), cursor); resumed {
				t.Errorf("resumed from %q, which this store did not issue", cursor)
			}
		}
	})
}

func next(t *testing.T, events <-chan store.Event) store.Event {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("event channel closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return store.Event{}
}

func TestScanExport(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		fx := fixture()
		saveAll(t, st, fx...)
		var buf bytes.Buffer
		n, err := store.ExportJSONL(t.Context(), st, &buf, store.ArticleQuery{Sources: []string{"reuters.com"}})
		if err != nil || n != 2 {
			t.Fatalf("ExportJSONL = %d, %v", n, err)
		}
		want := string(encode(t, fx[2])) + "\n" + string(encode(t, fx[0])) + "\n"
		if buf.String() != want {
			t.Errorf("export:\n%s\nwant\n%s", buf.String(), want)
		}
	})
}

func TestReopenAndClose(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st, err := store.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		fx := fixture()
		// Saves queued when Close is called are committed before it returns.
		var wg sync.WaitGroup
		for _, a := range fx {
			wg.Add(1)
			go func() { defer wg.Done(); st.Save(t.Context(), a) }()
		}
		wg.Wait()
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if err := st.Save(t.Context(), fx[0]); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Save after Close = %v, want ErrClosed", err)
		}
		ch, _ := st.Subscribe(t.Context(), "")
		if _, ok := <-ch; ok {
			t.Error("Subscribe after Close delivered an event")
		}

		st = open(dsn) // migrations are not applied twice
		if n, _ := st.Count(t.Context()); n != len(fx) {
			t.Errorf("after reopening, Count = %d, want %d", n, len(fx))
		}
		driver, source := "sqlite", strings.TrimPrefix(dsn, "sqlite://")
		if strings.HasPrefix(dsn, "postgres") {
			driver, source = "pgx", dsn
		}
		db, err := sql.Open(driver, source)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var versions, max int
		if err := db.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&versions, &max); err != nil {
			t.Fatal(err)
		}
		if versions != max || versions < 1 {
			t.Errorf("schema_migrations holds %d rows up to version %d", versions, max)
		}
	})
}
