package chainbench_test

import (
	"context"
	"testing"

	"github.com/newsflow/newsflow/bench/chainbench"
	"github.com/newsflow/newsflow/pipeline"
)

func payloads(tb testing.TB) [][]byte {
	text := make([]byte, 0, 8000)
	for len(text) < 7500 {
		text = append(text, "Nato’s aim is a de-escalation in the security situation in and around Ukraine, he said.\n\n"...)
	}
	doc, err := pipeline.EncodeArticle(&pipeline.Article{Schema: pipeline.SchemaVersion, ID: "x", Text: string(text)})
	if err != nil {
		tb.Fatal(err)
	}
	return [][]byte{doc}
}

// BenchmarkChain reports CPU µs per message of each chain over three hops;
// `newsflow-bench runner` compares them round by round.
func BenchmarkChain(b *testing.B) {
	for _, chain := range chainbench.Chains {
		b.Run(string(chain), func(b *testing.B) {
			r, err := chainbench.Measure(context.Background(), chain, payloads(b), max(b.N, 1000), 4)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(r.CPUPerMsg, "cpu-µs/msg")
			b.ReportMetric(r.PerSecond, "msg/s")
		})
	}
}

func TestMeasureRunsEveryChain(t *testing.T) {
	for _, chain := range chainbench.Chains {
		r, err := chainbench.Measure(context.Background(), chain, payloads(t), 200, 2)
		if err != nil || r.PerSecond <= 0 || r.CPUPerMsg <= 0 {
			t.Fatalf("%s: %+v, %v", chain, r, err)
		}
	}
}
