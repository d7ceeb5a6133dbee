package access_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// TestAStageUsesOnlyItsOwnConsumers: each stage's user may create, read
// and pull from its own durable consumers (its input's, named after the
// stage, and its max-deliveries watcher's) and from no other: not another
// name on its own input, not another stage's consumer, not an ordered
// consumer of a stream it does not own, and it may delete none. The
// client, which reads raw and enriched, may not pull from, ack for,
// re-create or delete the stages' consumers of them.
func TestAStageUsesOnlyItsOwnConsumers(t *testing.T) {
	dir := t.TempDir()
	creds, err := access.Ensure(filepath.Join(dir, "creds"), false)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "js"), Host: "127.0.0.1", Port: -1, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	ctx := context.Background()
	connect := func(user string) jetstream.JetStream {
		nc, err := nats.Connect(ns.ClientURL(), embedded.LogIn(creds, user)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		js, _ := jetstream.New(nc)
		return js
	}
	admin := connect(access.UserAdmin)
	if err := runner.EnsureTopology(ctx, admin, runner.Topology{}); err != nil {
		t.Fatal(err)
	}
	// The enricher's consumer, as its stage creates it.
	if _, err := admin.CreateOrUpdateConsumer(ctx, pipeline.StreamClean, jetstream.ConsumerConfig{Durable: pipeline.StageEnricher,
		FilterSubject: pipeline.SubjectClean, AckPolicy: jetstream.AckExplicitPolicy}); err != nil {
		t.Fatal(err)
	}
	durable := func(name, filter string) jetstream.ConsumerConfig {
		return jetstream.ConsumerConfig{Durable: name, FilterSubject: filter, AckPolicy: jetstream.AckExplicitPolicy}
	}
	try := func(op func(context.Context) error) error {
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return op(tctx)
	}

	cleaner := connect(access.UserCleaner)
	for what, op := range map[string]func(context.Context) error{
		"its input's consumer": func(ctx context.Context) error {
			c, err := cleaner.CreateOrUpdateConsumer(ctx, pipeline.StreamRaw, durable(pipeline.StageCleaner, pipeline.SubjectRaw))
			if err != nil {
				return err
			}
			_, err = c.Info(ctx)
			return err
		},
		"its max-deliveries watcher": func(ctx context.Context) error {
			_, err := cleaner.CreateOrUpdateConsumer(ctx, runner.StreamAdvisories,
				durable(runner.MaxDeliveriesConsumer(pipeline.StageCleaner), "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."+pipeline.StreamRaw+"."+pipeline.StageCleaner))
			return err
		},
	} {
		if err := try(op); err != nil {
			t.Errorf("the cleaner is refused %s: %v", what, err)
		}
	}
	for what, op := range map[string]func(context.Context) error{
		"another name on its input": func(ctx context.Context) error {
			_, err := cleaner.CreateOrUpdateConsumer(ctx, pipeline.StreamRaw, durable("spy", pipeline.SubjectRaw))
			return err
		},
		"another stage's consumer": func(ctx context.Context) error {
			_, err := cleaner.Consumer(ctx, pipeline.StreamClean, pipeline.StageEnricher)
			return err
		},
		"its own name on another stage's input": func(ctx context.Context) error {
			_, err := cleaner.CreateOrUpdateConsumer(ctx, pipeline.StreamClean, durable(pipeline.StageCleaner, pipeline.SubjectClean))
			return err
		},
		"an ordered consumer of its input": func(ctx context.Context) error {
			c, err := cleaner.OrderedConsumer(ctx, pipeline.StreamRaw, jetstream.OrderedConsumerConfig{})
			if err != nil {
				return err
			}
			_, err = c.Next(jetstream.FetchMaxWait(500 * time.Millisecond))
			return err
		},
		"deleting its own consumer": func(ctx context.Context) error {
			return cleaner.DeleteConsumer(ctx, pipeline.StreamRaw, pipeline.StageCleaner)
		},
		"deleting another stage's consumer": func(ctx context.Context) error {
			return cleaner.DeleteConsumer(ctx, pipeline.StreamClean, pipeline.StageEnricher)
		},
	} {
		if err := try(op); err == nil {
			t.Errorf("the cleaner was allowed %s", what)
		}
	}
	if _, err := admin.Consumer(ctx, pipeline.StreamClean, pipeline.StageEnricher); err != nil {
		t.Errorf("the enricher's consumer is gone: %v", err)
	}

	// The client reads raw and enriched, but may not take the cleaner's
	// messages, nor remove the sink's consumer.
	if _, err := admin.CreateOrUpdateConsumer(ctx, pipeline.StreamEnriched, durable(pipeline.StageSink, pipeline.SubjectEnriched)); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Publish(ctx, pipeline.SubjectRaw, []byte("a page")); err != nil {
		t.Fatal(err)
	}
	cnc, err := nats.Connect(ns.ClientURL(), embedded.LogIn(creds, access.UserClient)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cnc.Close)
	client, _ := jetstream.New(cnc)
	if err := try(func(ctx context.Context) error {
		c, err := client.OrderedConsumer(ctx, pipeline.StreamRaw, jetstream.OrderedConsumerConfig{})
		if err != nil {
			return err
		}
		_, err = c.Next(jetstream.FetchMaxWait(time.Second))
		return err
	}); err != nil {
		t.Errorf("the client cannot read raw: %v", err)
	}
	for what, op := range map[string]func(context.Context) error{
		"pulling from the cleaner's consumer": func(ctx context.Context) error {
			c, err := client.Consumer(ctx, pipeline.StreamRaw, pipeline.StageCleaner)
			if err != nil {
				return err
			}
			_, err = c.Next(jetstream.FetchMaxWait(500 * time.Millisecond))
			return err
		},
		"re-creating the cleaner's consumer": func(ctx context.Context) error {
			_, err := client.CreateOrUpdateConsumer(ctx, pipeline.StreamRaw, durable(pipeline.StageCleaner, pipeline.SubjectRaw))
			return err
		},
		"deleting the sink's consumer": func(ctx context.Context) error {
			return client.DeleteConsumer(ctx, pipeline.StreamEnriched, pipeline.StageSink)
		},
		"acking for the cleaner's consumer": func(context.Context) error {
			// What an ack of the cleaner's first delivery looks like.
			if err := cnc.Publish("$JS.ACK."+pipeline.StreamRaw+"."+pipeline.StageCleaner+".1.1.1.1700000000000000000.0", nil); err != nil {
				return err
			}
			if err := cnc.Flush(); err != nil {
				return err
			}
			return cnc.LastError()
		},
	} {
		if err := try(op); err == nil {
			t.Errorf("the client was allowed %s", what)
		}
	}
	if _, err := admin.Consumer(ctx, pipeline.StreamEnriched, pipeline.StageSink); err != nil {
		t.Errorf("the sink's consumer is gone: %v", err)
	}
	c, err := admin.Consumer(ctx, pipeline.StreamRaw, pipeline.StageCleaner)
	if err != nil {
		t.Fatalf("the cleaner's consumer is gone: %v", err)
	}
	if info, err := c.Info(ctx); err != nil || info.NumPending != 1 || info.NumAckPending != 0 {
		t.Errorf("the cleaner's consumer: %v; want the page still pending for it", err)
	}
}
