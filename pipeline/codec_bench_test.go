package pipeline_test

import (
	"os"
	"testing"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/pipeline/shareddata"
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
