package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/service"
)

// natsFlags registers the flags a client command reaches a running
// pipeline with — service's -nats-url, -nats-user, -nats-password(-file) and
// -nats-creds, as the services have them (and NEWSFLOW_NATS_URL,
// NEWSFLOW_NATS_USER, ...) — and returns what
// they will hold.
func natsFlags(fs *flag.FlagSet) *service.Config {
	c := service.DefaultConfig()
	c.RegisterConnFlags(fs)
	return &c
}

// dialNATS connects a client command (named name) as c says.
func dialNATS(c *service.Config, name string, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.Name("newsflow-" + name), nats.Timeout(5 * time.Second)}, opts...)
	auth, err := c.AuthOptions()
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect(c.NATSURL, append(opts, auth...)...)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s (is `newsflow run` running?): %w", c.NATSURL, err)
	}
	return nc, nil
}

// dialJetStream connects as dialNATS does and opens JetStream on the
// connection, which the caller closes.
func dialJetStream(c *service.Config, name string, opts ...nats.Option) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := dialNATS(c, name, opts...)
	if err != nil {
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// ErrNotAllowed is returned when the server refused a subject to the user
// a command logged in as (see pipeline/access).
var ErrNotAllowed = errors.New("not allowed for this NATS user")

// publishAs publishes msg as runner.Publish does (retrying while the server
// is unreachable), but gives up as soon as the server refuses the subject
// to this connection's user. A permissions violation reaches the client
// only asynchronously, and the publish would otherwise wait for an
// acknowledgement that never comes and retry until ctx ends: the
// connection's error handler is watched for a refusal naming msg's subject
// while the publish runs (commands publish one message at a time), and the
// last error is checked before each retry in case the refusal came first.
func publishAs(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, msg *nats.Msg) (*jetstream.PubAck, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	refusal := fmt.Sprintf("Publish to %q", msg.Subject)
	prev := nc.ErrorHandler()
	nc.SetErrorHandler(func(c *nats.Conn, sub *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), refusal) {
			cancel(err)
		}
		if prev != nil {
			prev(c, sub, err)
		}
	})
	defer nc.SetErrorHandler(prev)
	ack, err := runner.Publish(ctx, js, msg, func(error) {
		if last := nc.LastError(); errors.Is(last, nats.ErrPermissionViolation) {
			cancel(last)
		}
	})
	if err != nil {
		if cause := context.Cause(ctx); errors.Is(cause, nats.ErrPermissionViolation) {
			return nil, fmt.Errorf("%w: publishing to %s: %w (log in with -nats-user admin, see docs/RELIABILITY.md)", ErrNotAllowed, msg.Subject, cause)
		}
		return nil, err
	}
	return ack, nil
}
