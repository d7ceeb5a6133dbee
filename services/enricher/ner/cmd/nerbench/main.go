// Command nerbench scores the entity model on a CoNLL file side by side
// with prose/v2 (see package nerbench); `newsflow bench ner FILE` does the
// same:
//
//	go run ./services/enricher/ner/cmd/nerbench ../shared/ner/conll2003/eng.testa
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/newsflow/newsflow/services/enricher/ner/nerbench"
)

func main() {
	var opts nerbench.Options
	flag.DurationVar(&opts.MinTime, "min-time", 0, "time each tagger for at least this long (default 2s)")
	flag.BoolVar(&opts.SkipProse, "skip-prose", false, "leave out prose/v2")
	flag.BoolVar(&opts.Report, "report", false, "also print conlleval reports")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: nerbench [flags] FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := nerbench.Run(ctx, os.Stdout, flag.Arg(0), opts); err != nil {
		fmt.Fprintln(os.Stderr, "nerbench:", err)
		os.Exit(1)
	}
}
