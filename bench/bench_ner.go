package main

import (
	"context"
	"fmt"

	"github.com/newsflow/newsflow/bench/nerbench"
)

// benchNERCmd is `newsflow-bench ner FILE`: conlleval scores and tokens/s
// on one core of the entity model, beside prose/v2, on any CoNLL file.
func benchNERCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ner", "FILE")
	var o nerbench.Options
	fs.DurationVar(&o.MinTime, "min-time", 0, "how long each tagger re-tags the file for its speed figure (0: 2s)")
	fs.BoolVar(&o.SkipProse, "skip-prose", false, "leave prose/v2 out")
	fs.BoolVar(&o.Report, "report", false, "also print each tagger's full conlleval report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: newsflow-bench ner [flags] FILE (CoNLL format, e.g. ../shared/ner/conll2003/eng.testa)", errUsage)
	}
	return nerbench.Run(ctx, e.stdout, fs.Arg(0), o)
}
