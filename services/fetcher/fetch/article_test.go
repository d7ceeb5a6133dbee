package fetch

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

func TestArticleFromAPageCarriesTheFeedMetadata(t *testing.T) {
	c := New(testOptions())
	fetched := time.Date(2022, 1, 14, 12, 0, 0, 0, time.UTC)
	link := Link{Title: "Café crème", Published: ts("2022-01-14T06:00:00Z"), Authors: []string{"Jane Roe"}, Summary: "A coffee."}
	resp := &Response{URL: "https://www.example.fr/old-path#top", ContentType: "text/html; charset=iso-8859-1",
		Body: readTestdata(t, "latin1.html"), FetchedAt: fetched}
	a, err := c.Article(resp, link, "Le Journal")
	if err != nil {
		t.Fatal(err)
	}
	wantURL := "https://www.example.fr/actualite/cafe-creme" // the page's canonical link, tracking stripped
	if a.URL != wantURL || a.ID != pipeline.ArticleID(wantURL, "") {
		t.Errorf("URL %q id %q; want the canonical %q", a.URL, a.ID, wantURL)
	}
	if !strings.Contains(a.HTML, "Un café crème.") || a.Text != "" {
		t.Errorf("body not decoded from ISO-8859-1: %q", a.HTML)
	}
	if a.Title != link.Title || a.PublishedAt != link.Published || a.Summary != link.Summary || a.Source != "Le Journal" ||
		len(a.Authors) != 1 || a.FetchedAt == nil || !a.FetchedAt.Equal(fetched) || a.Schema != pipeline.SchemaVersion {
		t.Errorf("metadata lost: %+v", a)
	}
}

// The canonical-link rule itself is tested in package pipeline (identity_test.go).

func TestArticleRefusesWhatIsNotAPage(t *testing.T) {
	c := New(testOptions())
	before := refusals(ReasonContentType)
	_, err := c.Article(&Response{URL: "https://example.com/report.pdf", ContentType: "application/pdf", Body: []byte("%PDF-1.4")}, Link{}, "")
	wantRefused(t, err, ReasonContentType)
	if refusals(ReasonContentType)-before != 1 {
		t.Fatal("content_type refusal not counted")
	}
	a, err := c.Article(&Response{URL: "https://example.com/note.txt", ContentType: "text/plain", Body: []byte("Plain news.")}, Link{}, "")
	if err != nil || a.Text != "Plain news." || a.HTML != "" {
		t.Fatalf("plain text page: %+v, %v", a, err)
	}
}

// The extraction benchmark's real pages are what the fetcher meets.
func TestArticleFromRealNewsPages(t *testing.T) {
	c := New(testOptions())
	files, _ := filepath.Glob(filepath.Join(shareddata.Path(t, "extraction", "scrapinghub", "html"), "*.html.gz"))
	if len(files) < 10 {
		t.Fatalf("only %d pages", len(files))
	}
	for _, f := range files[:10] {
		page, err := shareddata.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.Article(&Response{URL: "https://news.example.com/p/" + filepath.Base(f), ContentType: "text/html", Body: page, FetchedAt: time.Now()}, Link{}, "bench")
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if len(a.HTML) != len(page) || a.ID == "" {
			t.Errorf("%s: html %d bytes of %d, id %q", filepath.Base(f), len(a.HTML), len(page), a.ID)
		}
	}
}
