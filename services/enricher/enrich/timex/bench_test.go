package timex_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/timex"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// BenchmarkFind is Find on the 256 TempEval-3 dev documents with their
// publication dates (one op = all of them), read from ../shared when it
// is there.
func BenchmarkFind(b *testing.B) {
	files, _ := filepath.Glob("../../../../../shared/enrich/timex/inputs/*.json")
	if len(files) == 0 {
		b.Skip("no ../shared/enrich/timex")
	}
	var docs []*tokens.Doc
	var pubs []*time.Time
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		var e struct {
			Text        string `json:"text"`
			PublishedAt string `json:"published_at"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			b.Fatal(err)
		}
		var pub *time.Time
		if t, err := time.Parse(time.DateOnly, e.PublishedAt); err == nil {
			pub = &t
		}
		docs = append(docs, tokens.Parse(e.Text))
		pubs = append(pubs, pub)
	}
	for b.Loop() {
		for i, d := range docs {
			timex.Find(d, pubs[i])
		}
	}
}
