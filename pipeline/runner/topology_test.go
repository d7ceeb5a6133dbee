package runner_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// One owner applies the layout; a process that does not own it creates what
// is missing, and refuses a server whose settings differ from its own,
// naming the stream and the setting, without changing anything.
func TestTopologyHasOneOwner(t *testing.T) {
	srv := pipelinetest.StartJetStream(t) // created by a non-owner: nothing was there
	ctx := context.Background()
	maxAge := func() time.Duration {
		s, err := srv.JS.Stream(ctx, pipeline.StreamClean)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.Config.MaxAge
	}
	if got := maxAge(); got != 7*24*time.Hour {
		t.Fatalf("created with max age %s, want the default", got)
	}

	stale := runner.Topology{MaxAge: 24 * time.Hour}
	err := runner.EnsureTopology(ctx, srv.JS, stale)
	if !errors.Is(err, runner.ErrTopologyMismatch) {
		t.Fatalf("a replica with another max age: %v, want ErrTopologyMismatch", err)
	}
	for _, want := range []string{"stream " + pipeline.StreamClean, "max_age is 168h0m0s on the server, 24h0m0s here", "-apply-topology"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := maxAge(); got != 7*24*time.Hour {
		t.Fatalf("a non-owner changed the max age to %s", got)
	}

	owner := stale
	owner.Apply = true
	if err := runner.EnsureTopology(ctx, srv.JS, owner); err != nil {
		t.Fatal(err)
	}
	if got := maxAge(); got != 24*time.Hour {
		t.Fatalf("the owner's max age was not applied: %s", got)
	}
	if err := runner.EnsureTopology(ctx, srv.JS, stale); err != nil {
		t.Fatalf("a replica agreeing with the owner: %v", err)
	}
	if err := runner.EnsureTopology(ctx, srv.JS, runner.Topology{}); !errors.Is(err, runner.ErrTopologyMismatch) {
		t.Fatalf("a replica left at the default after the owner changed it: %v", err)
	}
}

// By default the streams are S2-compressed and raw articles are kept for
// DefaultRawMaxAge, the others for MaxAge; compression is a setting a
// non-owner verifies like the others, and the owner can change it.
func TestTopologyCompressionAndRawRetention(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	config := func(name string) jetstream.StreamConfig {
		s, err := srv.JS.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return s.CachedInfo().Config
	}
	for _, name := range []string{pipeline.StreamRaw, pipeline.StreamClean, pipeline.StreamEnriched, pipeline.StreamDeadLetter} {
		if c := config(name); c.Compression != jetstream.S2Compression {
			t.Errorf("%s: compression %v, want s2", name, c.Compression)
		}
	}
	if c := config(pipeline.StreamRaw); c.MaxAge != runner.DefaultRawMaxAge || c.Duplicates != runner.DefaultRawMaxAge {
		t.Errorf("raw: max age %s, duplicate window %s, want %s", c.MaxAge, c.Duplicates, runner.DefaultRawMaxAge)
	}
	if c := config(pipeline.StreamClean); c.MaxAge != 7*24*time.Hour {
		t.Errorf("clean: max age %s, want 7 days", c.MaxAge)
	}

	plain := runner.Topology{Uncompressed: true}
	err := runner.EnsureTopology(ctx, srv.JS, plain)
	if !errors.Is(err, runner.ErrTopologyMismatch) || !strings.Contains(err.Error(), "compression is S2 on the server, None here") {
		t.Fatalf("a replica configured without compression: %v, want a compression mismatch", err)
	}
	plain.Apply = true
	if err := runner.EnsureTopology(ctx, srv.JS, plain); err != nil {
		t.Fatal(err)
	}
	if c := config(pipeline.StreamRaw); c.Compression != jetstream.NoCompression {
		t.Errorf("the owner's compression was not applied: %v", c.Compression)
	}

	// A raw retention longer than MaxAge is cut to it.
	long := runner.Topology{MaxAge: time.Hour, RawMaxAge: 24 * time.Hour, Apply: true}
	if err := runner.EnsureTopology(ctx, srv.JS, long); err != nil {
		t.Fatal(err)
	}
	if c := config(pipeline.StreamRaw); c.MaxAge != time.Hour {
		t.Errorf("raw max age %s, want MaxAge (1h)", c.MaxAge)
	}
}

// The object store bucket for claim-checked bodies follows the same rule.
func TestBodiesBucketHasOneOwner(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	if err := srv.JS.DeleteObjectStore(ctx, runner.BodiesBucket); err != nil {
		t.Fatal(err)
	}
	if err := runner.EnsureTopology(ctx, srv.JS, runner.Topology{}); err != nil {
		t.Fatalf("creating the missing bucket: %v", err)
	}
	if _, err := srv.JS.ObjectStore(ctx, runner.BodiesBucket); err != nil {
		t.Fatalf("bucket not created: %v", err)
	}
	if _, err := srv.JS.UpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: runner.BodiesBucket, TTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	err := runner.EnsureTopology(ctx, srv.JS, runner.Topology{})
	if !errors.Is(err, runner.ErrTopologyMismatch) || !strings.Contains(err.Error(), "object store "+runner.BodiesBucket+": ttl") {
		t.Fatalf("a bucket with another TTL: %v", err)
	}
}

// A stage's durable consumer likewise: a replica with another MaxDeliver
// does not start, and does not change the consumer; the owner does.
func TestConsumerHasOneOwner(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	first := stage(t, "owned", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	run(t, srv, first) // not the owner, but first: creates it with the defaults
	consumerMaxDeliver := func() int {
		c, err := srv.JS.Consumer(ctx, pipeline.StreamClean, first.Name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.Config.MaxDeliver
	}
	if got := consumerMaxDeliver(); got != 5 {
		t.Fatalf("consumer created with MaxDeliver %d, want the default 5", got)
	}

	again := func() *runner.Stage {
		return &runner.Stage{Name: first.Name, From: first.From, To: first.To, Version: first.Version, Func: first.Func,
			Backoff: first.Backoff, DrainTimeout: first.DrainTimeout}
	}
	stale := again()
	stale.MaxDeliver, stale.AckWait = 2, time.Minute
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := stale.Run(cctx, srv.JS)
	if !errors.Is(err, runner.ErrTopologyMismatch) {
		t.Fatalf("a replica with other redelivery settings ran: %v", err)
	}
	for _, want := range []string{"consumer " + pipeline.StreamClean + "/" + first.Name, "max_deliver is 5 on the server, 2 here", "ack_wait is 30s on the server, 1m0s here"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := consumerMaxDeliver(); got != 5 {
		t.Fatalf("a non-owner changed MaxDeliver to %d", got)
	}

	owner := again()
	owner.MaxDeliver, owner.ApplyConsumer = 3, true
	run(t, srv, owner)
	if got := consumerMaxDeliver(); got != 3 {
		t.Fatalf("the owner's MaxDeliver was not applied: %d", got)
	}
}

// A service's own bucket follows the same rule as the pipeline's streams:
// a non-owner creates it when missing, refuses one with other settings
// without changing it, and the owner updates it.
func TestKeyValueHasOneOwner(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	cfg := jetstream.KeyValueConfig{Bucket: "test_owned", History: 1, TTL: time.Hour}
	if _, err := runner.EnsureKeyValue(ctx, srv.JS, cfg, false); err != nil {
		t.Fatalf("creating the missing bucket: %v", err)
	}
	if _, err := runner.EnsureKeyValue(ctx, srv.JS, cfg, false); err != nil {
		t.Fatalf("a replica agreeing with the bucket: %v", err)
	}
	ttl := func() time.Duration {
		kv, err := srv.JS.KeyValue(ctx, cfg.Bucket)
		if err != nil {
			t.Fatal(err)
		}
		st, err := kv.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.TTL()
	}

	stale := cfg
	stale.TTL, stale.History = 2*time.Hour, 3
	_, err := runner.EnsureKeyValue(ctx, srv.JS, stale, false)
	if !errors.Is(err, runner.ErrTopologyMismatch) {
		t.Fatalf("a replica with another TTL: %v, want ErrTopologyMismatch", err)
	}
	for _, want := range []string{"bucket test_owned", "ttl is 1h0m0s on the server, 2h0m0s here", "history is 1 on the server, 3 here", "-apply-topology"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := ttl(); got != time.Hour {
		t.Fatalf("a non-owner changed the TTL to %s", got)
	}

	if _, err := runner.EnsureKeyValue(ctx, srv.JS, stale, true); err != nil {
		t.Fatal(err)
	}
	if got := ttl(); got != 2*time.Hour {
		t.Fatalf("the owner's TTL was not applied: %s", got)
	}
	if _, err := runner.EnsureKeyValue(ctx, srv.JS, cfg, false); !errors.Is(err, runner.ErrTopologyMismatch) {
		t.Fatalf("a replica with the old TTL after the owner changed it: %v", err)
	}
}

// And a service's own stream.
func TestServiceStreamHasOneOwner(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	cfg := jetstream.StreamConfig{Name: "TEST_OWNED", Subjects: []string{"test.owned"}, MaxAge: time.Hour, Discard: jetstream.DiscardOld}
	if _, err := runner.EnsureStream(ctx, srv.JS, cfg, false); err != nil {
		t.Fatalf("creating the missing stream: %v", err)
	}
	stale := cfg
	stale.MaxAge, stale.Replicas = 2*time.Hour, 1
	_, err := runner.EnsureStream(ctx, srv.JS, stale, false)
	if !errors.Is(err, runner.ErrTopologyMismatch) || !strings.Contains(err.Error(), "stream TEST_OWNED: max_age is 1h0m0s on the server, 2h0m0s here") {
		t.Fatalf("a replica with another max age: %v", err)
	}
	st, err := runner.EnsureStream(ctx, srv.JS, stale, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.CachedInfo().Config.MaxAge; got != 2*time.Hour {
		t.Fatalf("the owner's max age was not applied: %s", got)
	}
}

// The consumer that dead-letters what a stage never settled has the same
// owner as the stage's consumer: a replica that finds it otherwise
// configured stops instead of rewriting it.
func TestAdvisoryConsumerHasOneOwner(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	first := stage(t, "advised", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	run(t, srv, first)
	durable := first.Name + "-max-deliveries"
	c, err := srv.JS.Consumer(ctx, runner.StreamAdvisories, durable)
	if err != nil {
		t.Fatal(err)
	}
	changed := c.CachedInfo().Config
	changed.AckWait = time.Minute
	if _, err := srv.JS.UpdateConsumer(ctx, runner.StreamAdvisories, changed); err != nil {
		t.Fatal(err)
	}

	again := &runner.Stage{Name: first.Name, From: first.From, To: first.To, Version: first.Version, Func: first.Func,
		Backoff: first.Backoff, DrainTimeout: first.DrainTimeout}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = again.Run(cctx, srv.JS)
	if !errors.Is(err, runner.ErrTopologyMismatch) || !strings.Contains(err.Error(), "consumer "+runner.StreamAdvisories+"/"+durable+": ack_wait is 1m0s on the server, 30s here") {
		t.Fatalf("a replica finding the advisory consumer changed: %v", err)
	}
	owner := &runner.Stage{Name: first.Name, From: first.From, To: first.To, Version: first.Version, Func: first.Func,
		Backoff: first.Backoff, DrainTimeout: first.DrainTimeout, ApplyConsumer: true}
	run(t, srv, owner)
	if c, err = srv.JS.Consumer(ctx, runner.StreamAdvisories, durable); err != nil || c.CachedInfo().Config.AckWait != 30*time.Second {
		t.Fatalf("the owner did not restore the advisory consumer: %v", err)
	}
}
