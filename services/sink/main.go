// Command sink is the sink service: it consumes enriched articles and keeps them in a
// durable, queryable store (SQLite or PostgreSQL).
package main

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/sink/sinksvc"
)

func main() {
	opts := sinksvc.DefaultOptions()
	service.Main(service.Program{Name: "sink", Options: &opts,
		Build: func(ctx context.Context, log *zap.Logger, js jetstream.JetStream, _ bool) (service.Service, error) {
			return sinksvc.Build(ctx, opts, log, js)
		}}.Run)
}
