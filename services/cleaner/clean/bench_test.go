package clean

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// benchPages reads a benchmark split's raw pages.
func benchPages(tb testing.TB, split string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(shareddata.Path(tb, "extraction", split, "html"), "*.gz"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no pages in %s: %v", split, err)
	}
	pages := make([]string, 0, len(files))
	for _, f := range files {
		pages = append(pages, readGzip(tb, f))
	}
	return pages
}

func readGzip(tb testing.TB, path string) string {
	tb.Helper()
	b, err := shareddata.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// benchmarkPages processes the split's pages in turn, one page per op.
// Run with -cpu 1 for the one-core figure the extraction bench reports.
func benchmarkPages(b *testing.B, split string) {
	pages := benchPages(b, split)
	var size int
	for _, p := range pages {
		size += len(p)
	}
	c := New(Options{})
	b.SetBytes(int64(size / len(pages)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Process(context.Background(), pipeline.Article{Schema: pipeline.SchemaVersion, HTML: pages[i%len(pages)]}); err != nil && !pipeline.IsPermanent(err) && !pipeline.IsOverBudget(err) {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkProcessScrapinghub(b *testing.B) { benchmarkPages(b, "scrapinghub") }
func BenchmarkProcessTrafilatura(b *testing.B) { benchmarkPages(b, "trafilatura") }

// BenchmarkProcessScrapedText cleans the scraped seed page.
func BenchmarkProcessScrapedText(b *testing.B) {
	var text string
	for _, path := range shareddata.Seeds(b) {
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if bytes.Contains(raw, []byte("{")) {
			a, err := pipeline.DecodeRaw(raw, nil)
			if err != nil {
				b.Fatal(err)
			}
			text = a.Text
		}
	}
	c := New(Options{})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Process(context.Background(), pipeline.Article{Schema: pipeline.SchemaVersion, Text: text}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchGoldens are benchmark pages whose cleaned output is pinned: news
// in English, German, Spanish, Bengali and Japanese, a forum thread and
// a recipe.
var benchGoldens = []struct{ split, file string }{
	{"scrapinghub", "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34.html.gz"},
	{"scrapinghub", "e4c6a3b482403a8f60190ba27248cd52b250b86f5d4a8a10edcf7062c64fc3f5.html.gz"},
	{"trafilatura", "taz.de.siemens.html.gz"},
	{"trafilatura", "100noticias.com-millones.html.gz"},
	{"trafilatura", "nhk.or.jp.k100.html.gz"},
	{"trafilatura", "ukbdnews.com.23646.html.gz"},
	{"trafilatura", "villagersandheroes.com.forums.patchnotes.html.gz"},
	{"trafilatura", "lecker.de.schneewittchen.html.gz"},
}

func TestBenchmarkPages(t *testing.T) {
	for _, g := range benchGoldens {
		t.Run(g.file, func(t *testing.T) {
			page := readGzip(t, shareddata.Path(t, "extraction", g.split, "html", g.file))
			out := process(t, pipeline.Article{Schema: pipeline.SchemaVersion, HTML: page})
			golden(t, filepath.Join("bench", g.file+".golden"), render(out))
		})
	}
}
