// Command benchextract runs the extraction benchmark (package
// extractbench) on benchmark directories: the same as
// `newsflow bench extract`, for working on the cleaner without the CLI.
//
//	go run ./services/cleaner/internal/benchextract [flags] DIR...
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/newsflow/newsflow/services/cleaner/extractbench"
)

func main() {
	var opts extractbench.Options
	extractors := flag.String("extractors", "", "comma-separated extractors to run (default all: "+strings.Join(extractbench.AllExtractors, ",")+")")
	flag.StringVar(&opts.Predictions, "predictions", "", "write the cleaner's output to this file in the benchmark's published format")
	flag.IntVar(&opts.Rounds, "rounds", 1, "timed passes per extractor; the fastest counts")
	flag.IntVar(&opts.Limit, "limit", 0, "use only the first N pages")
	flag.BoolVar(&opts.PerPage, "per-page", false, "list the cleaner's imperfect pages, worst first")
	flag.Parse()
	if *extractors != "" {
		opts.Extractors = strings.Split(*extractors, ",")
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchextract [flags] DIR...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	for i, dir := range flag.Args() {
		if i > 0 {
			fmt.Println()
		}
		if err := extractbench.Run(ctx, os.Stdout, dir, opts); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
