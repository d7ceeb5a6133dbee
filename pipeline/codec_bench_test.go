package pipeline_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/pipeline/shareddata"

	// Measured as newsflow's binaries run (see package noavx2).
	_ "github.com/newsflow/newsflow/pipeline/noavx2"
)

func seedArticles(b *testing.B) [][]byte {
	var out [][]byte
	for _, p := range shareddata.Seeds(b) {
		data, _ := os.ReadFile(p)
		a, err := pipeline.DecodeRaw(data, nil)
		if err != nil {
			b.Fatal(err)
		}
		enc, _ := pipeline.EncodeArticle(&a)
		out = append(out, enc)
	}
	return out
}

// enrichedArticles are the seeds as the enricher's output looks to the
// sink and to subscribers: every capitalised word an entity mention,
// grouped into entities, plus quotes, dates and keywords — the hundreds of
// small members segmentio/encoding decodes, where the text is one string.
func enrichedArticles(b *testing.B) [][]byte {
	var out [][]byte
	for _, doc := range seedArticles(b) {
		a, err := pipeline.DecodeArticle(doc, nil)
		if err != nil {
			b.Fatal(err)
		}
		byName := map[string]int{}
		for _, loc := range capitalised.FindAllStringIndex(a.Text, -1) {
			name := a.Text[loc[0]:loc[1]]
			i, ok := byName[name]
			if !ok {
				i = len(a.Entities)
				byName[name] = i
				a.Entities = append(a.Entities, pipeline.Entity{ID: fmt.Sprintf("%016x", i), Name: name, Type: pipeline.Person, Salience: 0.5})
			}
			e := &a.Entities[i]
			e.Mentions = append(e.Mentions, pipeline.Mention{Start: loc[0], End: loc[1], Text: name})
			e.Count++
		}
		for i := 0; i+200 < len(a.Text) && len(a.Quotes) < 12; i += len(a.Text) / 12 {
			a.Quotes = append(a.Quotes, pipeline.Quote{Text: a.Text[i : i+150], Speaker: "Wendy Sherman", SpeakerID: "0000000000000001", Start: i, End: i + 150})
		}
		for i := range 10 {
			a.Dates = append(a.Dates, pipeline.DateMention{Text: "on Monday", Start: i, End: i + 9, Value: "2022-01-10"})
			a.Keywords = append(a.Keywords, pipeline.Keyword{Text: fmt.Sprintf("keyword %d", i), Score: 0.25})
		}
		enc, err := pipeline.EncodeArticle(&a)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, enc)
	}
	return out
}

var capitalised = regexp.MustCompile(`\b[A-Z][a-z]+\b`)

// cpuPerOp reports the process's CPU time per operation: on a shared,
// loaded machine wall time per op mostly measures the wait for a core.
func cpuPerOp(b *testing.B) func() {
	start := cputime.Now()
	return func() {
		b.ReportMetric(float64(cputime.Now()-start)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkDecodeArticle(b *testing.B) {
	docs := seedArticles(b)
	defer cpuPerOp(b)()
	n := 0
	for _, d := range docs {
		n += len(d)
	}
	b.SetBytes(int64(n / len(docs)))
	for i := 0; b.Loop(); i++ {
		if _, err := pipeline.DecodeArticle(docs[i%len(docs)], nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeArticle(b *testing.B) {
	docs := seedArticles(b)
	var as []pipeline.Article
	for _, d := range docs {
		a, _ := pipeline.DecodeArticle(d, nil)
		as = append(as, a)
	}
	defer cpuPerOp(b)()
	for i := 0; b.Loop(); i++ {
		if _, err := pipeline.EncodeArticle(&as[i%len(as)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEnrichedArticle decodes articles carrying entities,
// quotes, dates and keywords, as the sink does (docs/BENCHMARKS.md,
// "segmentio/asm and AVX2").
func BenchmarkDecodeEnrichedArticle(b *testing.B) {
	docs := enrichedArticles(b)
	defer cpuPerOp(b)()
	for i := 0; b.Loop(); i++ {
		if _, err := pipeline.DecodeArticle(docs[i%len(docs)], nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeArticleLibrary is the library's own decoding of the same
// documents, the yardstick for DecodeArticle.
func BenchmarkDecodeArticleLibrary(b *testing.B) {
	docs := seedArticles(b)
	defer cpuPerOp(b)()
	for i := 0; b.Loop(); i++ {
		var a pipeline.Article
		if err := json.Unmarshal(docs[i%len(docs)], &a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeArticleLibrary is the library's own encoding.
func BenchmarkEncodeArticleLibrary(b *testing.B) {
	docs := seedArticles(b)
	var as []pipeline.Article
	for _, d := range docs {
		a, _ := pipeline.DecodeArticle(d, nil)
		as = append(as, a)
	}
	defer cpuPerOp(b)()
	for i := 0; b.Loop(); i++ {
		if _, err := json.Marshal(&as[i%len(as)]); err != nil {
			b.Fatal(err)
		}
	}
}
