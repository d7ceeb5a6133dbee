// Package chainbench measures what the runner costs: the same messages
// through three hops (raw → clean → enriched → acked) once as newsflow
// stages with a no-op Func, once as bare JetStream consumers doing the same
// publish-then-ack, each on a fresh embedded server. `newsflow-bench runner`
// and the runner's Go benchmarks both use it.
package chainbench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// Chain names one of the two ways of running the hops.
type Chain string

const (
	// Bare is the chain without newsflow: a consumer per hop whose workers
	// publish the bytes onward with a Nats-Msg-Id, wait for the PubAck and
	// ack, with the runner's pull settings.
	Bare Chain = "bare"
	// BareCodec is Bare plus the article codec a typed stage pays for:
	// each hop decodes the message into a pipeline.Article and encodes it
	// again (DecodeArticleWire, AppendArticleWire), as the runner does
	// around its Func. Runner against BareCodec is the runner's machinery
	// alone.
	BareCodec Chain = "bare+codec"
	// Runner is three runner.Stages with a no-op Func.
	Runner Chain = "runner"
)

// Chains are all the chains, in the order they are reported.
var Chains = []Chain{Bare, BareCodec, Runner}

// Result is one measurement.
type Result struct {
	PerSecond float64 // messages through all three hops per second
	CPUPerMsg float64 // this process's CPU time per message (µs), server included
}

// Measure preloads n messages (cycling through payloads) on the raw subject
// of a fresh server, starts the chain with workers per hop, and measures
// until the last hop has acked them all.
func Measure(ctx context.Context, chain Chain, payloads [][]byte, n, workers int) (Result, error) {
	dir, err := os.MkdirTemp("", "newsflow-chainbench-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	ns, err := embedded.Start(embedded.Options{DataDir: dir, Host: "127.0.0.1", Port: -1})
	if err != nil {
		return Result{}, err
	}
	defer ns.Shutdown()
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		return Result{}, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return Result{}, err
	}
	if err := runner.EnsureTopology(ctx, js, runner.Topology{}); err != nil {
		return Result{}, err
	}
	if err := preload(js, payloads, n); err != nil {
		return Result{}, err
	}

	var acked atomic.Int64
	done := make(chan struct{})
	count := func() {
		if acked.Add(1) == int64(n) {
			close(done)
		}
	}
	hops := []struct{ from, to string }{
		{pipeline.SubjectRaw, pipeline.SubjectClean},
		{pipeline.SubjectClean, pipeline.SubjectEnriched},
		{pipeline.SubjectEnriched, ""},
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	start, startCPU := time.Now(), cputime.Now()
	for i, h := range hops {
		last := h.to == ""
		name := "chain-" + strconv.Itoa(i)
		switch chain {
		case Runner:
			st := &runner.Stage{Name: name, From: h.from, To: h.to, Workers: workers,
				Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
					if last {
						count()
					}
					return a, nil
				}}
			wg.Go(func() { _ = st.Run(runCtx, js) })
		case Bare, BareCodec:
			stop, err := bareHop(runCtx, js, name, h.from, h.to, workers, chain == BareCodec, func() {
				if last {
					count()
				}
			})
			if err != nil {
				return Result{}, err
			}
			wg.Go(func() { <-runCtx.Done(); stop() })
		default:
			return Result{}, fmt.Errorf("chainbench: unknown chain %q", chain)
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-time.After(10 * time.Minute):
		return Result{}, fmt.Errorf("%s chain: only %d of %d messages after 10 minutes", chain, acked.Load(), n)
	}
	elapsed, cpu := time.Since(start), cputime.Now()-startCPU
	cancel()
	wg.Wait()
	return Result{PerSecond: float64(n) / elapsed.Seconds(), CPUPerMsg: float64(cpu.Microseconds()) / float64(n)}, nil
}

// preload publishes in batches: a loaded server acks slower than we send.
func preload(js jetstream.JetStream, payloads [][]byte, n int) error {
	if len(payloads) == 0 {
		return errors.New("chainbench: no payloads")
	}
	for i := 0; i < n; {
		pending := make([]jetstream.PubAckFuture, 0, 500)
		for ; i < n && len(pending) < cap(pending); i++ {
			f, err := js.PublishAsync(pipeline.SubjectRaw, payloads[i%len(payloads)], jetstream.WithMsgID("m"+strconv.Itoa(i)))
			if err != nil {
				return err
			}
			pending = append(pending, f)
		}
		for _, f := range pending {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				return err
			}
		}
	}
	return nil
}

func bareHop(ctx context.Context, js jetstream.JetStream, name, from, to string, workers int, codec bool, onAck func()) (func(), error) {
	cons, err := js.CreateOrUpdateConsumer(ctx, pipeline.StreamOf(from), jetstream.ConsumerConfig{
		Durable: name, FilterSubject: from, AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: 1000,
	})
	if err != nil {
		return nil, err
	}
	work := make(chan jetstream.Msg)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf []byte // reused: PublishMsg has sent it when it returns
			for m := range work {
				data := m.Data()
				if codec {
					a, w, err := pipeline.DecodeArticleWire(data)
					if err != nil {
						_ = m.Term()
						continue
					}
					if buf, err = pipeline.AppendArticleWire(buf[:0], &a, w); err != nil {
						_ = m.Term()
						continue
					}
					data = buf
				}
				if to != "" {
					meta, _ := m.Metadata()
					out := &nats.Msg{Subject: to, Data: data, Header: nats.Header{}}
					out.Header.Set(pipeline.HeaderMsgID, name+":"+strconv.FormatUint(meta.Sequence.Stream, 10))
					if _, err := js.PublishMsg(ctx, out); err != nil {
						_ = m.Nak()
						continue
					}
				}
				_ = m.Ack()
				onAck()
			}
		})
	}
	// The runner's pull settings: the client default (30 s pulls) stalls
	// for half a minute at times (nats.go #1622), which would flatter us.
	cc, err := cons.Consume(func(m jetstream.Msg) { work <- m },
		jetstream.PullMaxMessages(2*workers), jetstream.PullExpiry(5*time.Second))
	if err != nil {
		close(work)
		return nil, err
	}
	return func() { cc.Stop(); <-cc.Closed(); close(work); wg.Wait() }, nil
}
