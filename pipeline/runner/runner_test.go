package runner_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// One test per row of the table in doc.go, each on a real JetStream.

func TestSuccessPublishesWithMsgIDThenAcks(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	st := stage(t, "ok", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		a.Title = "processed"
		return a, nil
	})
	run(t, srv, st)
	seq := publishArticle(t, srv, pipeline.SubjectClean, "a1", nats.Header{pipeline.HeaderMsgID: {"raw-1"}})

	out := readAll(t, srv, pipeline.SubjectEnriched, 1)
	a, err := pipeline.DecodeArticle(out[0].Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "processed" || len(a.Stages) != 1 || a.Stages[0].Stage != st.Name || a.Stages[0].Version != "test" {
		t.Fatalf("output = %+v", a)
	}
	in, err := srv.JS.Stream(context.Background(), pipeline.StreamClean)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := in.GetMsg(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	want := st.Name + ":" + strconv.FormatUint(seq, 10) + ":" + strconv.FormatInt(stored.Time.UnixNano(), 10)
	if got := out[0].Header.Get(pipeline.HeaderMsgID); got != want {
		t.Fatalf("Nats-Msg-Id = %q, want %q", got, want)
	}
	if got := out[0].Header.Get(pipeline.HeaderOrigin); got != "raw-1" {
		t.Fatalf("origin = %q, want the input's msg id", got)
	}
	waitSettled(t, srv, st.Name, 1)
	expectCounter(t, "newsflow_stage_messages_out_total", st.Name, 1)
}

func TestDropAcksWithoutPublishing(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	st := stage(t, "drop", func(context.Context, pipeline.Article) (pipeline.Article, error) {
		return pipeline.Article{}, fmt.Errorf("not news: %w", pipeline.ErrDrop)
	})
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)
	waitSettled(t, srv, st.Name, 1)
	expectCounter(t, "newsflow_stage_messages_dropped_total", st.Name, 1)
	expectEmpty(t, srv, pipeline.StreamEnriched)
	expectEmpty(t, srv, pipeline.StreamDeadLetter)
}

func TestTransientErrorIsRetriedWithBackoff(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls []time.Time
	var mu sync.Mutex
	st := stage(t, "flaky", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, time.Now())
		if len(calls) < 3 {
			return a, errors.New("database briefly unavailable")
		}
		return a, nil
	})
	st.Backoff = func(attempt int) time.Duration { return time.Duration(attempt) * 300 * time.Millisecond }
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)

	readAll(t, srv, pipeline.SubjectEnriched, 1)
	waitSettled(t, srv, st.Name, 1)
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 {
		t.Fatalf("Func called %d times, want 3", len(calls))
	}
	for i, want := range []time.Duration{300 * time.Millisecond, 600 * time.Millisecond} {
		if gap := calls[i+1].Sub(calls[i]); gap < want {
			t.Errorf("redelivery %d came after %s, want at least the backoff %s", i+1, gap, want)
		}
	}
	expectCounter(t, "newsflow_stage_messages_retried_total", st.Name, 2)
	expectEmpty(t, srv, pipeline.StreamDeadLetter)
}

func TestLastDeliveryIsDeadLettered(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	st := stage(t, "exhausted", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		calls.Add(1)
		return a, errors.New("upstream keeps failing")
	})
	st.MaxDeliver = 3
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)

	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadCause, "retries_exhausted")
	expectHeader(t, dead, pipeline.HeaderDeadAttempt, "3")
	expectHeader(t, dead, pipeline.HeaderDeadReason, "failed 3 times, last: upstream keeps failing")
	waitSettled(t, srv, st.Name, 1)
	if n := calls.Load(); n != 3 {
		t.Fatalf("Func called %d times, want MaxDeliver=3", n)
	}
	expectEmpty(t, srv, pipeline.StreamEnriched)
}

func TestPanicIsRetriedThenDeadLettered(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	st := stage(t, "panicky", func(context.Context, pipeline.Article) (pipeline.Article, error) {
		calls.Add(1)
		var m map[string]int
		m["boom"]++ // nil map write
		return pipeline.Article{}, nil
	})
	st.MaxDeliver = 2
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)

	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadReason, "failed 2 times, last: panic: assignment to entry in nil map")
	if n := calls.Load(); n != 2 {
		t.Fatalf("Func called %d times, want 2", n)
	}
	expectCounter(t, "newsflow_stage_messages_retried_total", st.Name, 1)
}

func TestPermanentErrorIsDeadLetteredAtOnce(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	st := stage(t, "permanent", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		calls.Add(1)
		return a, pipeline.Permanent(errors.New("page is 40 MB, over the 10 MB cap"))
	})
	run(t, srv, st)
	body := articleJSON(t, "a1")
	msg := &nats.Msg{Subject: pipeline.SubjectClean, Data: body, Header: nats.Header{"X-Custom": {"kept"}}}
	ack, err := srv.JS.PublishMsg(context.Background(), msg)
	if err != nil {
		t.Fatal(err)
	}

	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	if string(dead.Data) != string(body) {
		t.Fatal("dead letter does not carry the original bytes")
	}
	expectHeader(t, dead, pipeline.HeaderDeadStage, st.Name)
	expectHeader(t, dead, pipeline.HeaderDeadCause, "permanent")
	expectHeader(t, dead, pipeline.HeaderDeadReason, "page is 40 MB, over the 10 MB cap")
	expectHeader(t, dead, pipeline.HeaderDeadAttempt, "1")
	expectHeader(t, dead, pipeline.HeaderDeadSubject, pipeline.SubjectClean)
	expectHeader(t, dead, pipeline.HeaderDeadStreamSequence, strconv.FormatUint(ack.Sequence, 10))
	expectHeader(t, dead, "X-Custom", "kept")
	if _, err := time.Parse(time.RFC3339Nano, dead.Header.Get(pipeline.HeaderDeadTime)); err != nil {
		t.Errorf("dead-letter time: %v", err)
	}
	waitSettled(t, srv, st.Name, 1)
	if n := calls.Load(); n != 1 {
		t.Fatalf("Func called %d times, want 1", n)
	}
	expectCounterCause(t, st.Name, "permanent", 1)
}

func TestOverBudgetOnceIsRetriedNotDeadLettered(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	st := stage(t, "stalled", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		if calls.Add(1) == 1 {
			// The process was paused mid-page: the budget ran out on the clock.
			return a, pipeline.OverBudget(errors.New("article over the time budget (1s)"))
		}
		a.Title = "cleaned on the second try"
		return a, nil
	})
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)

	out := readAll(t, srv, pipeline.SubjectEnriched, 1)
	a, err := pipeline.DecodeArticle(out[0].Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "cleaned on the second try" {
		t.Fatalf("output title %q", a.Title)
	}
	waitSettled(t, srv, st.Name, 1)
	if n := calls.Load(); n != 2 {
		t.Fatalf("Func called %d times, want 2", n)
	}
	expectCounter(t, "newsflow_stage_messages_retried_total", st.Name, 1)
	expectEmpty(t, srv, pipeline.StreamDeadLetter)
}

func TestOverBudgetOnEveryDeliveryIsDeadLettered(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	st := stage(t, "overbudget", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		calls.Add(1)
		return a, pipeline.OverBudget(errors.New("article over the time budget (1s)"))
	})
	st.MaxDeliver = 3
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)

	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadCause, "over_budget")
	expectHeader(t, dead, pipeline.HeaderDeadReason, "over budget on all 3 deliveries, last: article over the time budget (1s)")
	waitSettled(t, srv, st.Name, 1)
	if n := calls.Load(); n != 3 {
		t.Fatalf("Func called %d times, want MaxDeliver=3", n)
	}
	expectCounterCause(t, st.Name, "over_budget", 1)
	expectEmpty(t, srv, pipeline.StreamEnriched)
}

func TestUndecodableMessageIsDeadLetteredAtOnce(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	st := stage(t, "undecodable", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		calls.Add(1)
		return a, nil
	})
	run(t, srv, st)
	garbage := []byte{0x00, 0xff, 0x13, 0x37, '{', '"'}
	if _, err := srv.JS.Publish(context.Background(), pipeline.SubjectClean, garbage); err != nil {
		t.Fatal(err)
	}
	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadCause, "undecodable")
	if reason := dead.Header.Get(pipeline.HeaderDeadReason); len(reason) < len("undecodable: ") || reason[:13] != "undecodable: " {
		t.Fatalf("reason = %q", reason)
	}
	waitSettled(t, srv, st.Name, 1)
	if calls.Load() != 0 {
		t.Fatal("Func called on an undecodable message")
	}
}

func TestWrongSchemaIsDeadLetteredAtOnce(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	st := stage(t, "schema", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	run(t, srv, st)
	if _, err := srv.JS.Publish(context.Background(), pipeline.SubjectClean, []byte(`{"schema":99,"id":"x","text":"t"}`)); err != nil {
		t.Fatal(err)
	}
	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadReason, "undecodable: unsupported article schema: got 99, want 1")
	waitSettled(t, srv, st.Name, 1)
	expectEmpty(t, srv, pipeline.StreamEnriched)
}

func TestTimeoutIsTransient(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	release := make(chan struct{})
	defer close(release)
	st := stage(t, "slow", func(context.Context, pipeline.Article) (pipeline.Article, error) {
		<-release // ignores its context: the runner must abandon it
		return pipeline.Article{}, nil
	})
	st.Timeout = 200 * time.Millisecond
	st.MaxDeliver = 2
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)
	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadReason, "failed 2 times, last: stage timed out after 200ms (the call is still running)")
}

func TestLongWorkIsKeptInProgress(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	st := stage(t, "long", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		calls.Add(1)
		time.Sleep(3 * time.Second) // three ack waits
		return a, nil
	})
	st.AckWait = time.Second
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)
	readAll(t, srv, pipeline.SubjectEnriched, 1)
	waitSettled(t, srv, st.Name, 1)
	if n := calls.Load(); n != 1 {
		t.Fatalf("Func called %d times: the message was redelivered while in progress", n)
	}
}

func TestDependencyOutageIsWaitedOutNotDeadLettered(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	bucket := jetstream.KeyValueConfig{Bucket: "memory"}
	kv, err := srv.JS.CreateKeyValue(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	var lastErr atomic.Value
	st := stage(t, "memory", func(ctx context.Context, a pipeline.Article) (pipeline.Article, error) {
		if a.ID == "bad" {
			return a, pipeline.Permanent(errors.New("not an article"))
		}
		calls.Add(1)
		// The enricher's entity memory: a write to its KV bucket.
		if _, err := kv.Put(ctx, a.ID, []byte("seen")); err != nil {
			lastErr.Store(err.Error())
			return a, fmt.Errorf("memory: remember %s: %w", a.ID, err)
		}
		return a, nil
	})
	// A short ack wait and two deliveries: counted as failures, the
	// outage below would dead-letter the page many times over.
	st.MaxDeliver, st.AckWait = 2, 2*time.Second
	st.DependencyBackoff = func(int) time.Duration { return 100 * time.Millisecond }
	run(t, srv, st)

	// The bucket's stream goes away (its node is down, someone deleted it).
	if err := srv.JS.DeleteKeyValue(ctx, bucket.Bucket); err != nil {
		t.Fatal(err)
	}
	publishArticle(t, srv, pipeline.SubjectClean, "good", nil)
	eventually(t, 10*time.Second, "stage degraded", func() bool { return st.Degraded() != nil })
	// Bad input is still dead-lettered at once, with its reason.
	publishArticle(t, srv, pipeline.SubjectClean, "bad", nil)
	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadCause, "permanent")
	expectHeader(t, dead, pipeline.HeaderDeadReason, "not an article")

	// Several ack waits, and far more calls than MaxDeliver.
	time.Sleep(3 * st.AckWait)
	eventually(t, 30*time.Second, "5×MaxDeliver calls", func() bool { return calls.Load() >= 5*int32(st.MaxDeliver) })
	t.Logf("during the outage: %d calls, last error %v; %v", calls.Load(), lastErr.Load(), st.Degraded())
	if n := streamMsgs(t, srv, pipeline.StreamDeadLetter); n != 1 {
		t.Fatalf("%d dead letters during the outage, want only the bad input's", n)
	}
	expectEmpty(t, srv, pipeline.StreamEnriched)

	if _, err := srv.JS.CreateKeyValue(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	out := readAll(t, srv, pipeline.SubjectEnriched, 1)
	if a, err := pipeline.DecodeArticle(out[0].Data, nil); err != nil || a.ID != "good" {
		t.Fatalf("output %q, %v; want the good page", out[0].Data, err)
	}
	waitSettled(t, srv, st.Name, 2)
	eventually(t, 5*time.Second, "stage healthy again", func() bool { return st.Degraded() == nil })
	if n := streamMsgs(t, srv, pipeline.StreamDeadLetter); n != 1 {
		t.Fatalf("%d dead letters, want only the bad input's", n)
	}
	// Held, never handed back: the server delivered the page once.
	c, err := srv.JS.Consumer(ctx, pipeline.StreamClean, st.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.NumRedelivered != 0 {
		t.Errorf("%d redeliveries, want 0", info.NumRedelivered)
	}
	expectCounter(t, "newsflow_stage_messages_retried_total", st.Name, 0)
	// Every call after the first followed a wait.
	expectCounter(t, "newsflow_stage_dependency_waits_total", st.Name, float64(calls.Load()-1))
}

func TestUnavailableIsHeldThroughShutdownAndRestart(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var storeUp atomic.Bool
	f := func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		if !storeUp.Load() {
			// What the sink says when its database refuses connections.
			return a, pipeline.Unavailable(errors.New("store: dial tcp 10.0.0.5:5432: connection refused"))
		}
		return a, nil
	}
	st := stage(t, "store", f)
	st.MaxDeliver, st.AckWait = 2, time.Second
	st.DependencyBackoff = func(int) time.Duration { return 50 * time.Millisecond }

	// First process: holds the page, then is stopped.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx, srv.JS) }()
	eventually(t, 10*time.Second, "stage ready", st.Ready)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)
	eventually(t, 10*time.Second, "stage degraded", func() bool { return st.Degraded() != nil })
	time.Sleep(3 * st.AckWait)
	begin := time.Now()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took > 2*time.Second {
		t.Fatalf("shutdown while holding took %s", took)
	}

	// Restarted with the store still down for a while: not dead-lettered
	// though this is its second (and last allowed) delivery.
	second := stage(t, "store", f)
	second.Name = st.Name
	second.MaxDeliver, second.AckWait, second.DependencyBackoff = st.MaxDeliver, st.AckWait, st.DependencyBackoff
	run(t, srv, second)
	eventually(t, 10*time.Second, "restarted stage degraded", func() bool { return second.Degraded() != nil })
	time.Sleep(3 * st.AckWait)
	storeUp.Store(true)
	readAll(t, srv, pipeline.SubjectEnriched, 1)
	waitSettled(t, srv, st.Name, 1)
	expectEmpty(t, srv, pipeline.StreamDeadLetter)
	if second.Degraded() != nil {
		t.Errorf("still degraded: %v", second.Degraded())
	}
}

func TestPublishRejectedUnderLoadIsRetried(t *testing.T) {
	// A one-message ingest buffer makes the server answer concurrent
	// publishes with 429 Too Many Requests, as it does under real load.
	srv := pipelinetest.StartJetStream(t, func(o *embedded.Options) { o.StreamMaxBufferedMsgs = 1 })
	st := stage(t, "pressure", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	st.Workers = 32
	run(t, srv, st)
	const n = 3000
	publishMany(t, srv, pipeline.SubjectClean, n)

	waitSettled(t, srv, st.Name, n)
	if got := streamMsgs(t, srv, pipeline.StreamEnriched); got != n {
		t.Fatalf("enriched stream holds %d messages, want exactly %d", got, n)
	}
	if counter(t, "newsflow_stage_publish_retries_total", st.Name) == 0 {
		t.Fatal("no publish was refused: the test did not exercise back-pressure")
	}
	expectEmpty(t, srv, pipeline.StreamDeadLetter)
}

func TestPublishWithNoStreamIsRetriedUntilItExists(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	if err := srv.JS.DeleteStream(context.Background(), pipeline.StreamEnriched); err != nil {
		t.Fatal(err)
	}
	st := stage(t, "nostream", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	run(t, srv, st)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)
	eventually(t, 10*time.Second, "publish retried", func() bool {
		return counter(t, "newsflow_stage_publish_retries_total", st.Name) > 0
	})
	if err := runner.EnsureTopology(context.Background(), srv.JS, runner.Topology{}); err != nil {
		t.Fatal(err)
	}
	readAll(t, srv, pipeline.SubjectEnriched, 1)
	waitSettled(t, srv, st.Name, 1)
}

func TestShutdownLosesAndDuplicatesNothing(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	var calls atomic.Int32
	f := func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
		calls.Add(1)
		time.Sleep(5 * time.Millisecond)
		return a, nil
	}
	const n = 400
	publishMany(t, srv, pipeline.SubjectClean, n)

	first := stage(t, "drain", f)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- first.Run(ctx, srv.JS) }()
	eventually(t, 10*time.Second, "first instance working", func() bool { return calls.Load() > 50 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	stoppedAt := calls.Load()
	if stoppedAt >= n {
		t.Fatalf("everything was processed before shutdown (%d); the test shut nothing down", stoppedAt)
	}

	second := stage(t, "drain", f)
	second.Name = first.Name
	run(t, srv, second)
	waitSettled(t, srv, first.Name, n)
	if got := streamMsgs(t, srv, pipeline.StreamEnriched); got != n {
		t.Fatalf("after a restart mid-stream the output holds %d messages, want exactly %d", got, n)
	}
	expectEmpty(t, srv, pipeline.StreamDeadLetter)
}

func TestShutdownIsBoundedByDrainTimeout(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	release := make(chan struct{})
	defer close(release)
	stuck := stage(t, "stuck", func(context.Context, pipeline.Article) (pipeline.Article, error) {
		<-release // a call that outlives the shutdown
		return pipeline.Article{}, errors.New("released")
	})
	stuck.Timeout, stuck.DrainTimeout, stuck.AckWait = time.Minute, 500*time.Millisecond, time.Second
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- stuck.Run(ctx, srv.JS) }()
	eventually(t, 10*time.Second, "stage ready", stuck.Ready)
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)
	eventually(t, 10*time.Second, "message in flight", func() bool {
		return counter(t, "newsflow_stage_messages_in_total", stuck.Name) == 1
	})
	begin := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after DrainTimeout")
	}
	if took := time.Since(begin); took > 2*time.Second {
		t.Fatalf("Run returned %s after its context was done, want about DrainTimeout (500ms)", took)
	}

	// The message left in flight is redelivered to the next instance.
	next := stage(t, "stuck", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	next.Name, next.AckWait = stuck.Name, stuck.AckWait
	run(t, srv, next)
	readAll(t, srv, pipeline.SubjectEnriched, 1)
	waitSettled(t, srv, next.Name, 1)
	expectEmpty(t, srv, pipeline.StreamDeadLetter)
}

func TestMaxDeliveriesWithoutOutcomeIsDeadLettered(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	ctx := context.Background()
	st := stage(t, "crashy", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	st.MaxDeliver, st.AckWait = 2, 500*time.Millisecond
	// A worker of this stage takes the message and dies, twice: nobody acks.
	cons, err := srv.JS.CreateOrUpdateConsumer(ctx, pipeline.StreamClean, jetstream.ConsumerConfig{
		Durable: st.Name, FilterSubject: pipeline.SubjectClean, AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: st.AckWait, MaxDeliver: st.MaxDeliver,
	})
	if err != nil {
		t.Fatal(err)
	}
	publishArticle(t, srv, pipeline.SubjectClean, "a1", nil)
	for range 2 {
		if _, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	// The server gives up on the message at the next pull, which the
	// restarted stage makes; its watcher must dead-letter the message.
	run(t, srv, st)
	dead := readAll(t, srv, pipeline.DeadLetterSubject(st.Name), 1)[0]
	expectHeader(t, dead, pipeline.HeaderDeadCause, "max_deliveries")
	expectHeader(t, dead, pipeline.HeaderDeadAttempt, "2")
	expectCounterCause(t, st.Name, "max_deliveries", 1)
	expectEmpty(t, srv, pipeline.StreamEnriched)
	if n := streamMsgs(t, srv, runner.StreamAdvisories); n != 1 {
		t.Fatalf("advisories stream holds %d messages, want 1", n)
	}
}

func TestStallIsShortAfterServerRestart(t *testing.T) {
	dir := t.TempDir()
	start := func() *pipelinetest.Server {
		return pipelinetest.StartJetStream(t, func(o *embedded.Options) { o.DataDir = dir })
	}
	first := start()
	nc, err := nats.Connect(first.URL(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	st := stage(t, "restart", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) { return a, nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx, js) }()
	defer func() { cancel(); <-done }()
	eventually(t, 10*time.Second, "stage ready", st.Ready)

	// Restart the server on the same port and data directory.
	addr := first.NS.Addr().String()
	first.NC.Close()
	first.NS.Shutdown()
	first.NS.WaitForShutdown()
	_, portStr, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(portStr)
	second := pipelinetest.StartJetStream(t, func(o *embedded.Options) { o.DataDir = dir; o.Port = p })

	publishArticle(t, second, pipeline.SubjectClean, "after-restart", nil)
	begin := time.Now()
	readAll(t, second, pipeline.SubjectEnriched, 1)
	// With the client default (30 s pulls) this can take half a minute.
	if took := time.Since(begin); took > 15*time.Second {
		t.Fatalf("message published after a server restart took %s to be processed", took)
	}
}

// --- helpers ---

func stage(t *testing.T, name string, f pipeline.Func) *runner.Stage {
	t.Helper()
	return &runner.Stage{
		Name: name + "-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36), From: pipeline.SubjectClean,
		To: pipeline.SubjectEnriched, Version: "test", Func: f,
		Backoff: func(int) time.Duration { return 50 * time.Millisecond }, DrainTimeout: 10 * time.Second,
	}
}

// run runs st until the test ends.
func run(t *testing.T, srv *pipelinetest.Server, st *runner.Stage) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx, srv.JS) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	eventually(t, 10*time.Second, "stage ready", func() bool {
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		default:
		}
		return st.Ready()
	})
}

func articleJSON(t *testing.T, id string) []byte {
	t.Helper()
	b, err := pipeline.EncodeArticle(&pipeline.Article{Schema: pipeline.SchemaVersion, ID: id, Text: "text of " + id})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func publishArticle(t *testing.T, srv *pipelinetest.Server, subject, id string, h nats.Header) uint64 {
	t.Helper()
	ack, err := srv.JS.PublishMsg(context.Background(), &nats.Msg{Subject: subject, Data: articleJSON(t, id), Header: h})
	if err != nil {
		t.Fatal(err)
	}
	return ack.Sequence
}

func publishMany(t *testing.T, srv *pipelinetest.Server, subject string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range n {
		msg := &nats.Msg{Subject: subject, Data: articleJSON(t, "a"+strconv.Itoa(i))}
		if _, err := runner.Publish(ctx, srv.JS, msg, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// readAll reads the first n messages of subject from its stream.
func readAll(t *testing.T, srv *pipelinetest.Server, subject string, n int) []*jetstream.RawStreamMsg {
	t.Helper()
	stream, err := srv.JS.Stream(context.Background(), pipeline.StreamOf(subject))
	if err != nil {
		t.Fatal(err)
	}
	var out []*jetstream.RawStreamMsg
	eventually(t, 20*time.Second, fmt.Sprintf("%d messages on %s", n, subject), func() bool {
		out = out[:0]
		info, err := stream.Info(context.Background())
		if err != nil {
			return false
		}
		for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0; seq++ {
			m, err := stream.GetMsg(context.Background(), seq)
			if err == nil && m.Subject == subject {
				out = append(out, m)
			}
		}
		return len(out) >= n
	})
	if len(out) != n {
		t.Fatalf("%d messages on %s, want %d", len(out), subject, n)
	}
	return out
}

// waitSettled waits until the stage's consumer has settled n messages:
// nothing pending, nothing awaiting an ack.
func waitSettled(t *testing.T, srv *pipelinetest.Server, consumer string, n int) {
	t.Helper()
	var info *jetstream.ConsumerInfo
	eventually(t, 60*time.Second, "consumer "+consumer+" settled", func() bool {
		c, err := srv.JS.Consumer(context.Background(), pipeline.StreamClean, consumer)
		if err != nil {
			return false
		}
		info, err = c.Info(context.Background())
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.AckFloor.Stream >= uint64(n)
	})
}

func streamMsgs(t *testing.T, srv *pipelinetest.Server, name string) uint64 {
	t.Helper()
	s, err := srv.JS.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func expectEmpty(t *testing.T, srv *pipelinetest.Server, stream string) {
	t.Helper()
	if n := streamMsgs(t, srv, stream); n != 0 {
		t.Fatalf("stream %s holds %d messages, want none", stream, n)
	}
}

func expectHeader(t *testing.T, m *jetstream.RawStreamMsg, key, want string) {
	t.Helper()
	if got := m.Header.Get(key); got != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

func counter(t *testing.T, name, stage string, extra ...string) float64 {
	t.Helper()
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["stage"] != stage {
				continue
			}
			for i := 0; i+1 < len(extra); i += 2 {
				if labels[extra[i]] != extra[i+1] {
					continue metrics
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// expectCounter waits briefly: the runner counts a message after its ack
// is confirmed, so the consumer can look settled a moment before the
// counter moves (seen under -race in a clean-clone CI run).
func expectCounter(t *testing.T, name, stage string, want float64) {
	t.Helper()
	eventually(t, 5*time.Second, fmt.Sprintf("%s{stage=%q} = %v", name, stage, want), func() bool {
		return counter(t, name, stage) == want
	})
}

// expectCounterCause waits briefly: a dead letter is readable in its
// stream a moment before the runner counts it.
func expectCounterCause(t *testing.T, stage, cause string, want float64) {
	t.Helper()
	eventually(t, 5*time.Second, fmt.Sprintf("dead_lettered{stage=%q,cause=%q} = %v", stage, cause, want), func() bool {
		return counter(t, "newsflow_stage_messages_dead_lettered_total", stage, "cause", cause) == want
	})
}

func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killAfterPublish is the stage's JetStream with one fault: the first
// publish to the output stream is stored, and then NATS is killed before
// the worker can ack its input — the audit's lost ack.
type killAfterPublish struct {
	jetstream.JetStream
	once sync.Once
	kill func()
}

func (k *killAfterPublish) PublishMsg(ctx context.Context, m *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	ack, err := k.JetStream.PublishMsg(ctx, m, opts...)
	if err == nil && m.Subject == pipeline.SubjectEnriched {
		k.once.Do(k.kill)
	}
	return ack, err
}

func TestAckLostInOutageLongerThanWindowIsNotDuplicated(t *testing.T) {
	const outage = 2500 * time.Millisecond
	for _, tc := range []struct {
		name     string
		topology runner.Topology
		copies   uint64
	}{
		// The default window is the streams' retention: any redelivery is
		// recognised, however long the outage.
		{"default window", runner.Topology{Apply: true}, 1},
		// A window shorter than the outage (the old fixed 2 minutes against
		// a 152 s outage, scaled down) lets the redelivery store a copy.
		{"window shorter than the outage", runner.Topology{DuplicateWindow: time.Second, Apply: true}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			first := pipelinetest.StartJetStream(t, func(o *embedded.Options) { o.DataDir = dir })
			if err := runner.EnsureTopology(context.Background(), first.JS, tc.topology); err != nil {
				t.Fatal(err)
			}
			port := first.NS.Addr().(*net.TCPAddr).Port
			// The stage's own connection reconnects forever and buffers
			// nothing while disconnected, so its ack is lost, not replayed.
			nc, err := nats.Connect(first.URL(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond), nats.ReconnectBufSize(-1))
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			js, _ := jetstream.New(nc)
			down := make(chan struct{})
			fault := &killAfterPublish{JetStream: js, kill: func() {
				first.NC.Close()
				first.NS.Shutdown()
				first.NS.WaitForShutdown()
				close(down)
			}}
			var calls atomic.Int32
			st := stage(t, "outage", func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
				calls.Add(1)
				return a, nil
			})
			st.AckWait = time.Second
			st.Log = zaptest.NewLogger(t)
			// The article is in the stream before the stage starts: the
			// stage kills the server as soon as it has published its output,
			// which could otherwise cut the test's own publish short.
			publishArticle(t, first, pipeline.SubjectClean, "a1", nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- st.Run(ctx, fault) }()
			defer func() { cancel(); <-done }()

			<-down
			time.Sleep(outage)
			ns, err := embedded.Start(embedded.Options{DataDir: dir, Host: "127.0.0.1", Port: port})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
			check, err := nats.Connect(ns.ClientURL())
			if err != nil {
				t.Fatal(err)
			}
			defer check.Close()
			checkJS, _ := jetstream.New(check)
			second := &pipelinetest.Server{NS: ns, NC: check, JS: checkJS}

			waitSettled(t, second, st.Name, 1)
			if n := calls.Load(); n < 2 {
				t.Fatalf("Func called %d times: the input was not redelivered after the outage", n)
			}
			if got := streamMsgs(t, second, pipeline.StreamEnriched); got != tc.copies {
				t.Fatalf("enriched stream holds %d copies, want %d", got, tc.copies)
			}
			// Only the confirmed ack counts the message as done.
			expectCounter(t, "newsflow_stage_messages_out_total", st.Name, 1)
			// The lost ack is counted when the client gives up on it: at
			// once if it saw the connection go, else after its timeout.
			eventually(t, 10*time.Second, "unconfirmed ack counted", func() bool {
				return counter(t, "newsflow_stage_acks_unconfirmed_total", st.Name) == 1
			})
		})
	}
}

// Every stream's duplicate window covers its inputs' retention, and the
// server accepts the topology with retention longer than the dead letters'.
func TestDuplicateWindowIsTheRetention(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	topo := runner.Topology{MaxAge: 60 * 24 * time.Hour, Apply: true}
	if err := runner.EnsureTopology(context.Background(), srv.JS, topo); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{pipeline.StreamRaw, pipeline.StreamClean, pipeline.StreamEnriched} {
		s, err := srv.JS.Stream(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if cfg := s.CachedInfo().Config; cfg.Duplicates != cfg.MaxAge {
			t.Errorf("%s: duplicate window %s, retention %s", name, cfg.Duplicates, cfg.MaxAge)
		}
	}
}
