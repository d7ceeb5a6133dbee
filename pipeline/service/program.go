package service

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// Options are a service's own settings, beside the shared Config.
type Options interface {
	RegisterFlags(fs *flag.FlagSet)
	Validate() error
}

// Program is a service binary: its name, its own options and how to build
// the Service from them. Its Run is a RunFunc for Main, so a service's
// main.go is one line.
type Program struct {
	Name    string
	Options Options
	// Build wires the service once configuration is parsed and valid and
	// NATS is connected (js is ready for stages that need more than their
	// subjects, such as the object store or a KV bucket). apply is
	// -apply-topology: this process owns the layout, so it creates or
	// updates the service's own buckets and streams too (runner.EnsureKeyValue,
	// runner.EnsureStream); otherwise it creates what is missing and
	// verifies the rest.
	Build func(ctx context.Context, log *zap.Logger, js jetstream.JetStream, apply bool) (Service, error)
}

// Run parses flags and environment into the shared Config and the
// program's Options, validates both, builds the service and runs it.
func (p Program) Run(ctx context.Context, args []string, getenv func(string) string) error {
	base := DefaultConfig()
	fs := flag.NewFlagSet(p.Name, flag.ContinueOnError)
	base.RegisterFlags(fs)
	p.Options.RegisterFlags(fs)
	if err := Parse(fs, args, getenv); err != nil {
		return err
	}
	if err := base.Validate(); err != nil {
		return err
	}
	if err := p.Options.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	log, err := base.Logger()
	if err != nil {
		return err
	}
	defer log.Sync() //nolint:errcheck // syncing stderr fails on some terminals
	log = log.With(zap.String("service", p.Name))
	nc, err := Connect(p.Name, base, log)
	if err != nil {
		return err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return err
	}
	s, err := p.Build(ctx, log, js, base.ApplyTopology)
	if err != nil {
		nc.Close()
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			log.Info("stopped while waiting for setup", zap.Error(err))
			return nil // asked to stop while starting: a clean stop
		}
		return err
	}
	s.Name, s.Config, s.Log, s.Conn = p.Name, base, log, nc
	for _, st := range s.Stages {
		base.Tune(st)
	}
	return Run(ctx, s)
}
