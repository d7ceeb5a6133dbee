// Package extractbench measures the cleaner's article extraction against
// the best Go extractors — go-trafilatura, readeck's go-readability and
// go-shiori's go-readability — on the public extraction benchmarks, in one
// run and on one core, so quality and speed are compared side by side on
// the same machine at the same moment.
//
// Run takes a directory in either layout of ../shared/extraction
// (Scrapinghub's article-extraction-benchmark or trafilatura's evaluation
// set), detects which, and scores every extractor with that benchmark's
// own method.
package extractbench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	readeck "codeberg.org/readeck/go-readability/v2"
	shiori "github.com/go-shiori/go-readability"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/services/cleaner/clean"
)

// Names of the extractors Run knows.
const (
	Newsflow      = "newsflow"
	GoTrafilatura = "go-trafilatura"
	Readeck       = "readeck"
	GoReadability = "go-readability"
)

// AllExtractors is every extractor, the cleaner first.
var AllExtractors = []string{Newsflow, GoTrafilatura, Readeck, GoReadability}

// Options configures Run. The zero value runs every extractor once.
type Options struct {
	// Extractors to run, by name (see AllExtractors); empty runs all.
	Extractors []string
	// Predictions, when set, is a file Run writes the cleaner's output to,
	// in the benchmark's published format: {id: {"articleBody": text}}.
	Predictions string
	// Rounds is how many timed passes each extractor makes over the pages;
	// the fastest is reported. Below 1 means 1.
	Rounds int
	// Limit, when positive, uses only the first Limit pages (by id).
	Limit int
	// PerPage writes the cleaner's score on every page after the table,
	// worst first: the view to debug extraction with.
	PerPage bool
	// Cleaner configures the cleaner under test; its zero value is the
	// cleaner's defaults.
	Cleaner clean.Options
}

// ErrUnknownExtractor reports a name in Options.Extractors Run does not know.
var ErrUnknownExtractor = errors.New("unknown extractor")

// Result is one extractor's figures on one benchmark.
type Result struct {
	Extractor string
	Scores
	// PagesPerSec is pages per second of wall-clock time on one core;
	// CPUPagesPerSec per second of CPU time the process used, which a
	// busy shared machine disturbs less. Both take the fastest round.
	PagesPerSec, CPUPagesPerSec float64
	Errors                      int
	texts                       []string
	failed                      []bool
}

// Run benchmarks the extractors on the pages in dir and writes a table to w.
func Run(ctx context.Context, w io.Writer, dir string, opts Options) error {
	names := opts.Extractors
	if len(names) == 0 {
		names = AllExtractors
	}
	for _, n := range names {
		if !slices.Contains(AllExtractors, n) {
			return fmt.Errorf("%w %q (have %s)", ErrUnknownExtractor, n, strings.Join(AllExtractors, ", "))
		}
	}
	ds, err := loadDataset(dir)
	if err != nil {
		return err
	}
	if opts.Limit > 0 && opts.Limit < len(ds.Pages) {
		ds.Pages = ds.Pages[:opts.Limit]
	}

	var results []*Result
	for _, name := range names {
		r, err := runExtractor(ctx, name, ds, opts)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if err := writeTable(w, ds, results); err != nil {
		return err
	}
	for _, r := range results {
		if r.Extractor != Newsflow {
			continue
		}
		if opts.Predictions != "" {
			if err := writePredictions(opts.Predictions, ds, r); err != nil {
				return err
			}
		}
		if opts.PerPage {
			writePerPage(w, ds, r)
		}
	}
	return nil
}

// extractFunc turns one page into text. Each is called with
// GOMAXPROCS(1), so the timing is one core's.
type extractFunc func(ctx context.Context, p *page) (string, error)

func newExtractor(name string, opts Options) extractFunc {
	switch name {
	case Newsflow:
		c := clean.New(opts.Cleaner)
		return func(ctx context.Context, p *page) (string, error) {
			a, err := c.Process(ctx, pipeline.Article{Schema: pipeline.SchemaVersion, URL: p.URL, HTML: p.html})
			return a.Text, err
		}
	case GoTrafilatura:
		return func(_ context.Context, p *page) (string, error) {
			res, err := trafilatura.Extract(bytes.NewReader(p.HTML), trafilatura.Options{OriginalURL: p.parsedURL})
			if err != nil {
				return "", err
			}
			return res.ContentText, nil
		}
	case Readeck:
		return func(_ context.Context, p *page) (string, error) {
			art, err := readeck.FromReader(bytes.NewReader(p.HTML), p.parsedURL)
			if err != nil {
				return "", err
			}
			var b strings.Builder
			if art.Node != nil {
				if err := art.RenderText(&b); err != nil {
					return "", err
				}
			}
			return b.String(), nil
		}
	case GoReadability:
		return func(_ context.Context, p *page) (string, error) {
			art, err := shiori.FromReader(bytes.NewReader(p.HTML), p.parsedURL)
			return art.TextContent, err
		}
	}
	panic("unreachable: names are checked in Run")
}

// runExtractor extracts every page Rounds times on one core, keeping the
// texts of the first pass and the fastest pass's time.
func runExtractor(ctx context.Context, name string, ds *dataset, opts Options) (*Result, error) {
	extract := newExtractor(name, opts)
	r := &Result{Extractor: name, texts: make([]string, len(ds.Pages)), failed: make([]bool, len(ds.Pages))}
	rounds := max(opts.Rounds, 1)

	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	best, bestCPU := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	for round := range rounds {
		runtime.GC()
		start, startCPU := time.Now(), cputime.Now()
		for i := range ds.Pages {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			text, err := safeExtract(ctx, extract, &ds.Pages[i])
			if round == 0 {
				r.texts[i], r.failed[i] = text, err != nil
				if err != nil {
					r.Errors++
				}
			}
		}
		best = min(best, time.Since(start))
		bestCPU = min(bestCPU, cputime.Now()-startCPU)
	}
	r.PagesPerSec = float64(len(ds.Pages)) / best.Seconds()
	if bestCPU > 0 {
		r.CPUPagesPerSec = float64(len(ds.Pages)) / bestCPU.Seconds()
	}
	r.Scores = score(ds, r)
	return r, nil
}

// safeExtract turns a peer's panic into an error: one bad page must not
// end the run.
func safeExtract(ctx context.Context, extract extractFunc, p *page) (text string, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return extract(ctx, p)
}

func score(ds *dataset, r *Result) Scores {
	switch ds.Format {
	case Scrapinghub:
		pages := make([]shingleCounts, len(ds.Pages))
		exact := 0
		for i, p := range ds.Pages {
			c, ok := scrapinghubPage(p.Truth, r.texts[i])
			pages[i] = c
			if ok {
				exact++
			}
		}
		return scrapinghubScores(pages, exact)
	default:
		var pooled snippetCounts
		for i, p := range ds.Pages {
			pooled.add(trafilaturaPage(r.texts[i], p.With, p.Without, r.failed[i]))
		}
		return trafilaturaScores(pooled)
	}
}

func writeTable(w io.Writer, ds *dataset, results []*Result) error {
	fmt.Fprintf(w, "benchmark %s: %d pages in %s (GOMAXPROCS=1 while timing)\n\n", ds.Format, len(ds.Pages), ds.Dir)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "extractor\tF1\tprecision\trecall\t"
	if ds.Format == Scrapinghub {
		header += "accuracy\t"
	}
	fmt.Fprintln(tw, header+"pages/s\tcpu pages/s\terrors\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t", r.Extractor, r.F1, r.Precision, r.Recall)
		if ds.Format == Scrapinghub {
			fmt.Fprintf(tw, "%.3f\t", r.Accuracy)
		}
		fmt.Fprintf(tw, "%.0f\t%.0f\t%d\t\n", r.PagesPerSec, r.CPUPagesPerSec, r.Errors)
	}
	return tw.Flush()
}

func writePredictions(path string, ds *dataset, r *Result) error {
	type body struct {
		ArticleBody string `json:"articleBody"`
	}
	out := make(map[string]body, len(ds.Pages))
	for i, p := range ds.Pages {
		out[p.ID] = body{r.texts[i]}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writePerPage lists the cleaner's pages worst first with what it got
// wrong, for debugging.
func writePerPage(w io.Writer, ds *dataset, r *Result) {
	type row struct {
		id     string
		p, rec float64
		detail string
	}
	rows := make([]row, len(ds.Pages))
	for i, p := range ds.Pages {
		switch ds.Format {
		case Scrapinghub:
			c, _ := scrapinghubPage(p.Truth, r.texts[i])
			rows[i] = row{id: p.ID, p: ratio(c.tp, c.tp+c.fp), rec: ratio(c.tp, c.tp+c.fn)}
		default:
			c := trafilaturaPage(r.texts[i], p.With, p.Without, r.failed[i])
			var miss []string
			norm := collapseSpace(r.texts[i])
			for _, s := range p.With {
				if !strings.Contains(norm, collapseSpace(s)) {
					miss = append(miss, "-"+quoteShort(s))
				}
			}
			for _, s := range p.Without {
				if strings.Contains(norm, collapseSpace(s)) {
					miss = append(miss, "+"+quoteShort(s))
				}
			}
			rows[i] = row{id: p.ID, p: ratio(float64(c.tp), float64(c.tp+c.fp)), rec: ratio(float64(c.tp), float64(c.tp+c.fn)), detail: strings.Join(miss, " ")}
		}
		if r.failed[i] {
			rows[i].detail = "FAILED " + rows[i].detail
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].p+rows[i].rec < rows[j].p+rows[j].rec })
	fmt.Fprintf(w, "\nper page (%s), worst first: precision recall id\n", r.Extractor)
	for _, x := range rows {
		if x.p == 1 && x.rec == 1 {
			continue
		}
		fmt.Fprintf(w, "%.3f %.3f %s %s\n", x.p, x.rec, x.id, x.detail)
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 1
	}
	return a / b
}

func quoteShort(s string) string {
	s = collapseSpace(s)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func parseURL(s string) *url.URL {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil
	}
	return u
}
