// Package enrichersvc wires the enricher's logic — the entity model, the
// enrichment, the shared story memory and the shared entity memory — into a pipeline stage: the part
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
	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/entitykv"
	"github.com/newsflow/newsflow/services/enricher/ner"
	"github.com/newsflow/newsflow/services/enricher/storykv"
)

// Version is recorded in every article the enricher passes.
const Version = "1.0.0"

// Options are the enricher's own settings.
type Options struct {
	// StoryStream is the JetStream stream through which every replica of
	// the enricher shares one story memory (package storykv).
	StoryStream string
	// StoryTTL is how long an article is remembered for linking.
	StoryTTL      time.Duration
	StoryReplicas int
	// StoryMaxArticles bounds each replica's copy of the memory.
	StoryMaxArticles int
	// StoryWindow: articles published further apart are never linked.
	StoryWindow time.Duration
	// EntityMemory is where the cross-article entity memory lives:
	// "kv" (EntityBucket, shared by every replica) or "local" (this
	// process only, at most EntityMax entities).
	EntityMemory string
	// EntityBucket is the JetStream KV bucket of the "kv" entity memory;
	// entities not named for EntityTTL are forgotten, and the bucket
	// holds at most EntityMaxBytes.
	EntityBucket   string
	EntityTTL      time.Duration
	EntityMaxBytes int64
	// EntityMax bounds the "local" entity memory.
	EntityMax int
}

// DefaultOptions returns the defaults the flags start from.
func DefaultOptions() Options {
	return Options{StoryStream: storykv.DefaultStream, StoryTTL: 7 * 24 * time.Hour, StoryReplicas: 1, StoryMaxArticles: 100_000, StoryWindow: 72 * time.Hour,
		EntityMemory: "kv", EntityBucket: entitykv.DefaultBucket, EntityTTL: 90 * 24 * time.Hour, EntityMaxBytes: 1 << 30,
		EntityMax: canon.DefaultMaxEntities}
}

// RegisterFlags binds o to flags on fs.
func (o *Options) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.StoryStream, "story-stream", o.StoryStream, "JetStream stream through which the enricher replicas share the story memory")
	fs.DurationVar(&o.StoryTTL, "story-ttl", o.StoryTTL, "how long an article is remembered for linking")
	fs.IntVar(&o.StoryReplicas, "story-replicas", o.StoryReplicas, "replicas of the story memory's stream (3 on a clustered JetStream)")
	fs.IntVar(&o.StoryMaxArticles, "story-max-articles", o.StoryMaxArticles, "articles each replica keeps in its copy of the story memory (the oldest go first)")
	fs.DurationVar(&o.StoryWindow, "story-window", o.StoryWindow, "articles published further apart than this are never linked")
	fs.StringVar(&o.EntityMemory, "entity-memory", o.EntityMemory, "where entities seen in earlier articles are remembered: kv (shared by replicas) or local (this process)")
	fs.StringVar(&o.EntityBucket, "entity-bucket", o.EntityBucket, "KV bucket of the kv entity memory")
	fs.DurationVar(&o.EntityTTL, "entity-ttl", o.EntityTTL, "an entity not named for this long is forgotten (kv entity memory)")
	fs.Int64Var(&o.EntityMaxBytes, "entity-max-bytes", o.EntityMaxBytes, "most bytes the kv entity memory's bucket holds")
	fs.IntVar(&o.EntityMax, "entity-max", o.EntityMax, "most entities the local entity memory keeps")
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	var errs []error
	if o.StoryStream == "" {
		errs = append(errs, errors.New("story-stream is empty"))
	}
	if o.StoryMaxArticles < 1 {
		errs = append(errs, fmt.Errorf("story-max-articles %d: want at least 1", o.StoryMaxArticles))
	}
	if o.StoryWindow <= 0 || o.StoryTTL < o.StoryWindow {
		errs = append(errs, fmt.Errorf("story-ttl (%s) must be at least story-window (%s), which must be positive", o.StoryTTL, o.StoryWindow))
	}
	if o.StoryReplicas < 1 || o.StoryReplicas > 5 {
		errs = append(errs, fmt.Errorf("story-replicas %d: want 1 to 5", o.StoryReplicas))
	}
	switch o.EntityMemory {
	case "kv":
		if o.EntityBucket == "" {
			errs = append(errs, errors.New("entity-bucket is empty"))
		}
		if o.EntityTTL < time.Second || o.EntityMaxBytes < 1<<20 {
			errs = append(errs, fmt.Errorf("entity-ttl (%s) must be at least a second and entity-max-bytes (%d) at least 1 MiB", o.EntityTTL, o.EntityMaxBytes))
		}
	case "local":
		if o.EntityMax < 1 {
			errs = append(errs, fmt.Errorf("entity-max %d: want at least 1", o.EntityMax))
		}
	default:
		errs = append(errs, fmt.Errorf("entity-memory %q: want kv or local", o.EntityMemory))
	}
	return errors.Join(errs...)
}

// Build loads the entity model, opens the story memory and wires the
// enricher stage: clean subject in, enriched subject out. With apply
// (-apply-topology) this replica owns the memories' stream and bucket and
// updates them to o; otherwise it verifies them (runner.ErrTopologyMismatch).
func Build(ctx context.Context, o Options, log *zap.Logger, js jetstream.JetStream, apply bool) (service.Service, error) {
	model, err := ner.Load()
	if err != nil {
		return service.Service{}, fmt.Errorf("enricher: entity model: %w", err)
	}
	// NATS may be down or electing at start: wait for it, don't exit.
	var mem *storykv.Memory
	err = service.Retry(ctx, log, "story memory", func(ctx context.Context) (err error) {
		mem, err = storykv.New(ctx, js, storykv.Config{Stream: o.StoryStream, TTL: o.StoryTTL, Replicas: o.StoryReplicas, MaxArticles: o.StoryMaxArticles, Apply: apply})
		return err
	})
	if err != nil {
		return service.Service{}, fmt.Errorf("enricher: %w", err)
	}
	var ents canon.Memory = canon.NewLocalMemory(o.EntityMax)
	if o.EntityMemory == "kv" {
		err = service.Retry(ctx, log, "entity memory", func(ctx context.Context) (err error) {
			ents, err = entitykv.New(ctx, js, entitykv.Config{Bucket: o.EntityBucket, TTL: o.EntityTTL, MaxBytes: o.EntityMaxBytes, Replicas: o.StoryReplicas, Apply: apply})
			return err
		})
		if err != nil {
			return service.Service{}, fmt.Errorf("enricher: %w", err)
		}
	}
	e, err := enrich.New(enrich.Options{Recognizer: model, Memory: mem, Entities: ents, Logger: log, StoryWindow: o.StoryWindow})
	if err != nil {
		return service.Service{}, fmt.Errorf("enricher: %w", err)
	}
	return service.Service{Stages: []*runner.Stage{{
		Name:    pipeline.StageEnricher,
		From:    pipeline.SubjectClean,
		To:      pipeline.SubjectEnriched,
		Version: Version,
		Func:    e.Process,
		Log:     log,
	}}}, nil
}
