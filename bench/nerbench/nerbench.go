// Package nerbench scores newsflow's entity model against any CoNLL-format
// file, side by side with github.com/jdkato/prose/v2 in the same run:
// conlleval precision, recall and F1 overall and per type, and tokens per
// second on one core. It backs `newsflow-bench ner FILE`.
package nerbench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	prose "github.com/jdkato/prose/v2"

	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/services/enricher/ner"
	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

// Options controls Run.
type Options struct {
	// MinTime is how long each tagger keeps re-tagging the file for its
	// speed figure (it is scored on the first pass). Default 2s; prose,
	// being slow, usually needs one pass.
	MinTime time.Duration
	// SkipProse leaves prose out.
	SkipProse bool
	// Report also writes each tagger's full conlleval report.
	Report bool
}

// Result is one tagger's figures.
type Result struct {
	Name      string
	Score     conll.Score
	Tokens    int           // tokens tagged in the timed passes
	Elapsed   time.Duration // wall-clock time spent tagging them
	CPU       time.Duration // CPU time spent tagging them (0 where unknown)
	Load      time.Duration // time to load the model
	HeapBytes uint64        // live heap the loaded model holds
}

// TokensPerSecond is the tagging speed in wall-clock time.
func (r Result) TokensPerSecond() float64 { return perSecond(r.Tokens, r.Elapsed) }

// TokensPerCPUSecond is the tagging speed per second of CPU time: with
// GOMAXPROCS=1, the speed of one core, less disturbed than wall-clock time
// by other processes sharing the machine. Without a CPU clock it is the
// wall-clock speed.
func (r Result) TokensPerCPUSecond() float64 {
	if r.CPU <= 0 {
		return r.TokensPerSecond()
	}
	return perSecond(r.Tokens, r.CPU)
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// tagger tags one document's sentences with IOB tags of the CoNLL types.
type tagger struct {
	name string
	load func() (tagDoc func(sentences [][]string) [][]string, err error)
}

// Run reads the CoNLL file, tags it with newsflow's model and with prose,
// and writes the comparison table to w. Speed is measured with GOMAXPROCS
// set to 1, so the figures are for one core.
func Run(ctx context.Context, w io.Writer, file string, opts Options) error {
	if opts.MinTime <= 0 {
		opts.MinTime = 2 * time.Second
	}
	docs, err := conll.ReadFile(file)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("nerbench: %s holds no sentences", file)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	taggers := []tagger{{
		name: "newsflow",
		load: func() (func([][]string) [][]string, error) {
			m, err := ner.Load()
			if err != nil {
				return nil, err
			}
			return m.TagDocument, nil
		},
	}}
	if !opts.SkipProse {
		taggers = append(taggers, tagger{name: "prose/v2", load: loadProse})
	}
	var results []Result
	for _, t := range taggers {
		r, err := measure(ctx, t, docs, opts.MinTime)
		if err != nil {
			return fmt.Errorf("nerbench: %s: %w", t.name, err)
		}
		results = append(results, r)
	}
	return writeTable(w, file, docs, results, opts.Report)
}

// measure loads a tagger, scores it on the first pass over docs and times
// passes until minTime has passed.
func measure(ctx context.Context, t tagger, docs []conll.Document, minTime time.Duration) (Result, error) {
	r := Result{Name: t.name}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	began := time.Now()
	tag, err := t.load()
	if err != nil {
		return r, err
	}
	r.Load = time.Since(began)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapAlloc > before.HeapAlloc {
		r.HeapBytes = after.HeapAlloc - before.HeapAlloc
	}

	words := make([][][]string, len(docs))
	for i, d := range docs {
		for _, s := range d.Sentences {
			words[i] = append(words[i], s.Words)
		}
	}
	tags := make([][][]string, len(docs))
	for pass := 0; pass == 0 || r.Elapsed < minTime; pass++ {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		began, cpu := time.Now(), cputime.Now()
		for i := range docs {
			tags[i] = tag(words[i])
		}
		r.Elapsed += time.Since(began)
		r.CPU += cputime.Now() - cpu
		for _, d := range docs {
			r.Tokens += d.Tokens()
		}
		if pass > 0 {
			continue
		}
		for i, d := range docs {
			for k, s := range d.Sentences {
				if err := r.Score.Add(s.Tags, tags[i][k]); err != nil {
					return r, err
				}
			}
		}
	}
	return r, nil
}

func writeTable(w io.Writer, file string, docs []conll.Document, results []Result, report bool) error {
	sentences, tokens := 0, 0
	for _, d := range docs {
		sentences += len(d.Sentences)
		tokens += d.Tokens()
	}
	fmt.Fprintf(w, "NER on %s: %d documents, %d sentences, %d tokens, %d entities; speed on one core (GOMAXPROCS=1), %s/%s\n\n",
		file, len(docs), sentences, tokens, results[0].Score.Overall.Gold, runtime.GOOS, runtime.GOARCH)

	types := []string{"PER", "ORG", "LOC", "MISC"}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"tagger", "P", "R", "F1"}
	for _, t := range types {
		header = append(header, t+" P", t+" R", t+" F1")
	}
	header = append(header, "tokens/s", "tokens/CPU-s", "load", "heap")
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, r := range results {
		o := r.Score.Overall
		row := []string{r.Name, pct(o.Precision()), pct(o.Recall()), pct(o.F1())}
		for _, t := range types {
			c := r.Score.ByType[t]
			row = append(row, pct(c.Precision()), pct(c.Recall()), pct(c.F1()))
		}
		row = append(row, fmt.Sprintf("%.0f", r.TokensPerSecond()), fmt.Sprintf("%.0f", r.TokensPerCPUSecond()), r.Load.Round(time.Millisecond).String(),
			fmt.Sprintf("%.1f MB", float64(r.HeapBytes)/(1<<20)))
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(results) > 1 && results[1].TokensPerSecond() > 0 && results[1].TokensPerCPUSecond() > 0 {
		a, b := results[0], results[1]
		fmt.Fprintf(w, "\n%s/%s: speed %.1fx (wall clock), %.1fx (CPU time); F1 %+.2f points.\n", a.Name, b.Name,
			a.TokensPerSecond()/b.TokensPerSecond(), a.TokensPerCPUSecond()/b.TokensPerCPUSecond(),
			100*(a.Score.Overall.F1()-b.Score.Overall.F1()))
	}
	if report {
		for _, r := range results {
			fmt.Fprintf(w, "\n%s (conlleval):\n", r.Name)
			if err := r.Score.WriteReport(w); err != nil {
				return err
			}
		}
	}
	return nil
}

func pct(v float64) string { return fmt.Sprintf("%.2f", 100*v) }

// loadProse builds prose's model once: without UsingModel every
// NewDocument decodes the model again, which would time the decoding.
// prose's types map onto CoNLL's as PERSON→PER, ORGANIZATION→ORG and
// GPE, GSP, LOCATION, FACILITY→LOC; it has no MISC.
func loadProse() (func([][]string) [][]string, error) {
	model := prose.ModelFromData("en")
	return func(sentences [][]string) [][]string {
		out := make([][]string, len(sentences))
		for i, words := range sentences {
			out[i] = proseTags(model, words)
		}
		return out
	}, nil
}

// proseTags tags one sentence with prose and maps its entities back onto
// the sentence's words. prose tokenises the joined sentence itself, so an
// entity is located by its characters, ignoring spaces, in order.
func proseTags(model *prose.Model, words []string) []string {
	tags := make([]string, len(words))
	for i := range tags {
		tags[i] = "O"
	}
	// The sentence without spaces, and the word each character belongs to.
	var packed strings.Builder
	var wordOf []int
	for i, w := range words {
		packed.WriteString(w)
		for range len(w) {
			wordOf = append(wordOf, i)
		}
	}
	text := packed.String()
	doc, err := prose.NewDocument(strings.Join(words, " "), prose.UsingModel(model), prose.WithSegmentation(false))
	if err != nil {
		return tags
	}
	cursor := 0
	for _, e := range doc.Entities() {
		typ := proseType(e.Label)
		needle := strings.ReplaceAll(e.Text, " ", "")
		if typ == "" || needle == "" {
			continue
		}
		at := strings.Index(text[cursor:], needle)
		if at < 0 {
			continue
		}
		start := cursor + at
		end := start + len(needle)
		cursor = end
		first, last := wordOf[start], wordOf[end-1]
		// Two entities sharing a word cannot both be tagged; keep the first.
		if tags[first] != "O" {
			continue
		}
		for k := first; k <= last; k++ {
			tags[k] = "I-" + typ
		}
		tags[first] = "B-" + typ
	}
	return tags
}

func proseType(label string) string {
	switch label {
	case "PERSON":
		return "PER"
	case "ORGANIZATION", "ORG":
		return "ORG"
	case "GPE", "GSP", "LOCATION", "FACILITY":
		return "LOC"
	}
	return ""
}
