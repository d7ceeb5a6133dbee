// Command enricher is the enricher service: it consumes clean articles, finds their
// entities, quotes, dates, keywords and stories, and publishes them on the
// enriched subject users subscribe to.
package main

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/enricher/enrichersvc"
)

func main() {
	opts := enrichersvc.DefaultOptions()
	service.Main(service.Program{Name: "enricher", Options: &opts,
		Build: func(ctx context.Context, log *zap.Logger, js jetstream.JetStream, apply bool) (service.Service, error) {
			return enrichersvc.Build(ctx, opts, log, js, apply)
		}}.Run)
}
