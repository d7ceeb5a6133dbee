// Package enrichersvc wires the enricher's logic into a pipeline stage: the
// part of the enricher service that the service binary and the all-in-one
// newsflow binary share.
package enrichersvc

import (
	"context"
	"flag"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/svc"
)

// Version is recorded in every article the enricher passes.
const Version = "0.1.0"

// Options are the enricher's own settings.
type Options struct{}

// DefaultOptions returns the defaults the flags start from.
func DefaultOptions() Options { return Options{} }

// RegisterFlags binds o to flags on fs.
func (o *Options) RegisterFlags(*flag.FlagSet) {}

// Validate reports settings that cannot work.
func (o Options) Validate() error { return nil }

// Build wires the enricher stage: clean subject in, enriched subject out.
// Until entity, quote and date extraction land (issue #4) it passes
// articles through unchanged.
func Build(_ context.Context, _ Options, log *zap.Logger, _ jetstream.JetStream) (svc.Service, error) {
	return svc.Service{Stages: []*runner.Stage{{
		Name:    pipeline.StageEnricher,
		From:    pipeline.SubjectClean,
		To:      pipeline.SubjectEnriched,
		Version: Version,
		Func:    func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil },
		Log:     log,
	}}}, nil
}
