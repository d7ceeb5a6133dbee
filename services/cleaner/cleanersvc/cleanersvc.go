// Package cleanersvc wires the clean package into a pipeline stage: the
// part of the cleaner service that the service binary and the all-in-one
// newsflow binary share.
package cleanersvc

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/claimcheck"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/cleaner/clean"
)

// Options are the cleaner's own settings.
type Options struct {
	// MaxPageBytes and PageBudget bound the work one article may cost;
	// over either it is dead-lettered with the reason.
	MaxPageBytes int
	PageBudget   time.Duration
}

// DefaultOptions returns the defaults the flags start from.
func DefaultOptions() Options {
	return Options{MaxPageBytes: clean.DefaultMaxBytes, PageBudget: clean.DefaultBudget}
}

// RegisterFlags binds o to flags on fs.
func (o *Options) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&o.MaxPageBytes, "max-page-bytes", o.MaxPageBytes, "largest page the cleaner accepts; larger ones are dead-lettered")
	fs.DurationVar(&o.PageBudget, "page-budget", o.PageBudget, "wall-clock time one page may take to clean; slower ones are retried, and dead-lettered if slow on every delivery")
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	if o.MaxPageBytes < 1024 {
		return fmt.Errorf("max-page-bytes %d: want at least 1024", o.MaxPageBytes)
	}
	if o.PageBudget < time.Millisecond {
		return fmt.Errorf("page-budget %s: want at least 1ms", o.PageBudget)
	}
	return nil
}

// Build wires the cleaner stage: raw subject in, clean subject out. Bodies
// too large for a message arrive as references into the object store (see
// package claimcheck) and are fetched through js before cleaning.
func Build(_ context.Context, o Options, log *zap.Logger, js jetstream.JetStream) (service.Service, error) {
	c := clean.New(clean.Options{MaxBytes: o.MaxPageBytes, Budget: o.PageBudget})
	return service.Service{Stages: []*runner.Stage{{
		Name:    pipeline.StageCleaner,
		From:    pipeline.SubjectRaw,
		To:      pipeline.SubjectClean,
		Version: clean.Version,
		Decode:  pipeline.DecodeRaw,
		Func: func(ctx context.Context, a pipeline.Article) (pipeline.Article, error) {
			if err := claimcheck.Resolve(ctx, js, &a); err != nil {
				return a, err
			}
			return c.Process(ctx, a)
		},
		Log: log,
	}}}, nil
}
