// Package enrichersvc wires the enricher's logic — the entity model, the
// enrichment and the shared story memory — into a pipeline stage: the part
// of the enricher service that the service binary and the all-in-one
// newsflow binary share.
package enrichersvc

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/svc"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/ner"
	"github.com/newsflow/newsflow/services/enricher/storykv"
)

// Version is recorded in every article the enricher passes.
const Version = "1.0.0"

// Options are the enricher's own settings.
type Options struct {
	// StoryBucket is the JetStream KV bucket where every replica of the
	// enricher remembers recent articles to link stories and copies.
	StoryBucket   string
	StoryTTL      time.Duration
	StoryReplicas int
	// StoryWindow: articles published further apart are never linked.
	StoryWindow time.Duration
}

// DefaultOptions returns the defaults the flags start from.
func DefaultOptions() Options {
	return Options{StoryBucket: storykv.DefaultBucket, StoryTTL: 7 * 24 * time.Hour, StoryReplicas: 1, StoryWindow: 72 * time.Hour}
}

// RegisterFlags binds o to flags on fs.
func (o *Options) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.StoryBucket, "story-bucket", o.StoryBucket, "KV bucket remembering recent articles for story and copy linking")
	fs.DurationVar(&o.StoryTTL, "story-ttl", o.StoryTTL, "how long an article is remembered for linking")
	fs.IntVar(&o.StoryReplicas, "story-replicas", o.StoryReplicas, "replicas of the story bucket (3 on a clustered JetStream)")
	fs.DurationVar(&o.StoryWindow, "story-window", o.StoryWindow, "articles published further apart than this are never linked")
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	var errs []error
	if o.StoryBucket == "" {
		errs = append(errs, errors.New("story-bucket is empty"))
	}
	if o.StoryWindow <= 0 || o.StoryTTL < o.StoryWindow {
		errs = append(errs, fmt.Errorf("story-ttl (%s) must be at least story-window (%s), which must be positive", o.StoryTTL, o.StoryWindow))
	}
	if o.StoryReplicas < 1 || o.StoryReplicas > 5 {
		errs = append(errs, fmt.Errorf("story-replicas %d: want 1 to 5", o.StoryReplicas))
	}
	return errors.Join(errs...)
}

// Build loads the entity model, opens the story memory and wires the
// enricher stage: clean subject in, enriched subject out.
func Build(ctx context.Context, o Options, log *zap.Logger, js jetstream.JetStream) (svc.Service, error) {
	model, err := ner.Load()
	if err != nil {
		return svc.Service{}, fmt.Errorf("enricher: entity model: %w", err)
	}
	// NATS may be down or electing at start: wait for it, don't exit.
	var mem *storykv.Memory
	err = svc.Retry(ctx, log, "story memory", func(ctx context.Context) (err error) {
		mem, err = storykv.New(ctx, js, storykv.Config{Bucket: o.StoryBucket, TTL: o.StoryTTL, Replicas: o.StoryReplicas})
		return err
	})
	if err != nil {
		return svc.Service{}, fmt.Errorf("enricher: %w", err)
	}
	e, err := enrich.New(enrich.Options{Recognizer: model, Memory: mem, Logger: log, StoryWindow: o.StoryWindow})
	if err != nil {
		return svc.Service{}, fmt.Errorf("enricher: %w", err)
	}
	return svc.Service{Stages: []*runner.Stage{{
		Name:    pipeline.StageEnricher,
		From:    pipeline.SubjectClean,
		To:      pipeline.SubjectEnriched,
		Version: Version,
		Func:    e.Process,
		Log:     log,
	}}}, nil
}
