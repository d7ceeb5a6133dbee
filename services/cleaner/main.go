// Command cleaner is the cleaner service: it consumes raw articles, strips them to clean
// text and metadata, and publishes them for the enricher.
package main

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/cleaner/cleanersvc"
)

func main() {
	opts := cleanersvc.DefaultOptions()
	service.Main(service.Program{Name: "cleaner", Options: &opts,
		Build: func(ctx context.Context, log *zap.Logger, js jetstream.JetStream, _ bool) (service.Service, error) {
			return cleanersvc.Build(ctx, opts, log, js)
		}}.Run)
}
