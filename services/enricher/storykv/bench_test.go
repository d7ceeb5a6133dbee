package storykv_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/storykv"
)

// BenchmarkProcessWithKV is enrich.Process on a seed-like article with
// the story memory in a JetStream bucket on an in-process server (file
// storage), against the same with the in-process LocalMemory: the cost of
// sharing the memory between replicas.
func BenchmarkProcessWithKV(b *testing.B) {
	text := "Nato and Russia began tense negotiations on Wednesday aimed at bridging wide differences over Ukraine. " +
		"“We will not allow anyone to slam Nato’s open door policy shut,” Ms Smith said, after Julianne Smith met Russian envoys in Brussels. " +
		"Wendy Sherman briefed the allies in Geneva on Monday; Sergei Ryabkov said Moscow wanted guarantees."
	s := startServer(b)
	for _, m := range []struct {
		name string
		mem  func() enrich.Memory
	}{
		{"memory=local", func() enrich.Memory { return enrich.NewMemory(enrich.MemoryOptions{}) }},
		{"memory=kv", func() enrich.Memory {
			return newMemory(b, connect(b, s), storykv.Config{Stream: fmt.Sprintf("bench%d", b.N)})
		}},
	} {
		b.Run(m.name, func(b *testing.B) {
			e, err := enrich.New(enrich.Options{Memory: m.mem()})
			if err != nil {
				b.Fatal(err)
			}
			// Warm up outside the timing: the first Process loads the
			// gazetteer and lexicons, which would count against whichever
			// sub-benchmark runs first.
			if _, err := e.Process(context.Background(), pipeline.Article{ID: "warmup", Text: "Warm-up in Geneva."}); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				a := pipeline.Article{ID: fmt.Sprintf("%x", i), Text: fmt.Sprintf("%s Update %d.", text, i%7)}
				if _, err := e.Process(context.Background(), a); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}
