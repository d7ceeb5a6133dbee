package enrich_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon/canontest"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

// noEntityMemory links nothing: Process without the entity memory.
type noEntityMemory struct{}

func (noEntityMemory) Recall(context.Context, []string) ([]canon.Remembered, error) { return nil, nil }
func (noEntityMemory) Remember(context.Context, []canon.Remembered) error           { return nil }

// BenchmarkEntityMemory is Process on the five seeds (one op = all five)
// with the NER model, without an entity memory and with a LocalMemory
// already holding 1,000 and 100,000 entities: what the memory adds.
// docs/BENCHMARKS.md records it:
//
//	GOMAXPROCS=1 go test ./enrich -run '^$' -bench EntityMemory -benchtime 40x -count 4
func BenchmarkEntityMemory(b *testing.B) {
	ss := seeds(b)
	model, err := ner.Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, known := range []int{-1, 1_000, 100_000} {
		name := fmt.Sprintf("known=%d", known)
		var mem canon.Memory = noEntityMemory{}
		if known < 0 {
			name = "memory=none"
		} else {
			lm := canon.NewLocalMemory(known + 1000)
			canontest.Fill(b, lm, known)
			runtime.GC() // filling's garbage is not the benchmark's
			mem = lm
		}
		b.Run(name, func(b *testing.B) {
			e, err := enrich.New(enrich.Options{Recognizer: model, Entities: mem})
			if err != nil {
				b.Fatal(err)
			}
			cpu := cputime.Now()
			i := 0
			for b.Loop() {
				for _, s := range ss {
					a := s.a
					a.ID = fmt.Sprintf("%s-%d", a.ID, i)
					if _, err := e.Process(context.Background(), a); err != nil {
						b.Fatal(err)
					}
				}
				i++
			}
			b.ReportMetric(float64(b.N*len(ss))/(cputime.Now()-cpu).Seconds(), "articles/cpu-s")
		})
	}
}
