package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// benchRunnerCmd measures the runner's cost: messages/s through three
// no-op stages against a bare JetStream chain doing the same work, in the
// same run, on fresh servers, alternating so drift hits both alike.
func benchRunnerCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench runner", "")
	n := fs.Int("n", 20000, "messages per measurement")
	rounds := fs.Int("rounds", 3, "measurements of each chain")
	workers := fs.Int("workers", 0, "concurrent messages per hop, for both chains (0: the runner's default)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	payloads, err := benchPayloads()
	if err != nil {
		return err
	}
	if *workers == 0 {
		*workers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	fmt.Fprintf(e.stdout, "three hops (raw → clean → enriched → acked), %d messages of %d–%d bytes, %d workers per hop, GOMAXPROCS=%d\n",
		*n, minLen(payloads), maxLen(payloads), *workers, runtime.GOMAXPROCS(0))
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rates := map[string][]float64{}
	for r := range *rounds {
		order := []string{"bare", "runner"}
		if r%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, which := range order {
			rate, err := measureChain(ctx, which, payloads, *n, *workers)
			if err != nil {
				return err
			}
			rates[which] = append(rates[which], rate)
			fmt.Fprintf(e.stderr, "  round %d %-6s %8.0f msg/s\n", r+1, which, rate)
		}
	}
	bare, ours := rates["bare"], rates["runner"]
	mb, mo := median(bare), median(ours)
	fmt.Fprintf(e.stdout, "\n| chain | msg/s (median of %d) |\n|---|---|\n", *rounds)
	fmt.Fprintf(e.stdout, "| bare JetStream (consume → publish, wait PubAck → ack) | %.0f |\n", mb)
	fmt.Fprintf(e.stdout, "| newsflow runner (no-op stages) | %.0f |\n", mo)
	fmt.Fprintf(e.stdout, "| **ratio runner / bare** | **%.2f** |\n", mo/mb)
	return nil
}

// benchPayloads are the seed articles as clean Articles, the size of real
// traffic; without the shared data, synthetic articles of similar size.
func benchPayloads() ([][]byte, error) {
	var texts []string
	if dir, err := shareddata.Dir(); err == nil {
		for _, name := range []string{"000", "001", "002", "003", "004"} {
			matches, _ := globSeed(dir, name)
			for _, m := range matches {
				b, err := os.ReadFile(m)
				if err == nil {
					texts = append(texts, string(b))
				}
			}
		}
	}
	if len(texts) == 0 {
		for i := range 5 {
			texts = append(texts, string(make([]byte, 2000+i*1000)))
		}
	}
	var out [][]byte
	for i, t := range texts {
		a, err := pipeline.DecodeRaw([]byte(t), nil)
		if err != nil {
			a = pipeline.Article{Schema: pipeline.SchemaVersion, ID: strconv.Itoa(i), Text: t}
		}
		b, err := pipeline.EncodeArticle(&a)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// measureChain preloads n messages on the raw subject of a fresh server,
// starts three hops and returns messages/s until the last hop has acked all.
func measureChain(ctx context.Context, which string, payloads [][]byte, n, workers int) (float64, error) {
	dir, err := os.MkdirTemp("", "newsflow-bench-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	ns, err := embedded.Start(embedded.Options{DataDir: dir, Host: "127.0.0.1", Port: -1})
	if err != nil {
		return 0, err
	}
	defer ns.Shutdown()
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	if err := runner.EnsureTopology(ctx, js, runner.Topology{}); err != nil {
		return 0, err
	}
	pending := make([]jetstream.PubAckFuture, 0, n)
	for i := range n {
		f, err := js.PublishAsync(pipeline.SubjectRaw, payloads[i%len(payloads)], jetstream.WithMsgID("m"+strconv.Itoa(i)))
		if err != nil {
			return 0, err
		}
		pending = append(pending, f)
	}
	for _, f := range pending {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return 0, err
		}
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
	var wg sync.WaitGroup
	start := time.Now()
	for i, h := range hops {
		last := h.to == ""
		name := "bench-" + strconv.Itoa(i)
		switch which {
		case "runner":
			st := &runner.Stage{Name: name, From: h.from, To: h.to, Workers: workers,
				Decode: pipeline.DecodeArticle,
				Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
					if last {
						count()
					}
					return a, nil
				}}
			wg.Go(func() { _ = st.Run(runCtx, js) })
		case "bare":
			stop, err := bareHop(runCtx, js, name, h.from, h.to, workers, func() {
				if last {
					count()
				}
			})
			if err != nil {
				cancel()
				return 0, err
			}
			wg.Go(func() { <-runCtx.Done(); stop() })
		}
	}
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		cancel()
		return 0, fmt.Errorf("%s chain: only %d of %d messages after 5 minutes", which, acked.Load(), n)
	}
	elapsed := time.Since(start)
	cancel()
	wg.Wait()
	return float64(n) / elapsed.Seconds(), nil
}

// bareHop is the chain without newsflow: consume, publish the same bytes
// with a Msg-Id and wait for the PubAck, ack; as many workers as the runner.
func bareHop(ctx context.Context, js jetstream.JetStream, name, from, to string, workers int, onAck func()) (func(), error) {
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
			for m := range work {
				if to != "" {
					meta, _ := m.Metadata()
					out := &nats.Msg{Subject: to, Data: m.Data(), Header: nats.Header{}}
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
	cc, err := cons.Consume(func(m jetstream.Msg) { work <- m }, jetstream.PullMaxMessages(2*workers))
	if err != nil {
		close(work)
		return nil, err
	}
	return func() { cc.Stop(); <-cc.Closed(); close(work); wg.Wait() }, nil
}

func globSeed(dir, prefix string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, "seeds", prefix+"_*.txt"))
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func minLen(bs [][]byte) int {
	m := len(bs[0])
	for _, b := range bs {
		m = min(m, len(b))
	}
	return m
}

func maxLen(bs [][]byte) int {
	m := 0
	for _, b := range bs {
		m = max(m, len(b))
	}
	return m
}
