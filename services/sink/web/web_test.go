package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
	"github.com/newsflow/newsflow/services/sink/web"
)

// EnvSkipBrowser=1 skips the browser tests where no Chromium can be had;
// without it a missing browser fails them.
const EnvSkipBrowser = "NEWSFLOW_SKIP_BROWSER"

// EnvScreenshots overrides where the screenshots go (default
// testdata/screenshots, which git ignores).
const EnvScreenshots = "NEWSFLOW_SCREENSHOTS"

func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(EnvSkipBrowser) == "1" {
		t.Skipf("no Chromium: skipped (%s=1)", EnvSkipBrowser)
	}
	t.Fatalf("the web view tests need Chromium: install it with scripts/test-deps.sh (or set %s=1 to skip)", EnvSkipBrowser)
	return ""
}

// browser starts headless Chromium and returns a tab context.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)),
		chromedp.NoSandbox, // the sandbox cannot start as root, as in CI containers
		chromedp.DisableGPU,
		chromedp.WindowSize(1400, 1000),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", filepath.Join(dir, name+".png"))
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	must(t, err, js)
	return v
}

// waitFor polls a JavaScript condition in the page.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(15*time.Second)))
	must(t, err, "waiting for "+cond)
}

// The analyst's session: the page is open, an article is stored and
// appears live, the analyst opens it, sees its people, organisations and
// places highlighted and its quotes, follows an entity and a story.
func TestWebView(t *testing.T) {
	ctx := browser(t)
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "web.db"))
	must(t, err, "open store")
	defer st.Close()
	g := storetest.NewGenerator(42)
	for i := range 40 {
		must(t, st.Save(t.Context(), g.Article(i)), "save")
	}
	fx := storetest.Newsroom()
	for _, a := range fx[1:] {
		must(t, st.Save(t.Context(), a), "save")
	}
	srv := httptest.NewServer(web.New(st))
	defer func() { srv.CloseClientConnections(); srv.Close() }()

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")), "open /")
	waitFor(t, ctx, `document.querySelectorAll('#feed li.card').length >= 20 && document.querySelector('#live.on') !== null`)
	eval[chromedp.Void](t, ctx, `window.__samePage = true`)

	// a1 is stored now, through the store as the pipeline would: it must
	// show up at the top of the open page without a reload.
	a1 := fx[0]
	now := time.Now().Add(-2 * time.Minute)
	a1.PublishedAt = &now
	for i := range a1.Stages {
		a1.Stages[i].At = now.Add(time.Minute)
	}
	must(t, st.Save(t.Context(), a1), "save a1")
	waitFor(t, ctx, `(() => { const c = document.querySelector('#feed li.card'); return c && c.dataset.id === 'a1' && c.classList.contains('fresh'); })()`)
	if !eval[bool](t, ctx, `window.__samePage === true`) {
		t.Fatal("the page reloaded instead of updating live")
	}
	screenshot(t, ctx, "1-latest")

	// Open it from the feed.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#feed li.card[data-id="a1"] h3 a`))), "click a1")
	waitFor(t, ctx, `document.querySelectorAll('#text mark.ent').length > 0`)
	if got := eval[string](t, ctx, `location.pathname`); got != "/articles/a1" {
		t.Errorf("article URL %s", got)
	}
	marks := eval[[]string](t, ctx, `[...document.querySelectorAll('#text mark.ent')].map(m => m.className.match(/t-(\w+)/)[1] + ':' + m.textContent)`)
	want := []string{"PERSON:Wendy Sherman", "PERSON:Sergei Ryabkov", "LOC:Geneva", "PERSON:Ryabkov", "PERSON:Sherman"}
	if !slices.Equal(marks, want) {
		t.Errorf("highlighted entities %q, want %q", marks, want)
	}
	// The text around the highlights is intact.
	if got := eval[string](t, ctx, `document.querySelector('#text').innerText.replace(/\s+/g, ' ').trim()`); got != strings.Join(strings.Fields(a1.Text), " ") {
		t.Errorf("article text rendered as %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#quotes li').innerText`); !strings.Contains(got, "The talks were difficult, but very professional") || !strings.Contains(got, "Sergei Ryabkov") {
		t.Errorf("quote panel: %q", got)
	}
	screenshot(t, ctx, "2-article")

	// Follow Sherman's highlight to her entity page.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#text mark.ent[data-entity="per:wendy-sherman"]`))), "click Sherman")
	waitFor(t, ctx, `document.querySelector('#entity-name') !== null`)
	if got := eval[string](t, ctx, `document.querySelector('#entity-name').textContent`); !strings.HasPrefix(got, "Wendy Sherman") {
		t.Errorf("entity page title %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.feed li.card').length`); n != 2 {
		t.Errorf("Sherman's page lists %d articles, want 2", n)
	}
	screenshot(t, ctx, "3-entity")

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/stories/geneva-talks")), "open story")
	waitFor(t, ctx, `document.querySelectorAll('.timeline li').length === 2`)
	// a1, republished just now, is no longer the story's first article.
	if got := eval[string](t, ctx, `document.querySelector('#story-title').textContent`); got != "Nato and Russia begin tense negotiations" {
		t.Errorf("story title %q", got)
	}
	screenshot(t, ctx, "4-story")

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/entities?type=PERSON")), "open entities")
	waitFor(t, ctx, `document.querySelectorAll('table.grid tbody tr').length > 5`)
	screenshot(t, ctx, "5-entities")

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/stories")), "open stories")
	waitFor(t, ctx, `document.querySelectorAll('table.grid tbody tr').length > 2`)
	screenshot(t, ctx, "6-stories")

	// Search from the top bar.
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")), "open /")
	waitFor(t, ctx, `document.querySelector('#live.on') !== null`)
	must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("q"), "legally binding\n")), "search")
	waitFor(t, ctx, `location.search === '?q=legally+binding' && document.querySelectorAll('#feed li.card').length === 1`)
	if got := eval[string](t, ctx, `document.querySelector('#feed li.card').dataset.id`); got != "a2" {
		t.Errorf("search found %s, want a2", got)
	}
	screenshot(t, ctx, "7-search")
}

// A story page reads like a timeline: its label (the most central
// article's headline, not its id), summary, counts and key people,
// organisations and places, then its articles in time order with source,
// headline and entities. Copies (the same article fetched again from other
// sites) show once, as "N copies" on their original, and count once in
// the story's counts and in "most mentioned"; a link lists them.
func TestStoryPage(t *testing.T) {
	ctx := browser(t)
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "web.db"))
	must(t, err, "open store")
	defer st.Close()
	fx := storetest.Newsroom()
	g := storetest.NewGenerator(7)
	for i := range 20 {
		must(t, st.Save(t.Context(), g.Article(i)), "save")
	}
	for _, a := range fx {
		must(t, st.Save(t.Context(), a), "save")
	}
	for _, c := range []pipeline.Article{
		storetest.Copy(fx[0], "a1-yahoo", "yahoo.com", storetest.Day(10).Add(time.Hour)),
		storetest.Copy(fx[0], "a1-msn", "msn.com", storetest.Day(10).Add(2*time.Hour)),
		storetest.Copy(fx[1], "a2-yahoo", "yahoo.com", storetest.Day(12).Add(time.Hour)),
	} {
		must(t, st.Save(t.Context(), c), "save copy")
	}
	// What "most mentioned" must say: Sherman's mentions in the originals.
	shermanMentions := 0
	for _, a := range fx {
		for _, e := range a.Entities {
			if e.ID == storetest.Sherman.ID {
				shermanMentions += len(e.Mentions)
			}
		}
	}
	srv := httptest.NewServer(web.New(st))
	defer func() { srv.CloseClientConnections(); srv.Close() }()

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/stories/geneva-talks")), "open story")
	waitFor(t, ctx, `document.querySelectorAll('.timeline li').length > 0 && document.querySelector('#story-entities') !== null`)
	if got := eval[string](t, ctx, `document.querySelector('#story-title').textContent`); got != fx[1].Title {
		t.Errorf("story label %q, want the most central article's headline %q", got, fx[1].Title)
	}
	if got := eval[string](t, ctx, `document.querySelector('#story-summary').textContent`); !strings.HasPrefix(got, "Nato and Russia began tense negotiations on Wednesday") {
		t.Errorf("story summary %q", got)
	}
	// The timeline: originals only, oldest first, with source and headline.
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll('.timeline li')].map(li =>
		li.dataset.id + '|' + li.querySelector('.source').textContent + '|' + li.querySelector('b a').textContent)`)
	want := []string{"a1|reuters.com|" + fx[0].Title, "a2|bbc.co.uk|" + fx[1].Title}
	if !slices.Equal(rows, want) {
		t.Errorf("timeline %q, want %q", rows, want)
	}
	if got := eval[string](t, ctx, `document.querySelector('.timeline li[data-id="a1"] .copies').textContent`); got != "2 copies" {
		t.Errorf("a1's copies: %q", got)
	}
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll('.timeline li[data-id="a2"] .chip')].map(c => c.firstChild.textContent)`); !slices.Contains(got, "Nato") || !slices.Contains(got, "Wendy Sherman") {
		t.Errorf("a2's entities on the timeline: %q", got)
	}
	stats := eval[string](t, ctx, `document.querySelector('#story-stats').innerText.replace(/\s+/g, ' ')`)
	for _, s := range []string{"2 articles", "2 sources", "3 copies"} {
		if !strings.Contains(stats, s) {
			t.Errorf("story stats %q lack %q", stats, s)
		}
	}
	key := eval[[]string](t, ctx, `[...document.querySelectorAll('#story-entities .key-group')].map(g => g.dataset.type + ':' +
		[...g.querySelectorAll('.chip')].map(c => c.firstChild.textContent + '=' + c.querySelector('.n').textContent).join(','))`)
	if want := []string{"PERSON:Sergei Ryabkov=2,Wendy Sherman=2", "ORG:Nato=1", "LOC:Geneva=2,Russia=1"}; !slices.Equal(key, want) {
		t.Errorf("key entities %q, want %q", key, want)
	}
	screenshot(t, ctx, "10-story-timeline")

	// "2 copies" lists them.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.timeline li[data-id="a1"] a[href*="copies_of"]`))), "click copies")
	waitFor(t, ctx, `location.search === '?copies_of=a1' && document.querySelectorAll('#feed li.card').length === 2`)
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll('#feed li.card')].map(c => c.dataset.id)`); !slices.Equal(got, []string{"a1-msn", "a1-yahoo"}) {
		t.Errorf("copies of a1: %q", got)
	}
	screenshot(t, ctx, "11-copies")

	// The home page: every card names its story by label; copies are
	// neither listed nor counted.
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")), "open /")
	waitFor(t, ctx, `document.querySelectorAll('#feed li.card').length >= 20 && document.querySelectorAll('.ent-list li').length > 0`)
	if n := eval[int](t, ctx, `document.querySelectorAll('#feed li.card[data-id$="-yahoo"], #feed li.card[data-id$="-msn"]').length`); n != 0 {
		t.Errorf("the feed lists %d copies", n)
	}
	if got := eval[string](t, ctx, `document.querySelector('#feed li.card[data-id="a2"] .story-link').textContent`); got != "story: "+fx[1].Title {
		t.Errorf("a2's story link %q", got)
	}
	// Live: a copy arriving is not listed; the original after it is.
	waitFor(t, ctx, `document.querySelector('#live.on') !== null`)
	now := time.Now().Add(-time.Minute)
	fresh := fx[2]
	fresh.ID, fresh.PublishedAt = "a3-live", &now
	fresh = storetest.Enrich(fresh, now.Add(time.Second), []storetest.E{storetest.OSCE, storetest.Vienna}, nil)
	copied := storetest.Copy(fresh, "a3-live-copy", "yahoo.com", now.Add(2*time.Second))
	must(t, st.Save(t.Context(), copied), "save live copy")
	must(t, st.Save(t.Context(), fresh), "save live original")
	waitFor(t, ctx, `document.querySelector('#feed li.card').dataset.id === 'a3-live'`)
	if n := eval[int](t, ctx, `document.querySelectorAll('#feed li.card[data-id="a3-live-copy"]').length`); n != 0 {
		t.Errorf("a copy arriving live was listed")
	}

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/entities?type=PERSON&q=wendy+sherman")), "open entities")
	waitFor(t, ctx, `document.querySelectorAll('table.grid tbody tr').length === 1`)
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('table.grid tbody tr td.num')].map(td => td.textContent)`)
	if want := []string{"2", strconv.Itoa(shermanMentions)}; !slices.Equal(got, want) {
		t.Errorf("Wendy Sherman's articles and mentions %q, want %q (copies count once)", got, want)
	}

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/stories")), "open stories")
	waitFor(t, ctx, `document.querySelectorAll('table.grid tbody tr').length >= 2`)
	cells := eval[[]string](t, ctx, `[...document.querySelectorAll('table.grid tbody tr td:first-child b')].map(b => b.textContent)`)
	if !slices.Contains(cells, fx[1].Title) || slices.Contains(cells, "geneva-talks") {
		t.Errorf("stories listed as %q", cells)
	}
	screenshot(t, ctx, "12-stories-labelled")
}

// An article is hostile input: markup in any field must show as text, and
// no script in it may run, in the live feed or on the article page.
func TestHostileArticle(t *testing.T) {
	ctx := browser(t)
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "web.db"))
	must(t, err, "open store")
	defer st.Close()
	srv := httptest.NewServer(web.New(st))
	defer func() { srv.CloseClientConnections(); srv.Close() }()

	const (
		payload = `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`
		title   = `Breaking <script>window.__pwned='title'</script>` + payload
	)
	text := "Officials said " + payload + " in a statement. <b onmouseover=\"window.__pwned='b'\">Evil Corp</b> denied it.\n\n" +
		`"<svg onload=window.__pwned='svg'>" said Mallory.`
	pub := time.Now()
	a := pipeline.Article{ID: "hostile", URL: "javascript:window.__pwned='url'", Source: `<i>src</i>`, Title: title,
		Text: text, PublishedAt: &pub, StoryID: `<u>story</u>`, Summary: payload, Authors: []string{payload}}
	mallory := storetest.E{ID: `"><img src=x onerror="window.__pwned='id'">`, Name: `Mallory<script>window.__pwned='name'</script>`,
		Type: pipeline.Person, Forms: []string{"Mallory"}}
	evil := storetest.E{ID: "org:evil", Name: "Evil Corp", Type: pipeline.Organization}
	a = storetest.Enrich(a, pub, []storetest.E{mallory, evil}, []storetest.Q{{Text: "<svg onload=window.__pwned='svg'>", Speaker: mallory}})
	a.Keywords = []pipeline.Keyword{{Text: payload, Score: 1}}

	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")), "open /")
	waitFor(t, ctx, `document.querySelector('#live.on') !== null`)
	must(t, st.Save(t.Context(), a), "save hostile")
	waitFor(t, ctx, `document.querySelector('#feed li.card[data-id="hostile"]') !== null`)
	check := func(where string) {
		t.Helper()
		if pwned := eval[string](t, ctx, `String(window.__pwned || '')`); pwned != "" {
			t.Errorf("%s: script from the article ran (%s)", where, pwned)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#app img, #app script, #app svg, #app b, #app i, #app u').length`); n != 0 {
			t.Errorf("%s: %d elements made from article markup", where, n)
		}
	}
	check("live feed")
	if got := eval[string](t, ctx, `document.querySelector('#feed li.card[data-id="hostile"] h3').textContent`); got != title {
		t.Errorf("feed title shows %q, want the markup as text %q", got, title)
	}
	screenshot(t, ctx, "8-hostile-feed")

	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#feed li.card[data-id="hostile"] h3 a`))), "open hostile")
	waitFor(t, ctx, `document.querySelector('#title') !== null`)
	// Give any injected handler (onerror, onload) the time to fire.
	must(t, chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)), "sleep")
	check("article page")
	if got := eval[string](t, ctx, `document.querySelector('#title').textContent`); got != title {
		t.Errorf("article title shows %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#text').textContent`); !strings.Contains(got, payload) {
		t.Errorf("article text lost the markup: %q", got)
	}
	marks := eval[[]string](t, ctx, `[...document.querySelectorAll('#text mark.ent')].map(m => m.textContent)`)
	if !slices.Equal(marks, []string{"Evil Corp", "Mallory"}) {
		t.Errorf("highlights in the hostile text: %q", marks)
	}
	if href := eval[string](t, ctx, `[...document.querySelectorAll('a')].find(a => a.textContent.startsWith('Original')).getAttribute('href')`); href != "#" {
		t.Errorf("a javascript: article URL became a link to %q", href)
	}
	// And the markup reached the page only as data, never as HTML.
	csp, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch('/').then(r => r.headers.get('Content-Security-Policy'))`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("no CSP: %q, %v", csp, err)
	}
	screenshot(t, ctx, "9-hostile-article")

	// A search marks its words in a passage of the hostile text: the
	// passage's markup stays text, and the facets name it as text too.
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?q=statement+officials")), "search hostile")
	waitFor(t, ctx, `document.querySelector('#feed li.card[data-id="hostile"] .snippet mark.hit') !== null && document.querySelector('#facet-total') !== null`)
	must(t, chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)), "sleep")
	check("search results")
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll('.snippet mark.hit')].map(m => m.textContent)`); !slices.Equal(got, []string{"Officials", "statement"}) {
		t.Errorf("marked words in the hostile passage: %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('.snippet').textContent`); !strings.Contains(got, payload) {
		t.Errorf("the passage lost the markup as text: %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#facets ul[data-facet="PERSON"] a').textContent`); got != mallory.Name {
		t.Errorf("the facet names %q, want %q as text", got, mallory.Name)
	}
	screenshot(t, ctx, "9b-hostile-search")
}

func TestServesPageRoutesAndAssets(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "web.db"))
	must(t, err, "open store")
	defer st.Close()
	srv := httptest.NewServer(web.New(st))
	defer srv.Close()
	for path, want := range map[string]int{
		"/": 200, "/articles/x": 200, "/entities": 200, "/entities/per:x": 200, "/stories": 200, "/stories/s": 200,
		"/static/app.js": 200, "/static/app.css": 200, "/api/stats": 200,
		"/nope": 404, "/static/missing.js": 404, "/static/index.html": 404,
	} {
		resp, err := http.Get(srv.URL + path)
		must(t, err, path)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no Content-Security-Policy", path)
		}
	}
	resp, err := http.Get(srv.URL + "/static/app.js")
	must(t, err, "app.js")
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/static/app.js", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp2, err := http.DefaultClient.Do(req)
	must(t, err, "app.js again")
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating app.js: %d, want 304", resp2.StatusCode)
	}
}
