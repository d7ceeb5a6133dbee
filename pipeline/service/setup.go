package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/backoff"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// Retry runs setup — creating a service's bucket, opening its store — until
// it succeeds or ctx is done, with backoff between attempts (250 ms
// doubling to 5 s), logging each failure. A service started before its
// NATS server or database, or while they restart, waits for them instead
// of exiting (and being restarted in a loop by its supervisor). Errors that
// no retry can fix stop it at once: ErrInvalid, runner.ErrConfig,
// runner.ErrTopologyMismatch and errors marked pipeline.Permanent.
//
// Retry sets no deadline on an attempt (a first migration of a large
// database may take long): setup bounds its own calls, as the JetStream
// client does by default (5 s a request).
//
// Every service's Build calls its dependency setup through Retry.
func Retry(ctx context.Context, log *zap.Logger, what string, setup func(ctx context.Context) error) error {
	wait := backoff.Exponential(250*time.Millisecond, 5*time.Second)
	for attempt := 1; ; attempt++ {
		err := setup(ctx)
		if err == nil {
			if attempt > 1 {
				log.Info("setup done", zap.String("setup", what), zap.Int("attempts", attempt))
			}
			return nil
		}
		if errors.Is(err, ErrInvalid) || errors.Is(err, runner.ErrConfig) || errors.Is(err, runner.ErrTopologyMismatch) || pipeline.IsPermanent(err) {
			return fmt.Errorf("%s: %w", what, err)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), err)
		}
		log.Warn("setup failed, retrying", zap.String("setup", what), zap.Int("attempt", attempt), zap.Error(err))
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), err)
		case <-time.After(wait(attempt)):
		}
	}
}
