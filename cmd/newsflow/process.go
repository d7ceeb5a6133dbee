package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/claimcheck"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// errDeadLettered reports that some input was dead-lettered; the reasons
// have been printed.
var errDeadLettered = errors.New("some inputs were dead-lettered")

func processCmd(ctx context.Context, e *env, args []string) error {
	o := defaultAllInOne()
	o.NoListen, o.Base.OpsAddr, o.DataDir, o.Sink.APIAddr = true, "", "", ""
	fs := newFlagSet(e, "process", "FILE|DIR...")
	fs.StringVar(&o.DataDir, "data-dir", "", "keep the pipeline's data here (default: a temporary directory, removed after)")
	fs.StringVar(&o.Sink.DB, "db", "", "store the articles in this store too (default: a temporary SQLite file)")
	fs.StringVar(&o.Base.LogLevel, "log-level", "error", "debug, info, warn or error")
	limit := fs.Duration("wait", 10*time.Minute, "give up if the inputs have not all come out after this long")
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	paths, err := collectFiles(pos)
	if err != nil {
		return err
	}
	if o.DataDir == "" {
		dir, err := os.MkdirTemp("", "newsflow-process-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.DataDir = dir
	}
	if err := o.validate(); err != nil {
		return err
	}
	log, err := o.Base.Logger()
	if err != nil {
		return err
	}
	p, err := o.start(ctx, log)
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- p.run(runCtx) }()
	results, waitErr := feed(ctx, p, e.stdin, paths, *limit)
	stop()
	if err := <-done; err != nil && waitErr == nil {
		waitErr = err
	}
	if waitErr != nil {
		return waitErr
	}

	dead := 0
	for i, r := range results {
		switch {
		case r.dead != nil:
			dead++
			fmt.Fprintf(e.stderr, "%s: dead-lettered by %s: %s\n", paths[i],
				r.dead.Get(pipeline.HeaderDeadStage), r.dead.Get(pipeline.HeaderDeadReason))
		case r.enriched != nil:
			fmt.Fprintf(e.stdout, "%s\n", r.enriched)
		}
	}
	if dead > 0 {
		return errDeadLettered
	}
	return nil
}

type outcome struct {
	enriched []byte
	dead     interface{ Get(string) string }
}

// feed publishes every file and waits until each has come out of the
// pipeline: enriched and stored, or dead-lettered by some stage.
func feed(ctx context.Context, p *pipelineProcess, stdin io.Reader, paths []string, limit time.Duration) ([]outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for _, st := range p.service.Stages {
		for !st.Ready() {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("pipeline did not start: %w", ctx.Err())
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	var (
		mu       sync.Mutex
		results  = make([]outcome, len(paths))
		enriched int
		settled  = make(chan struct{}, 1)
	)
	// Inputs are published as "process:<run>:<index>". The run token keeps a
	// second run on the same -data-dir apart from the first: the streams
	// remember message ids for as long as they keep messages, and the
	// watches below read the streams from their start.
	run := "process:" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"
	index := func(origin string) (int, bool) {
		rest, ok := strings.CutPrefix(origin, run)
		if !ok {
			return 0, false
		}
		i, err := strconv.Atoi(rest)
		return i, err == nil && i >= 0 && i < len(paths)
	}
	notify := func() {
		select {
		case settled <- struct{}{}:
		default:
		}
	}
	watch := func(stream string, record func(i int, m jetstream.Msg)) (jetstream.ConsumeContext, error) {
		cons, err := p.js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
		if err != nil {
			return nil, err
		}
		return cons.Consume(func(m jetstream.Msg) {
			if i, ok := index(m.Headers().Get(pipeline.HeaderOrigin)); ok {
				mu.Lock()
				record(i, m)
				mu.Unlock()
				notify()
			}
		})
	}
	for stream, record := range map[string]func(int, jetstream.Msg){
		pipeline.StreamEnriched: func(i int, m jetstream.Msg) {
			if results[i].enriched == nil {
				enriched++
			}
			results[i].enriched = m.Data()
		},
		pipeline.StreamDeadLetter: func(i int, m jetstream.Msg) { results[i].dead = m.Headers() },
	} {
		cc, err := watch(stream, record)
		if err != nil {
			return nil, err
		}
		defer cc.Stop()
	}

	pub := publisher{js: p.js, maxBody: claimcheck.Threshold(p.nc.MaxPayload())}
	for i, path := range paths {
		data, err := readInput(stdin, path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		msg, err := pub.message(ctx, data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		// The index is the origin: it comes back on the output or dead letter.
		msg.Header.Set(pipeline.HeaderMsgID, run+strconv.Itoa(i))
		if _, err := runner.Publish(ctx, p.js, msg, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}

	sink, err := p.js.Consumer(ctx, pipeline.StreamEnriched, pipeline.StageSink)
	if err != nil {
		return nil, err
	}
	for {
		mu.Lock()
		pending := 0
		for _, r := range results {
			if r.enriched == nil && r.dead == nil {
				pending++
			}
		}
		seen := enriched
		mu.Unlock()
		if pending == 0 {
			// Everything is out; wait for the sink to have stored it too.
			info, err := sink.Info(ctx)
			if err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.Delivered.Stream >= uint64(seen) {
				// A sink dead letter may still be on its way to us.
				time.Sleep(50 * time.Millisecond)
				mu.Lock()
				defer mu.Unlock()
				return results, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%d of %d inputs still in the pipeline: %w", pending, len(paths), ctx.Err())
		case <-settled:
		case <-time.After(25 * time.Millisecond):
		}
	}
}
