package canon_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon/canontest"
)

// BenchmarkLocalMemoryHeap measures what a LocalMemory holding n entities
// costs in memory (heap-MB, bytes/entity) and how long linking an article
// against it takes. docs/BENCHMARKS.md records it:
//
//	go test ./enrich/canon -run '^$' -bench LocalMemoryHeap -benchtime 2000x
func BenchmarkLocalMemoryHeap(b *testing.B) {
	r := canon.NewResolver(nil)
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			m := canon.NewLocalMemory(n)
			canontest.Fill(b, m, n)
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				canontest.Resolve(b, r, m, i%len(canontest.Articles))
			}
			b.ReportMetric(heap/(1<<20), "heap-MB")
			b.ReportMetric(heap/float64(n), "B/entity")
			runtime.KeepAlive(m)
		})
	}
}
