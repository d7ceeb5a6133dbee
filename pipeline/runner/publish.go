package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline/backoff"
)

// ErrPublishRejected wraps a publish the server refused for good (the
// message is too large for the stream, say); retrying cannot help.
var ErrPublishRejected = errors.New("publish rejected")

// Publish publishes msg to a stream and waits for its PubAck, retrying —
// with backoff, until ctx is done — everything the server may accept on a
// later try: no responders during a leader election, a PubAck timeout, and
// JetStream's refusals under load (429 "too many requests" when a stream's
// ingest buffer is full, 503 "unavailable"). A duplicate PubAck (the stream
// already holds this Nats-Msg-Id) counts as success. onRetry, if not nil, is
// called before each retry.
//
// A message is never lost by Publish: it returns nil only once the stream
// has stored the message, and otherwise an error the caller must act on
// (typically by not acking the input, so it is redelivered).
func Publish(ctx context.Context, js jetstream.JetStream, msg *nats.Msg, onRetry func(error)) (*jetstream.PubAck, error) {
	const attemptTimeout = 5 * time.Second
	wait := backoff.Exponential(20*time.Millisecond, 2*time.Second)
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		// Retries here are ours; the client's own no-responders retry would
		// hide the first failure from onRetry and metrics.
		ack, err := js.PublishMsg(actx, msg, jetstream.WithRetryAttempts(0))
		cancel()
		if err == nil {
			return ack, nil
		}
		if permanentPublishError(err) {
			return nil, fmt.Errorf("%w: %s: %w", ErrPublishRejected, msg.Subject, err)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("publish to %s: gave up after %d attempts: %w (last error: %w)", msg.Subject, attempt, ctx.Err(), err)
		}
		if onRetry != nil {
			onRetry(err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait(attempt)):
		}
	}
}

// permanentPublishError reports errors that will recur on every retry.
func permanentPublishError(err error) bool {
	if errors.Is(err, nats.ErrMaxPayload) || errors.Is(err, nats.ErrBadSubject) || errors.Is(err, nats.ErrConnectionClosed) {
		return true
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode == jetstream.JSErrCodeStreamMessageExceedsMaximum
	}
	return false
}
