package extract

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline/charset"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// loadPages reads every page of a benchmark split, decoded to UTF-8.
func loadPages(tb testing.TB, split string) (pages []string, size int64) {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(shareddata.Path(tb, "extraction", split, "html"), "*.gz"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no pages in %s: %v", split, err)
	}
	for _, f := range files {
		b, err := shareddata.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		page, _ := charset.Decode(string(b))
		pages = append(pages, page)
		size += int64(len(page))
	}
	return pages, size
}

func benchmarkSplit(b *testing.B, split string) {
	pages, size := loadPages(b, split)
	b.SetBytes(size / int64(len(pages)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Extract(pages[i%len(pages)], time.Time{})
	}
}

// BenchmarkExtract is one page per op, cycling through each split.
func BenchmarkExtractScrapinghub(b *testing.B) { benchmarkSplit(b, "scrapinghub") }
func BenchmarkExtractTrafilatura(b *testing.B) { benchmarkSplit(b, "trafilatura") }
