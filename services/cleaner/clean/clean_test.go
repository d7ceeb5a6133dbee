package clean

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file; got:\n%s", name, got)
	}
}

// render is a stable, readable dump of a cleaned article for golden files.
func render(a pipeline.Article) string {
	var b strings.Builder
	b.WriteString("title: " + a.Title + "\n")
	b.WriteString("authors: " + strings.Join(a.Authors, "; ") + "\n")
	if a.PublishedAt != nil {
		b.WriteString("published: " + a.PublishedAt.UTC().Format(time.RFC3339) + "\n")
	} else {
		b.WriteString("published:\n")
	}
	b.WriteString("lang: " + a.Lang + "\nsite: " + a.SiteName + "\nurl: " + a.URL + "\nid: " + a.ID + "\n\n")
	b.WriteString(a.Text + "\n")
	return b.String()
}

func process(t *testing.T, a pipeline.Article) pipeline.Article {
	t.Helper()
	out, err := New(Options{}).Process(context.Background(), a)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	checkWellFormed(t, out.Text)
	if out.HTML != "" || out.BodyRef != nil {
		t.Errorf("HTML or BodyRef left in the output")
	}
	return out
}

// checkWellFormed asserts the Text contract: valid UTF-8, paragraphs
// separated by exactly one blank line, none empty or padded.
func checkWellFormed(t testing.TB, text string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Fatalf("text is not valid UTF-8")
	}
	if strings.Contains(text, "\r") {
		t.Fatalf("text holds a carriage return")
	}
	for i, p := range strings.Split(text, "\n\n") {
		if p == "" || strings.TrimSpace(p) != p || strings.HasPrefix(p, "\n") {
			t.Fatalf("paragraph %d is empty or padded: %q", i, p)
		}
	}
}

func TestSeeds(t *testing.T) {
	for _, path := range shareddata.Seeds(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			in, err := pipeline.DecodeRaw(raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("seeds", name+".golden"), render(process(t, in)))
		})
	}
}

// TestCleanSeedsKeepEverySentence: text that is already clean comes
// through with every line, whitespace aside — save a cross-link.
func TestCleanSeedsKeepEverySentence(t *testing.T) {
	for _, path := range shareddata.Seeds(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), "{") { // the scraped page
			continue
		}
		in, err := pipeline.DecodeRaw(raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := collapse(process(t, in).Text)
		for _, line := range strings.Split(in.Text, "\n") {
			line = collapse(line)
			if line == "" || strings.HasPrefix(line, "Read more ") {
				continue
			}
			if !strings.Contains(out, line) {
				t.Errorf("%s: lost %q", filepath.Base(path), line)
			}
		}
	}
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestScrapedSeed pins what the scraped page (seed 002) must give.
func TestScrapedSeed(t *testing.T) {
	var raw []byte
	for _, path := range shareddata.Seeds(t) {
		if strings.HasPrefix(filepath.Base(path), "002_") {
			raw, _ = os.ReadFile(path)
		}
	}
	if raw == nil {
		t.Fatal("seed 002 not found")
	}
	in, err := pipeline.DecodeRaw(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := process(t, in)
	if want := "Jaw jaw better than war war, but as talks set to resume US and Russia remain poles apart on Ukraine"; out.Title != want {
		t.Errorf("title %q, want %q", out.Title, want)
	}
	if len(out.Authors) != 1 || out.Authors[0] != "Kim Sengupta" {
		t.Errorf("authors %q", out.Authors)
	}
	if out.PublishedAt == nil || !out.PublishedAt.Equal(time.Date(2022, 1, 11, 19, 51, 0, 0, time.UTC)) {
		t.Errorf("published %v, want 2022-01-11T19:51:00Z", out.PublishedAt)
	}
	if out.Lang != "en" {
		t.Errorf("lang %q", out.Lang)
	}
	for _, junk := range []string{"{", "light-dark", "notifications", "Not now", "open image in gallery",
		"Your support", "Your donation", "paywalls", "Read more", "registering", "logged in",
		"commenting forum", "thought-provoking", "Comments", "World Affairs Editor", "19:51 GMT", "News World Europe"} {
		if strings.Contains(out.Text, junk) {
			t.Errorf("text still holds %q", junk)
		}
	}
	text := collapse(out.Text)
	for _, sentence := range []string{
		"The next round of negotiations start in Brussels on Wednesday",
		"The first round of talks in a crucial week for what will unfold in Ukraine ended with Russian and American diplomats discussing their differing positions without a breakthrough on some of the key issues that have pushed Europe to the edge of war.",
		"The meeting in Geneva discussed the possibility of Russia and the west limiting military exercises and missile deployments.",
		"The EU stated that it will play a full part in the negotiations.",
		"“There are 100,000 Russian troops on the other side of the border. I suppose they haven’t gone there to drink coffee!” he said.",
	} {
		if !strings.Contains(text, sentence) {
			t.Errorf("lost %q", sentence)
		}
	}
}

const articleHTML = `<!doctype html><html lang="en-GB"><head>
<meta charset="utf-8"><title>Talks stall in Geneva | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="description" content="Diplomats failed to agree.">
<link rel="canonical" href="/world/2022/01/10/talks-stall?utm_source=feed">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
 "headline":"Talks stall in Geneva","datePublished":"2022-01-10T18:30:00+01:00",
 "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}]}</script>
<style>body{color:red}</style></head><body>
<nav class="main-nav"><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Talks stall in Geneva</h1><div class="byline">By Jane Doe and John Roe</div>
<div class="article-body">
<p>Diplomats from the United States and Russia ended a day of talks in Geneva on Monday without agreement on the future of European security.</p>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<p>Both delegations said they would report back to their capitals, and that a further round of meetings in Brussels and Vienna would follow this week.</p>
<p>Advertisement</p>
<p>Read more: <a href="/x">Why the talks matter</a></p>
<p>Officials described the atmosphere as businesslike, but said the gaps between the two sides remained wide on every substantive question.</p>
</div></article>
<aside class="related"><h2>Related</h2><ul><li><a href="/a">Another story about something else entirely</a></li></ul></aside>
<footer>© 2022 Example News. All rights reserved.</footer></body></html>`

func TestHTML(t *testing.T) {
	feedDay := time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)
	out := process(t, pipeline.Article{Schema: pipeline.SchemaVersion, URL: "https://example.com/feed-link/123", HTML: articleHTML, PublishedAt: &feedDay})
	golden(t, "html/article.golden", render(out))
	if out.Title != "Talks stall in Geneva" || out.SiteName != "Example News" || out.Lang != "en" {
		t.Errorf("metadata: %q %q %q", out.Title, out.SiteName, out.Lang)
	}
	if want := "https://example.com/world/2022/01/10/talks-stall"; out.URL != want {
		t.Errorf("url %q, want the canonical %q", out.URL, want)
	}
	if out.ID != pipeline.ArticleID(out.URL, out.Text) {
		t.Errorf("id not recomputed")
	}
	// The feed gave the day; the page the minute: the page's wins.
	if out.PublishedAt == nil || !out.PublishedAt.Equal(time.Date(2022, 1, 10, 17, 30, 0, 0, time.UTC)) {
		t.Errorf("published %v", out.PublishedAt)
	}
	if out.Summary != "Diplomats failed to agree." {
		t.Errorf("summary %q", out.Summary)
	}
	for _, junk := range []string{"Share on Facebook", "Advertisement", "Why the talks matter", "All rights reserved", "Sport", "Another story"} {
		if strings.Contains(out.Text, junk) {
			t.Errorf("text holds %q", junk)
		}
	}
	if n := strings.Count(out.Text, "\n\n") + 1; n != 3 {
		t.Errorf("%d paragraphs, want 3:\n%s", n, out.Text)
	}
}

func TestMetadataMerge(t *testing.T) {
	exact := time.Date(2022, 1, 10, 9, 15, 0, 0, time.UTC)
	farDay := time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		in        pipeline.Article
		title     string
		published time.Time
		authors   string
	}{
		{"feed has a full time: kept", pipeline.Article{Title: "Feed title", PublishedAt: &exact, Authors: []string{"Feed Author"}},
			"Feed title", exact, "Feed Author"},
		{"feed day far from the page's: kept", pipeline.Article{PublishedAt: &farDay}, "Talks stall in Geneva", farDay, "Jane Doe; John Roe"},
		{"truncated feed title: the page's", pipeline.Article{Title: "Talks stall…"}, "Talks stall in Geneva", time.Date(2022, 1, 10, 17, 30, 0, 0, time.UTC), "Jane Doe; John Roe"},
	} {
		tc.in.Schema = pipeline.SchemaVersion
		tc.in.HTML = articleHTML
		out := process(t, tc.in)
		if out.Title != tc.title || out.PublishedAt == nil || !out.PublishedAt.Equal(tc.published) || strings.Join(out.Authors, "; ") != tc.authors {
			t.Errorf("%s: got %q %v %q", tc.name, out.Title, out.PublishedAt, out.Authors)
		}
	}
}

func TestCharsets(t *testing.T) {
	body := "<p>Die Gespr\xe4che in Genf endeten am Montag ohne Einigung \x96 beide Seiten wollen aber weiter verhandeln, hie\xdf es.</p>"
	for _, tc := range []struct{ name, page string }{
		{"declared", `<html><head><meta charset="iso-8859-1"></head><body>` + body + `</body></html>`},
		{"undeclared windows-1252", `<html><body>` + body + `</body></html>`},
	} {
		out := process(t, pipeline.Article{Schema: 1, HTML: tc.page})
		if !strings.Contains(out.Text, "Gespräche in Genf") || !strings.Contains(out.Text, "– beide") || !strings.Contains(out.Text, "hieß es") {
			t.Errorf("%s: %q", tc.name, out.Text)
		}
		if out.Lang != "de" {
			t.Errorf("%s: lang %q", tc.name, out.Lang)
		}
	}
}

func TestPermanentErrors(t *testing.T) {
	big := "<p>" + strings.Repeat("word ", 300) + "</p>"
	for _, tc := range []struct {
		name string
		opts Options
		in   pipeline.Article
		want error
	}{
		{"no text in the page", Options{}, pipeline.Article{HTML: "<html><body><nav><a href=/>Home</a></nav></body></html>"}, ErrNoText},
		{"only boilerplate text", Options{}, pipeline.Article{Text: "Advertisement\n\nShare this article"}, ErrNoText},
		{"over the size cap", Options{MaxBytes: 100}, pipeline.Article{HTML: big}, ErrTooLarge},
		{"nothing to clean", Options{}, pipeline.Article{BodyRef: &pipeline.BodyRef{Key: "unresolved"}}, ErrNoText},
	} {
		_, err := New(tc.opts).Process(context.Background(), tc.in)
		if !errors.Is(err, tc.want) || !pipeline.IsPermanent(err) {
			t.Errorf("%s: got %v, want a permanent %v", tc.name, err, tc.want)
		}
	}
}

// The budget is wall-clock time, which a paused process overruns on a good
// page: an overrun is retried by the runner, not dead-lettered at once.
func TestOverBudgetIsRetriable(t *testing.T) {
	big := "<html><body><article>" + strings.Repeat("<p>The council met on Tuesday to discuss the budget for the new school year.</p>", 2000) + "</article></body></html>"
	_, err := New(Options{Budget: time.Nanosecond}).Process(context.Background(), pipeline.Article{HTML: big})
	if !errors.Is(err, ErrBudget) || !pipeline.IsOverBudget(err) || pipeline.IsPermanent(err) {
		t.Fatalf("got %v, want an over-budget (not permanent) ErrBudget", err)
	}
}

func TestPanicIsPermanent(t *testing.T) {
	defer func(f func(string, time.Time) (page, error)) { htmlPath = f }(htmlPath)
	htmlPath = func(string, time.Time) (page, error) { panic("boom") }
	_, err := New(Options{}).Process(context.Background(), pipeline.Article{HTML: "<p>x</p>"})
	if !errors.Is(err, ErrPanic) || !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v, want a permanent ErrPanic", err)
	}
}

func TestCancelledContextIsRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(Options{}).Process(ctx, pipeline.Article{HTML: articleHTML})
	if err == nil || pipeline.IsPermanent(err) {
		t.Fatalf("got %v, want a retryable error", err)
	}
}

// TestConcurrent runs one Cleaner from many goroutines (go test -race).
func TestConcurrent(t *testing.T) {
	c := New(Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				in := pipeline.Article{Schema: 1, HTML: articleHTML}
				if i%2 == 1 {
					in = pipeline.Article{Schema: 1, Text: "Stay up to date with notifications. Not now Yes please\nThe talks ended without agreement on Monday, officials in Geneva said after a long day of meetings."}
				}
				if _, err := c.Process(context.Background(), in); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
