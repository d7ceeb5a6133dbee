package enrich_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/capnames"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

// noNames is a recogniser that finds nothing: Process without any name
// recognition measures the enrichment layer's own cost.
type noNames struct{}

func (noNames) Recognize(string) []ner.Span { return nil }

// countTokens counts tokens the way NER speed is quoted: each run of
// letters and digits is one, and so is each other character that is not a
// space (CoNLL tokenisation, style sheets included).
func countTokens(text string) int {
	n, inWord := 0, false
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n++
			}
			inWord = true
		case unicode.IsSpace(r):
			inWord = false
		default:
			n++
			inWord = false
		}
	}
	return n
}

// BenchmarkProcess enriches the five seeds (one op = all five) with each
// recogniser, reporting articles/s and tokens/s by wall clock and by CPU
// time (the machine is shared; CPU time is steadier). docs/BENCHMARKS.md
// records it at GOMAXPROCS=1:
//
//	GOMAXPROCS=1 go test ./enrich -run '^$' -bench 'Process$' -benchmem -count 6
func BenchmarkProcess(b *testing.B) {
	ss := seeds(b)
	tokens := 0
	for _, s := range ss {
		tokens += countTokens(s.a.Text)
	}
	for _, r := range []struct {
		name string
		rec  enrich.Recognizer
	}{
		{"recognizer=none", noNames{}},
		{"recognizer=capnames", capnames.New(nil)},
		{"recognizer=ner", mustNER(b)},
		{"ner-alone", nil}, // the model's Recognize only, for the ratio
	} {
		b.Run(r.name, func(b *testing.B) {
			if r.rec == nil {
				m := mustNER(b)
				cpu0 := cputime.Now()
				for b.Loop() {
					for _, s := range ss {
						m.Recognize(s.a.Text)
					}
				}
				cpu := (cputime.Now() - cpu0).Seconds()
				b.ReportMetric(float64(len(ss)*b.N)/b.Elapsed().Seconds(), "articles/s")
				b.ReportMetric(float64(tokens*b.N)/b.Elapsed().Seconds(), "tokens/s")
				b.ReportMetric(float64(tokens*b.N)/cpu, "tokens/cpu-s")
				return
			}
			e, err := enrich.New(enrich.Options{Recognizer: r.rec})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			cpu0 := cputime.Now()
			for b.Loop() {
				for _, s := range ss {
					a := s.a
					a.ID = fmt.Sprintf("%s-%d", s.name, i) // a new article each time: linking does its full work
					if _, err := e.Process(ctx, a); err != nil {
						b.Fatal(err)
					}
				}
				i++
			}
			cpu := (cputime.Now() - cpu0).Seconds()
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(len(ss)*b.N)/sec, "articles/s")
			b.ReportMetric(float64(tokens*b.N)/sec, "tokens/s")
			if cpu > 0 {
				b.ReportMetric(float64(tokens*b.N)/cpu, "tokens/cpu-s")
			}
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
		})
	}
}

func mustNER(b *testing.B) *ner.Model {
	m, err := ner.Load()
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkProcessParallel runs Process on all procs at once: the enricher
// is shared by a stage's workers.
func BenchmarkProcessParallel(b *testing.B) {
	ss := seeds(b)
	e, err := enrich.New(enrich.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			a := ss[i%len(ss)].a
			a.ID = fmt.Sprintf("p%p-%d", pb, i)
			if _, err := e.Process(context.Background(), a); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkProcessAdversarial enriches 60-100 KB texts built to hit
// quadratic paths (one endless capitalised run, thousands of quotations,
// persons, sentences, paragraphs): each must stay linear in its size.
func BenchmarkProcessAdversarial(b *testing.B) {
	cases := []struct{ name, text string }{
		{"caps", strings.Repeat("Alpha Beta Gamma Delta ", 3000)},
		{"acronym", "XYZQ " + strings.Repeat("Alpha Beta of Gamma and Delta ", 2000)},
		{"quotes", strings.Repeat("“Mr Smith said,” he said. ", 2500)},
		{"persons", strings.Repeat("Anna Kowalczyk met Piotr Nowak and Ms Nowak. ", 1400)},
		{"sentences", strings.Repeat("We support you. ", 4000)},
		{"marks", strings.Repeat("‘a’ “b” \"c\" 'd' ", 4000)},
		{"paragraphs", strings.Repeat("Nato\n", 12000)},
	}
	pub := time.Date(2022, 1, 12, 0, 0, 0, 0, time.UTC)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e, err := enrich.New(enrich.Options{MaxTextBytes: 1 << 20})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(c.text)))
			i := 0
			for b.Loop() {
				a := pipeline.Article{ID: fmt.Sprint(i), Text: c.text, PublishedAt: &pub}
				if _, err := e.Process(context.Background(), a); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
