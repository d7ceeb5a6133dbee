package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// benchServicesCmd measures each service binary's resident memory under a
// steady stream of articles: the services run as separate processes, as in
// a deployment, against an embedded NATS server in this process.
func benchServicesCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "services", "")
	bin := fs.String("bin", "bin", "directory holding the service binaries (make build)")
	rate := fs.Int("rate", 100, "articles published per second")
	dur := fs.Duration("duration", 60*time.Second, "how long to keep the load up")
	load := fs.String("load", "pages", "pages: the extraction benchmarks' 600-odd real pages as bare HTML, each under a new URL;\n"+
		"seeds: the five seed articles made unique — one story, the hardest case for story linking")
	if err := fs.Parse(args); err != nil {
		return err
	}
	services := []string{"cleaner", "enricher", "sink"}
	for _, s := range services {
		if _, err := os.Stat(filepath.Join(*bin, s)); err != nil {
			return fmt.Errorf("%w: %s: run `make build` first or set -bin", errUsage, err)
		}
	}
	var next func(i int) (*nats.Msg, error)
	switch *load {
	case "seeds":
		payloads, err := benchPayloads()
		if err != nil {
			return err
		}
		next = func(i int) (*nats.Msg, error) {
			// A unique tail gives each message a new article id, as in a
			// real stream: every article is new to the sink.
			a, err := pipeline.DecodeArticle(payloads[i%len(payloads)], nil)
			if err != nil {
				return nil, err
			}
			a.Text += "\n\nBench article " + strconv.Itoa(i) + "."
			body, err := pipeline.EncodeArticle(&a)
			return &nats.Msg{Subject: pipeline.SubjectRaw, Data: body}, err
		}
	case "pages":
		pages, err := benchPages()
		if err != nil {
			return err
		}
		next = func(i int) (*nats.Msg, error) {
			m := nats.NewMsg(pipeline.SubjectRaw)
			m.Data = pages[i%len(pages)]
			m.Header.Set(pipeline.HeaderURL, "https://bench.example/news/"+strconv.Itoa(i))
			m.Header.Set(pipeline.HeaderContentType, "text/html")
			return m, nil
		}
	default:
		return fmt.Errorf("%w: -load %q: want pages or seeds", errUsage, *load)
	}
	dir, err := os.MkdirTemp("", "newsflow-bench-services-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ns, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "js"), Host: "127.0.0.1", Port: -1})
	if err != nil {
		return err
	}
	defer ns.Shutdown()
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	if err := runner.EnsureTopology(ctx, js, runner.Topology{}); err != nil {
		return err
	}

	procs := map[string]*exec.Cmd{}
	defer func() {
		for _, p := range procs {
			_ = p.Process.Signal(os.Interrupt)
			_ = p.Wait()
		}
	}()
	for _, s := range services {
		args := []string{"-nats-url", ns.ClientURL(), "-ops-addr=", "-log-level", "warn"}
		if s == "sink" {
			args = append(args, "-db", "sqlite://"+filepath.Join(dir, "bench.db"), "-api-addr=")
		}
		cmd := exec.CommandContext(ctx, filepath.Join(*bin, s), args...)
		cmd.Stderr = e.stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		procs[s] = cmd
	}

	fmt.Fprintf(e.stderr, "bench services: %d articles/s for %s (load %s)\n", *rate, *dur, *load)
	peak, peakAnon := map[string]int64{}, map[string]int64{}
	var last map[string]procMem
	sample := func() {
		last = map[string]procMem{}
		for s, p := range procs {
			m, err := procMemory(p.Process.Pid)
			if err == nil {
				last[s] = m
				peak[s] = max(peak[s], m.hwm)
				peakAnon[s] = max(peakAnon[s], m.anon)
			}
		}
	}
	tick := time.NewTicker(time.Second / time.Duration(*rate))
	defer tick.Stop()
	sampleTick := time.NewTicker(500 * time.Millisecond)
	defer sampleTick.Stop()
	end := time.After(*dur)
	sent := 0
loop:
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-end:
			break loop
		case <-sampleTick.C:
			sample()
		case <-tick.C:
			m, err := next(sent)
			if err != nil {
				return err
			}
			if _, err := js.PublishMsgAsync(m); err != nil {
				return err
			}
			sent++
		}
	}
	sample()
	stored, err := settled(ctx, js, pipeline.StreamEnriched, pipeline.StageSink, sent)
	if err != nil {
		return err
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	fmt.Fprintf(e.stdout, "| service | RSS at end (MB) | of which anonymous | of which file-backed (page cache) | peak RSS | peak anonymous |\n|---|---|---|---|---|---|\n")
	for _, s := range services {
		m := last[s]
		fmt.Fprintf(e.stdout, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f |\n", s, mb(m.rss), mb(m.anon), mb(m.file), mb(peak[s]), mb(peakAnon[s]))
	}
	fmt.Fprintf(e.stdout, "\n%d articles (load %s) published at %d/s for %s; %d stored by the sink a minute later at most.\n", sent, *load, *rate, *dur, stored)
	for _, st := range []struct{ stream, consumer string }{
		{pipeline.StreamRaw, pipeline.StageCleaner}, {pipeline.StreamClean, pipeline.StageEnricher}, {pipeline.StreamEnriched, pipeline.StageSink},
	} {
		if c, err := js.Consumer(ctx, st.stream, st.consumer); err == nil {
			if info, err := c.Info(ctx); err == nil {
				fmt.Fprintf(e.stdout, "  %-8s acked %d, %d waiting\n", st.consumer, info.AckFloor.Stream, info.NumPending+uint64(info.NumAckPending))
			}
		}
	}
	return nil
}

// settled waits (up to a minute) for a consumer to have acked n messages.
func settled(ctx context.Context, js jetstream.JetStream, stream, consumer string, n int) (int, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := js.Consumer(ctx, stream, consumer)
		if err == nil {
			if info, err := c.Info(ctx); err == nil && (int(info.AckFloor.Stream) >= n || time.Now().After(deadline)) {
				return int(info.AckFloor.Stream), nil
			}
		}
		if time.Now().After(deadline) {
			return 0, errors.New("consumer " + consumer + " never appeared")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// procMem is a process's memory as /proc/PID/status reports it, in bytes.
type procMem struct {
	rss, hwm   int64 // resident now, and at its peak
	anon, file int64 // resident anonymous memory; resident file-backed mappings (reclaimable)
}

func procMemory(pid int) (procMem, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procMem{}, err
	}
	defer f.Close()
	var m procMem
	fields := map[string]*int64{"VmRSS": &m.rss, "VmHWM": &m.hwm, "RssAnon": &m.anon, "RssFile": &m.file}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		dst := fields[k]
		if !ok || dst == nil {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return procMem{}, err
		}
		*dst = kb << 10
	}
	return m, sc.Err()
}

// procCPU is the CPU time p has used so far (user and system), 0 when it
// cannot be read. /proc counts it in clock ticks, 100 a second on Linux.
func procCPU(p *proc) time.Duration {
	if p == nil || p.cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from after it.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * (time.Second / 100)
}

// benchPages are the extraction benchmarks' HTML pages, as fetched.
func benchPages() ([][]byte, error) {
	dir, err := shareddata.Dir()
	if err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "extraction", "*", "html", "*.gz"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no pages under %s/extraction/*/html", dir)
	}
	pages := make([][]byte, 0, len(files))
	for _, f := range files {
		page, err := shareddata.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pages = append(pages, page)
	}
	return pages, nil
}
