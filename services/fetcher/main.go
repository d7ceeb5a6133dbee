// Command fetcher is the fetcher service: it polls the registered feeds,
// sitemaps and pages and publishes their articles to the raw subject.
package main

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/fetcher/fetchersvc"
)

func main() {
	opts := fetchersvc.DefaultOptions()
	service.Main(service.Program{Name: "fetcher", Options: &opts,
		Build: func(ctx context.Context, log *zap.Logger, js jetstream.JetStream, apply bool) (service.Service, error) {
			return fetchersvc.Build(ctx, opts, log, js, apply)
		}}.Run)
}
