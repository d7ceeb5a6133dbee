package extractbench

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmentio/encoding/json"
)

const body = "Diplomats from the United States and Russia ended a day of talks in Geneva on Monday without agreement on European security."

func writeGzip(t *testing.T, path, content string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(content))
	zw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func htmlPage(text string) string {
	return `<html><body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><p>` + text + `</p></article></body></html>`
}

func TestRunScrapinghubLayout(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "html"), 0o755)
	writeGzip(t, filepath.Join(dir, "html", "a.html.gz"), htmlPage(body))
	writeGzip(t, filepath.Join(dir, "html", "b.html.gz"), htmlPage(body))
	os.WriteFile(filepath.Join(dir, "ground-truth.json"), []byte(`{"a":{"articleBody":"`+body+`","url":"https://example.com/a"},"b":{"articleBody":"`+body+`","url":"https://example.com/b"}}`), 0o644)
	pred := filepath.Join(t.TempDir(), "pred.json")

	var out bytes.Buffer
	if err := Run(context.Background(), &out, dir, Options{Extractors: []string{Newsflow}, Predictions: pred}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "benchmark scrapinghub: 2 pages") || !strings.Contains(out.String(), "newsflow  1.000      1.000   1.000     1.000") {
		t.Fatalf("unexpected table:\n%s", out.String())
	}
	var got map[string]struct{ ArticleBody string }
	b, _ := os.ReadFile(pred)
	if err := json.Unmarshal(b, &got); err != nil || got["a"].ArticleBody != body || len(got) != 2 {
		t.Fatalf("predictions %s: %v", b, err)
	}
}

func TestRunTrafilaturaLayout(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "html"), 0o755)
	writeGzip(t, filepath.Join(dir, "html", "one.html.gz"), htmlPage(body))
	os.WriteFile(filepath.Join(dir, "evaldata.json"), []byte(`{"https://example.com/one":{"file":"one.html","with":["in Geneva on Monday","not in the page"],"without":["Home","World"]}}`), 0o644)
	var out bytes.Buffer
	if err := Run(context.Background(), &out, dir, Options{Extractors: []string{Newsflow}, PerPage: true}); err != nil {
		t.Fatal(err)
	}
	// tp 1, fn 1, fp 0: P 1, R .5, F1 2/3.
	if !strings.Contains(out.String(), "benchmark trafilatura: 1 pages") || !strings.Contains(out.String(), "newsflow  0.667      1.000   0.500") {
		t.Fatalf("unexpected table:\n%s", out.String())
	}
	if !strings.Contains(out.String(), `-"not in the page"`) {
		t.Fatalf("per-page view lacks the missed snippet:\n%s", out.String())
	}
}

func TestRunErrors(t *testing.T) {
	if err := Run(context.Background(), &bytes.Buffer{}, t.TempDir(), Options{}); !errors.Is(err, ErrFormat) {
		t.Errorf("empty directory: %v", err)
	}
	if err := Run(context.Background(), &bytes.Buffer{}, t.TempDir(), Options{Extractors: []string{"nope"}}); !errors.Is(err, ErrUnknownExtractor) {
		t.Errorf("unknown extractor: %v", err)
	}
}
