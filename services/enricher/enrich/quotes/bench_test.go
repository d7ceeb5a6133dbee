package quotes_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/capnames"
	"github.com/newsflow/newsflow/services/enricher/enrich/quotes"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// BenchmarkFind is Find alone on the first 200 articles of the PolNeAR
// development set (../shared; skipped when absent), entities from the
// fallback recogniser, prepared outside the timer.
func BenchmarkFind(b *testing.B) {
	files, _ := filepath.Glob("../../../../../shared/enrich/quotes/inputs/*.json")
	if len(files) == 0 {
		b.Skip("no ../shared/enrich/quotes")
	}
	if len(files) > 200 {
		files = files[:200]
	}
	type prepared struct {
		d    *tokens.Doc
		ents []*canon.Entity
	}
	var docs []prepared
	bytes := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var env struct{ Text string }
		if err := json.Unmarshal(raw, &env); err != nil {
			b.Fatal(err)
		}
		d := tokens.Parse(env.Text)
		var ms []canon.Mention
		for _, s := range capnames.New(nil).RecognizeDoc(d) {
			ms = append(ms, canon.Mention{Start: s.Start, End: s.End, Type: s.Type})
		}
		docs = append(docs, prepared{d, canon.NewResolver(nil).Resolve(env.Text, ms, canon.Context{})})
		bytes += len(env.Text)
	}
	b.SetBytes(int64(bytes))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range docs {
			quotes.Find(p.d, p.ents)
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "articles/s")
}
