package enrich_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// seed is a seed article decoded as the raw subject would decode it.
type seed struct {
	name string // "000"
	a    pipeline.Article
}

func seeds(tb testing.TB) []seed {
	tb.Helper()
	var out []seed
	for _, path := range shareddata.Seeds(tb) {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		a, err := pipeline.DecodeRaw(data, nil)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, seed{name: filepath.Base(path)[:3], a: a})
	}
	return out
}

// conllDocs returns the articles of a CoNLL file as plain text: tokens
// joined by spaces, sentences by blank lines.
func conllDocs(tb testing.TB, elem ...string) []string {
	tb.Helper()
	f, err := os.Open(shareddata.Path(tb, elem...))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var docs []string
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "-DOCSTART-"):
			if strings.TrimSpace(b.String()) != "" {
				docs = append(docs, b.String())
			}
			b.Reset()
		case l == "":
			b.WriteString("\n\n")
		default:
			w, _, _ := strings.Cut(l, " ")
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	if strings.TrimSpace(b.String()) != "" {
		docs = append(docs, b.String())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return docs
}
