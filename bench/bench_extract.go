package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/newsflow/newsflow/bench/extractbench"
)

// benchExtractCmd is `newsflow-bench extract DIR...`: the cleaner against
// go-trafilatura, readeck and go-readability on any directory in either
// benchmark layout of ../shared/extraction, F1/precision/recall by the
// benchmark's own scoring and pages/s on one core.
func benchExtractCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "extract", "DIR...")
	var o extractbench.Options
	extractors := fs.String("extractors", "", "comma-separated extractors to run (default all: "+strings.Join(extractbench.AllExtractors, ",")+")")
	fs.StringVar(&o.Predictions, "predictions", "", "write the cleaner's output to this file in the benchmark's published format")
	fs.IntVar(&o.Rounds, "rounds", 3, "timed passes per extractor; the fastest counts")
	fs.IntVar(&o.Limit, "limit", 0, "use only the first N pages")
	fs.BoolVar(&o.PerPage, "per-page", false, "list the cleaner's imperfect pages, worst first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *extractors != "" {
		o.Extractors = strings.Split(*extractors, ",")
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: newsflow-bench extract [flags] DIR... (e.g. ../shared/extraction/scrapinghub)", errUsage)
	}
	for i, dir := range fs.Args() {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if err := extractbench.Run(ctx, e.stdout, dir, o); err != nil {
			return err
		}
	}
	return nil
}
