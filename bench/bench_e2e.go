package main

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/pipeline/embedded"
)

// benchE2ECmd measures the pipeline as deployed, on real pages: the three
// stage binaries as processes against one NATS server process, and the
// all-in-one (`newsflow run`) as a process; in the same run each stage
// alone (its input stream pre-filled, only its consumer running).
func benchE2ECmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "e2e", "")
	c := e2eConfig{log: e.stderr}
	fs.StringVar(&c.bin, "bin", "bin", "directory holding the service binaries and newsflow (make build)")
	fs.StringVar(&c.pagesDir, "pages", "", "directory of HTML pages (*.html, *.html.gz, searched recursively), e.g. ../shared/extraction")
	fs.IntVar(&c.n, "n", 1000, "pages published as fast as JetStream takes them, for the throughput figures")
	fs.IntVar(&c.latN, "latency-n", 300, "pages published at half the measured end-to-end rate, for the latency figures")
	fs.BoolVar(&c.keep, "keep", false, "keep each run's data directory (JetStream, store) for inspection, and say where")
	deploys := fs.String("deployments", "stages,services,aio", "what to run, comma-separated: stages (each stage alone), services (the three binaries), aio (newsflow run)")
	variants := fs.String("variants", "", "semicolon-separated sets of extra flags given to every service and to newsflow run, each run as its own column\n"+
		`after the defaults (e.g. "-max-age=1h"); "" runs the defaults only. A field bin=DIR runs that variant's binaries from DIR\n`+
		"(another build, for a before/after of code in the same run); a field NAME=VALUE (upper case) is set in their environment (GOMEMLIMIT=200MiB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.pagesDir == "" {
		return fmt.Errorf("%w: -pages is required (e.g. ../shared/extraction)", errUsage)
	}
	pages, err := loadPages(c.pagesDir)
	if err != nil {
		return err
	}
	c.pages = pages
	for _, d := range strings.Split(*deploys, ",") {
		switch d = strings.TrimSpace(d); d {
		case "stages", "services", "aio":
			c.deployments = append(c.deployments, d)
		default:
			return fmt.Errorf("%w: -deployments: unknown %q", errUsage, d)
		}
	}
	c.variants = [][]string{nil}
	for _, v := range strings.Split(*variants, ";") {
		if v = strings.TrimSpace(v); v != "" {
			c.variants = append(c.variants, strings.Fields(v))
		}
	}
	for _, b := range []string{"cleaner", "enricher", "sink", "newsflow"} {
		if _, err := os.Stat(filepath.Join(c.bin, b)); err != nil {
			return fmt.Errorf("%w: %s: run `make build` first or set -bin", errUsage, err)
		}
	}
	before := loadAverage()
	res, err := runE2E(ctx, c)
	res.print(e.stdout, c) // what was measured before an error, too
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Load average (1 min) at the start %s, at the end %s.\n", before, loadAverage())
	return nil
}

// loadAverage is the machine's one-minute load average, for the record:
// the figures mean little without it on a shared machine.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

// envVar is a variant's field that sets an environment variable.
var envVar = regexp.MustCompile(`^[A-Z][A-Z0-9_]*=`)

type e2eConfig struct {
	bin         string
	pagesDir    string
	pages       [][]byte
	n, latN     int
	deployments []string   // stages, services, aio
	variants    [][]string // extra flags; the first is the defaults (nil)
	env         []string   // the variant's environment for the services and newsflow run
	keep        bool       // keep the data directories
	log         io.Writer
}

// removeDir removes a run's data directory, or with -keep says where it is.
func (c e2eConfig) removeDir(dir string) {
	if c.keep {
		fmt.Fprintf(c.log, "  data kept in %s\n", dir)
		return
	}
	os.RemoveAll(dir)
}

// loadPages reads every *.html and *.html.gz under dir.
func loadPages(dir string) ([][]byte, error) {
	var pages [][]byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		gz := strings.HasSuffix(path, ".html.gz")
		if !gz && !strings.HasSuffix(path, ".html") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var r io.Reader = f
		if gz {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			r = zr
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		pages = append(pages, b)
		return nil
	})
	if err == nil && len(pages) == 0 {
		err = fmt.Errorf("no *.html or *.html.gz pages under %s", dir)
	}
	return pages, err
}

// e2eResult is one column of the report: one deployment with one variant.
type e2eResult struct {
	name       string
	perSecond  float64 // articles stored per second, publishing as fast as JetStream takes them
	stored     int
	dead       int
	alone      map[string]float64          // stages: articles/s of each stage alone
	aloneCPU   map[string][2]time.Duration // stages: CPU per article of the stage and of the NATS server
	rate       float64                     // latency phase: publishing rate
	toEnriched []time.Duration
	hopTimes   [4][]time.Duration // latency phase, per hop: see hopNames
	toStored   []time.Duration
	lost       int // latency phase: published, never stored nor dead-lettered
	articles   int // published in all
	jsBytes    int64
	storeBytes int64
	streams    map[string]int64 // bytes per article stream, as the server reports them
	streamDisk map[string]int64 // bytes on disk per article stream
	mem        map[string]procMem
	peak       map[string]int64
}

type e2eResults []*e2eResult

func runE2E(ctx context.Context, c e2eConfig) (e2eResults, error) {
	var out e2eResults
	for vi, v := range c.variants {
		suffix := ""
		if vi > 0 {
			suffix = " " + strings.Join(v, " ")
		}
		vc := c
		var flags []string
		for _, f := range v {
			if dir, ok := strings.CutPrefix(f, "bin="); ok {
				vc.bin = dir
				continue
			}
			if envVar.MatchString(f) {
				vc.env = append(vc.env, f)
				continue
			}
			flags = append(flags, f)
		}
		v = flags
		for _, d := range c.deployments {
			fmt.Fprintf(c.log, "bench e2e: %s%s\n", d, suffix)
			var r *e2eResult
			var err error
			switch d {
			case "stages":
				r, err = runStagesAlone(ctx, vc, v)
			case "services", "aio":
				r, err = runDeployment(ctx, vc, d, v)
			}
			if err != nil {
				return out, fmt.Errorf("%s%s: %w", d, suffix, err)
			}
			r.name = d + suffix
			out = append(out, r)
		}
	}
	return out, nil
}

// memSampler keeps each process's resident memory, now and at its peak.
type memSampler struct {
	mu   sync.Mutex
	last map[string]procMem
	peak map[string]int64
	stop chan struct{}
	wg   sync.WaitGroup
}

func sampleMemory(procs func() []*proc) *memSampler {
	s := &memSampler{last: map[string]procMem{}, peak: map[string]int64{}, stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			s.sample(procs())
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *memSampler) sample(procs []*proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range procs {
		if p == nil || p.cmd.Process == nil {
			continue
		}
		select {
		case <-p.done:
			continue
		default:
		}
		if m, err := procMemory(p.cmd.Process.Pid); err == nil && m.rss > 0 {
			s.last[p.name] = m
			s.peak[p.name] = max(s.peak[p.name], m.hwm)
		}
	}
}

func (s *memSampler) finish(procs []*proc) (map[string]procMem, map[string]int64) {
	s.sample(procs)
	close(s.stop)
	s.wg.Wait()
	return s.last, s.peak
}

// natsEnvDir, set in a child's environment, makes the bench binary (or the
// test binary of its Go benchmark) serve JetStream from that directory
// instead of benchmarking: the deployment's nats-server, as a process of
// its own.
const natsEnvDir = "NEWSFLOW_BENCH_NATS_DIR"

// serveNATSIfAsked runs the NATS server of a deployment when this process
// was started for that; it reports whether it did.
func serveNATSIfAsked() bool {
	dir := os.Getenv(natsEnvDir)
	if dir == "" {
		return false
	}
	ns, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "jetstream"), Host: "127.0.0.1", Port: -1})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench nats:", err)
		os.Exit(1)
	}
	tmp := filepath.Join(dir, "url.tmp")
	if err := os.WriteFile(tmp, []byte(ns.ClientURL()), 0o644); err != nil || os.Rename(tmp, filepath.Join(dir, "url")) != nil {
		fmt.Fprintln(os.Stderr, "bench nats: cannot write its URL:", err)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	ns.Shutdown()
	ns.WaitForShutdown()
	return true
}

// startNATS starts a NATS server process keeping its data under dir.
func startNATS(ctx context.Context, log io.Writer, dir string) (*proc, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	p, err := startProc(ctx, log, "nats-server", self, []string{natsEnvDir + "=" + dir}, "-test.run=^$", "-test.bench=^$")
	if err != nil {
		return nil, "", err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, "url")); err == nil {
			return p, string(b), nil
		}
		select {
		case <-p.done:
			return nil, "", errors.New("nats-server exited at start")
		case <-time.After(50 * time.Millisecond):
		}
	}
	p.stop()
	return nil, "", errors.New("nats-server did not start in 30 s")
}

// client is the bench's own connection to the deployment's server.
type client struct {
	nc *nats.Conn
	js jetstream.JetStream
}

func dial(url string, opts ...nats.Option) (*client, error) {
	var nc *nats.Conn
	var err error
	opts = append([]nats.Option{nats.MaxReconnects(-1)}, opts...)
	for range 100 { // newsflow run listens a moment after it starts
		if nc, err = nats.Connect(url, opts...); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(256))
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &client{nc: nc, js: js}, nil
}

// hop is a stage's consumer on its input stream.
type hop struct{ stage, stream string }

var hops = []hop{
	{pipeline.StageCleaner, pipeline.StreamRaw},
	{pipeline.StageEnricher, pipeline.StreamClean},
	{pipeline.StageSink, pipeline.StreamEnriched},
}

// waitConsumers waits until the stages' consumers exist (their processes
// are up).
func (cl *client) waitConsumers(ctx context.Context, hs ...hop) error {
	deadline := time.Now().Add(2 * time.Minute)
	for _, h := range hs {
		for {
			if _, err := cl.js.Consumer(ctx, h.stream, h.stage); err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("consumer %s never appeared", h.stage)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// idle reports whether a hop has nothing pending and acked everything its
// stream holds, and how far it acked.
func (cl *client) idle(ctx context.Context, h hop) (bool, uint64, error) {
	st, err := cl.js.Stream(ctx, h.stream)
	if err != nil {
		return false, 0, err
	}
	c, err := cl.js.Consumer(ctx, h.stream, h.stage)
	if err != nil {
		return false, 0, err
	}
	ci, err := c.Info(ctx)
	if err != nil {
		return false, 0, err
	}
	last := st.CachedInfo().State.LastSeq
	return ci.NumPending == 0 && ci.NumAckPending == 0 && ci.AckFloor.Stream >= last, ci.AckFloor.Stream, nil
}

// drain waits until every hop has handled everything upstream, in order;
// it fails when nothing moves for a minute.
func (cl *client) drain(ctx context.Context, hs ...hop) error {
	var lastProgress uint64
	moved := time.Now()
	for {
		all := true
		var sum uint64
		for _, h := range hs {
			ok, acked, err := cl.idle(ctx, h)
			if err != nil {
				return err
			}
			sum += acked
			all = all && ok
		}
		if all {
			return nil
		}
		if sum != lastProgress {
			lastProgress, moved = sum, time.Now()
		} else if time.Since(moved) > time.Minute {
			return fmt.Errorf("no progress for a minute (acked %d)", sum)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// publish sends count pages starting at index from, each under a new URL,
// at rate per second (0: as fast as JetStream acknowledges them); it
// returns when every publish is acknowledged, with the time each was sent.
func (cl *client) publish(ctx context.Context, run string, pages [][]byte, from, count int, rate float64) (map[string]time.Time, error) {
	sent := make(map[string]time.Time, count)
	msgs := make([]*nats.Msg, 0, count)
	futs := make([]jetstream.PubAckFuture, 0, count)
	start := time.Now()
	for i := from; i < from+count; i++ {
		if rate > 0 {
			if d := time.Until(start.Add(time.Duration(float64(i-from) / rate * float64(time.Second)))); d > 0 {
				time.Sleep(d)
			}
		}
		id := "bench-" + run + "-" + strconv.Itoa(i)
		m := nats.NewMsg(pipeline.SubjectRaw)
		m.Data = pages[i%len(pages)]
		m.Header.Set(pipeline.HeaderMsgID, id)
		m.Header.Set(pipeline.HeaderURL, "https://bench.example/"+run+"/"+strconv.Itoa(i))
		m.Header.Set(pipeline.HeaderContentType, "text/html")
		sent[id] = time.Now()
		f, err := cl.js.PublishMsgAsync(m)
		for errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
			// JetStream is behind: wait for the acks, then go on.
			select {
			case <-cl.js.PublishAsyncComplete():
			case <-time.After(time.Second):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			f, err = cl.js.PublishMsgAsync(m)
		}
		if err != nil {
			return nil, err
		}
		msgs, futs = append(msgs, m), append(futs, f)
	}
	select {
	case <-cl.js.PublishAsyncComplete():
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for i, f := range futs {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			// Back-pressure (429) or a timeout: once more, waiting; the
			// message id makes a duplicate harmless.
			if _, err2 := cl.js.PublishMsg(ctx, msgs[i]); err2 != nil {
				return nil, fmt.Errorf("publish: %w (then %w)", err, err2)
			}
		}
	}
	return sent, nil
}

func pickPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// serviceArgs are the flags every service process gets.
func serviceArgs(url string, variant []string) []string {
	return append([]string{"-nats-url", url, "-ops-addr=", "-log-level", "warn"}, variant...)
}

func startService(ctx context.Context, c e2eConfig, name, url, dir string, owner bool, variant []string) (*proc, error) {
	args := serviceArgs(url, variant)
	if owner {
		args = append(args, "-apply-topology")
	}
	if name == "sink" {
		args = append(args, "-db", "sqlite://"+filepath.Join(dir, "store", "newsflow.db"), "-api-addr=")
	}
	return startProc(ctx, c.log, name, filepath.Join(c.bin, name), c.env, args...)
}

// runStagesAlone measures each stage alone: raw is pre-filled, then the
// cleaner runs until it has cleaned it all, then the enricher on what the
// cleaner wrote, then the sink.
func runStagesAlone(ctx context.Context, c e2eConfig, variant []string) (*e2eResult, error) {
	dir, err := os.MkdirTemp("", "newsflow-bench-e2e-")
	if err != nil {
		return nil, err
	}
	defer c.removeDir(dir)
	if err := os.MkdirAll(filepath.Join(dir, "store"), 0o755); err != nil {
		return nil, err
	}
	ns, url, err := startNATS(ctx, c.log, dir)
	if err != nil {
		return nil, err
	}
	defer ns.stop()
	cl, err := dial(url)
	if err != nil {
		return nil, err
	}
	defer cl.nc.Close()
	// The cleaner owns the topology, as in a deployment: start it once so
	// that it lays out the streams, stop it, fill raw.
	p, err := startService(ctx, c, "cleaner", url, dir, true, variant)
	if err != nil {
		return nil, err
	}
	if err := cl.waitConsumers(ctx, hops[0]); err != nil {
		p.stop()
		return nil, err
	}
	p.stop()
	if _, err := cl.publish(ctx, "alone", c.pages, 0, c.n, 0); err != nil {
		return nil, err
	}
	r := &e2eResult{alone: map[string]float64{}, aloneCPU: map[string][2]time.Duration{}, mem: map[string]procMem{}, peak: map[string]int64{}}
	for i, h := range hops {
		p, err := startService(ctx, c, h.stage, url, dir, i == 0, variant)
		if err != nil {
			return nil, err
		}
		procs := []*proc{p}
		mem := sampleMemory(func() []*proc { return procs })
		var cpu0 [2]time.Duration
		var articles uint64
		rate, err := cl.measureAlone(ctx, h, func(acked uint64, end bool) {
			cpu := [2]time.Duration{procCPU(p), procCPU(ns)}
			if !end {
				cpu0, articles = cpu, acked
				return
			}
			if n := time.Duration(acked - articles); n > 0 {
				r.aloneCPU[h.stage] = [2]time.Duration{(cpu[0] - cpu0[0]) / n, (cpu[1] - cpu0[1]) / n}
			}
		})
		last, peak := mem.finish(procs)
		p.stop()
		if err != nil {
			return nil, fmt.Errorf("%s alone: %w", h.stage, err)
		}
		r.alone[h.stage] = rate
		r.mem[h.stage], r.peak[h.stage] = last[h.stage], peak[h.stage]
		fmt.Fprintf(c.log, "  %-8s alone: %.1f articles/s\n", h.stage, rate)
	}
	return r, nil
}

// measureAlone times one stage through its pre-filled input: from its
// first ack to its last, so that the process's start is not counted. It
// calls mark at both ends with the acks so far (end false, then true).
func (cl *client) measureAlone(ctx context.Context, h hop, mark func(acked uint64, end bool)) (float64, error) {
	var t0 time.Time
	var a0 uint64
	moved, lastAck := time.Now(), uint64(0)
	for {
		ok, acked, err := cl.idle(ctx, h)
		if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return 0, err
		}
		now := time.Now()
		if acked > 0 && t0.IsZero() {
			t0, a0 = now, acked
			mark(acked, false)
		}
		if ok && acked > 0 {
			if acked == a0 {
				return 0, errors.New("too few pages to time: use a larger -n")
			}
			mark(acked, true)
			return float64(acked-a0) / now.Sub(t0).Seconds(), nil
		}
		if acked != lastAck {
			lastAck, moved = acked, now
		} else if now.Sub(moved) > 2*time.Minute {
			return 0, fmt.Errorf("no progress for two minutes (acked %d)", acked)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// runDeployment runs the services (three binaries and a NATS server) or
// the all-in-one: throughput with pages published as fast as JetStream
// takes them, then latency at half that rate, then bytes on disk and RSS.
func runDeployment(ctx context.Context, c e2eConfig, kind string, variant []string) (*e2eResult, error) {
	dir, err := os.MkdirTemp("", "newsflow-bench-e2e-")
	if err != nil {
		return nil, err
	}
	defer c.removeDir(dir)
	if err := os.MkdirAll(filepath.Join(dir, "store"), 0o755); err != nil {
		return nil, err
	}
	var procs []*proc
	defer func() {
		for i := len(procs) - 1; i >= 0; i-- {
			procs[i].stop()
		}
	}()
	var url, jsDir, storeDir string
	var login []nats.Option // how the bench's client logs in
	switch kind {
	case "services":
		ns, u, err := startNATS(ctx, c.log, dir)
		if err != nil {
			return nil, err
		}
		procs, url, jsDir, storeDir = append(procs, ns), u, filepath.Join(dir, "jetstream"), filepath.Join(dir, "store")
		for i, h := range hops {
			p, err := startService(ctx, c, h.stage, url, dir, i == 0, variant)
			if err != nil {
				return nil, err
			}
			procs = append(procs, p)
			if i == 0 { // the owner lays out the streams before the others verify them
				cl, err := dial(url)
				if err != nil {
					return nil, err
				}
				err = cl.waitConsumers(ctx, h)
				cl.nc.Close()
				if err != nil {
					return nil, err
				}
			}
		}
	case "aio":
		port, err := pickPort()
		if err != nil {
			return nil, err
		}
		data := filepath.Join(dir, "data")
		// newsflow run gives anonymous loopback clients the client's
		// rights, which do not cover the consumers' state the bench
		// watches: it logs in as the admin, with the credentials newsflow
		// run keeps (and reuses) in its data directory.
		creds, err := access.Ensure(filepath.Join(data, "credentials"), false)
		if err != nil {
			return nil, err
		}
		login = embedded.LogIn(creds, access.UserAdmin)
		args := append([]string{"run", "-data-dir", data, "-nats-port", strconv.Itoa(port), "-ops-addr=", "-api-addr=", "-fetch-api-addr=", "-log-level", "warn"}, variant...)
		p, err := startProc(ctx, c.log, "newsflow run", filepath.Join(c.bin, "newsflow"), c.env, args...)
		if err != nil {
			return nil, err
		}
		p.cmd.Stdout = io.Discard
		procs, url, jsDir, storeDir = append(procs, p), "nats://127.0.0.1:"+strconv.Itoa(port), filepath.Join(data, "jetstream"), data
	}
	cl, err := dial(url, login...)
	if err != nil {
		return nil, err
	}
	defer cl.nc.Close()
	if err := cl.waitConsumers(ctx, hops...); err != nil {
		return nil, err
	}
	mem := sampleMemory(func() []*proc { return procs })
	r := &e2eResult{}

	// Throughput: everything published at once, timed until the sink has
	// acked the last article.
	t0 := time.Now()
	if _, err := cl.publish(ctx, "tput", c.pages, 0, c.n, 0); err != nil {
		return nil, err
	}
	if err := cl.drain(ctx, hops...); err != nil {
		return nil, err
	}
	elapsed := time.Since(t0)
	_, stored, err := cl.idle(ctx, hops[2])
	if err != nil {
		return nil, err
	}
	r.stored = int(stored)
	r.perSecond = float64(stored) / elapsed.Seconds()
	fmt.Fprintf(c.log, "  %d pages, %d stored in %s: %.1f articles/s\n", c.n, stored, elapsed.Round(time.Millisecond), r.perSecond)

	// Latency at half the maximum rate.
	if c.latN > 0 {
		r.rate = r.perSecond / 2
		if err := cl.measureLatency(ctx, c, r, stored); err != nil {
			return nil, err
		}
	}
	r.articles = c.n + c.latN
	if st, err := cl.js.Stream(ctx, pipeline.StreamDeadLetter); err == nil {
		r.dead = int(st.CachedInfo().State.Msgs)
	}
	r.streams = map[string]int64{}
	for _, h := range hops {
		if st, err := cl.js.Stream(ctx, h.stream); err == nil {
			r.streams[h.stream] = int64(st.CachedInfo().State.Bytes)
		}
	}
	r.mem, r.peak = mem.finish(procs)
	// Disk after a clean stop: what the server and the store keep.
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop()
	}
	procs = nil
	if r.jsBytes, err = diskUsage(jsDir); err != nil {
		return nil, err
	}
	if r.storeBytes, err = diskUsage(storeDir, "jetstream"); err != nil {
		return nil, err
	}
	r.streamDisk = map[string]int64{}
	for _, h := range hops {
		// <store dir>/jetstream/<account>/streams/<name>, the store dir
		// being jsDir (services) or within it.
		dirs, _ := filepath.Glob(filepath.Join(jsDir, "*", "streams", h.stream))
		more, _ := filepath.Glob(filepath.Join(jsDir, "*", "*", "streams", h.stream))
		dirs = append(dirs, more...)
		for _, d := range dirs {
			n, err := diskUsage(d)
			if err != nil {
				return nil, err
			}
			r.streamDisk[h.stream] += n
		}
	}
	return r, nil
}

// measureLatency publishes c.latN pages at r.rate and times each from its
// publish to its enriched copy being stored in JetStream (the server's
// timestamp) and to the sink's ack of it (the sink acks after its store
// committed it). enrichedFrom is the enriched stream's last sequence
// before.
func (cl *client) measureLatency(ctx context.Context, c e2eConfig, r *e2eResult, enrichedFrom uint64) error {
	type seen struct {
		origin string
		stored time.Time
		marks  map[string]time.Time // the stages' marks (pipeline.StageMark)
	}
	var mu sync.Mutex
	enriched := map[uint64]seen{}
	acked := map[uint64]time.Time{}
	// The sink's acks, as the server receives them:
	// $JS.ACK[.<domain>.<account>].<stream>.<consumer>.<delivered>.<stream seq>...
	sub, err := cl.nc.Subscribe("$JS.ACK.>", func(m *nats.Msg) {
		now := time.Now()
		tok := strings.Split(m.Subject, ".")
		for i := 2; i+3 < len(tok); i++ {
			if tok[i] == pipeline.StreamEnriched && tok[i+1] == pipeline.StageSink {
				if seq, err := strconv.ParseUint(tok[i+3], 10, 64); err == nil {
					mu.Lock()
					if _, ok := acked[seq]; !ok {
						acked[seq] = now
					}
					mu.Unlock()
				}
				return
			}
		}
	})
	if err != nil {
		return err
	}
	defer sub.Unsubscribe() //nolint:errcheck
	oc, err := cl.js.OrderedConsumer(ctx, pipeline.StreamEnriched, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: enrichedFrom + 1,
	})
	if err != nil {
		return err
	}
	cc, err := oc.Consume(func(m jetstream.Msg) {
		md, err := m.Metadata()
		if err != nil {
			return
		}
		marks := map[string]time.Time{}
		if a, err := pipeline.DecodeArticle(m.Data(), nil); err == nil {
			for _, sm := range a.Stages {
				marks[sm.Stage] = sm.At
			}
		}
		mu.Lock()
		enriched[md.Sequence.Stream] = seen{m.Headers().Get(pipeline.HeaderOrigin), md.Timestamp, marks}
		mu.Unlock()
	})
	if err != nil {
		return err
	}
	defer cc.Stop()
	sent, err := cl.publish(ctx, "latency", c.pages, c.n, c.latN, r.rate)
	if err != nil {
		return err
	}
	if err := cl.drain(ctx, hops...); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond) // the last deliveries to this process
	mu.Lock()
	defer mu.Unlock()
	for seq, s := range enriched {
		t, ok := sent[s.origin]
		if !ok {
			continue
		}
		r.toEnriched = append(r.toEnriched, s.stored.Sub(t))
		a, ok := acked[seq]
		if ok {
			r.toStored = append(r.toStored, a.Sub(t))
		}
		cleaned, okc := s.marks[pipeline.StageCleaner]
		enrichedAt, oke := s.marks[pipeline.StageEnricher]
		if okc && oke && ok {
			for i, d := range []time.Duration{cleaned.Sub(t), enrichedAt.Sub(cleaned), s.stored.Sub(enrichedAt), a.Sub(s.stored)} {
				r.hopTimes[i] = append(r.hopTimes[i], d)
			}
		}
	}
	dead := 0
	if st, err := cl.js.Stream(ctx, pipeline.StreamDeadLetter); err == nil {
		dead = int(st.CachedInfo().State.Msgs)
	}
	r.lost = len(sent) - len(r.toStored) - dead // an upper bound: dead counts the throughput phase too
	sortDurations(r.toEnriched)
	sortDurations(r.toStored)
	for _, h := range r.hopTimes {
		sortDurations(h)
	}
	fmt.Fprintf(c.log, "  latency at %.1f/s: raw→enriched p50 %s p99 %s; raw→stored p50 %s p99 %s (%d/%d)\n", r.rate,
		pct(r.toEnriched, 0.5), pct(r.toEnriched, 0.99), pct(r.toStored, 0.5), pct(r.toStored, 0.99), len(r.toStored), len(sent))
	return nil
}

// hopNames are the hops of an article's way in the latency phase, timed
// by the stages' marks (taken when a stage's function returned, before it
// publishes), the enriched copy's JetStream timestamp and the sink's ack.
var hopNames = [4]string{
	"publish → cleaner done", "→ enricher done", "→ enriched stored", "→ sink acked",
}

func sortDurations(d []time.Duration) { sort.Slice(d, func(i, j int) bool { return d[i] < d[j] }) }

// pct is the nearest-rank percentile of sorted durations.
func pct(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(q*float64(len(d))+0.999999) - 1
	return d[min(max(i, 0), len(d)-1)]
}

// diskUsage is the space allocated to the files under dir (du), leaving
// out the subdirectories named in skip.
func diskUsage(dir string, skip ...string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			for _, s := range skip {
				if d.Name() == s {
					return filepath.SkipDir
				}
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		} else {
			total += info.Size()
		}
		return nil
	})
	return total, err
}

func (rs e2eResults) print(w io.Writer, c e2eConfig) {
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) }
	mb := func(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 0, 64) }
	kb := func(b int64, n int) string { return strconv.FormatFloat(float64(b)/float64(n)/1024, 'f', 1, 64) }
	fmt.Fprintf(w, "%d distinct pages from %s; throughput: %d pages published as fast as JetStream takes them; latency: %d more at half that rate.\n\n",
		len(c.pages), c.pagesDir, c.n, c.latN)
	// The slowest stage alone, per variant (the stages column before it).
	var slowest float64
	for _, r := range rs {
		if r.alone != nil {
			slowest = 0
			fmt.Fprintf(w, "| %s: stage alone | articles/s | CPU per article (ms): stage / NATS server | RSS at end (MB) | peak RSS (MB) |\n|---|---|---|---|---|\n", r.name)
			for _, h := range hops {
				a := r.alone[h.stage]
				if slowest == 0 || a < slowest {
					slowest = a
				}
				cpu := r.aloneCPU[h.stage]
				fmt.Fprintf(w, "| %s | %.1f | %s / %s | %s | %s |\n", h.stage, a, ms(cpu[0]), ms(cpu[1]), mb(r.mem[h.stage].rss), mb(r.peak[h.stage]))
			}
			fmt.Fprintln(w)
			continue
		}
		fmt.Fprintf(w, "| %s | |\n|---|---|\n", r.name)
		fmt.Fprintf(w, "| articles/s end to end | **%.1f** (%d stored of %d) |\n", r.perSecond, r.stored, c.n)
		if slowest > 0 {
			fmt.Fprintf(w, "| ratio to the slowest stage alone (%.1f/s) | **%.2f** |\n", slowest, r.perSecond/slowest)
		}
		if len(r.toEnriched) > 0 {
			fmt.Fprintf(w, "| raw → enriched at %.1f/s: p50 / p95 / p99 (ms) | %s / %s / **%s** |\n", r.rate,
				ms(pct(r.toEnriched, .5)), ms(pct(r.toEnriched, .95)), ms(pct(r.toEnriched, .99)))
		}
		if len(r.toStored) > 0 {
			fmt.Fprintf(w, "| raw → stored at %.1f/s: p50 / p95 / p99 (ms) | %s / %s / **%s** |\n", r.rate,
				ms(pct(r.toStored, .5)), ms(pct(r.toStored, .95)), ms(pct(r.toStored, .99)))
		}
		if len(r.hopTimes[0]) > 0 {
			var hs []string
			for _, h := range r.hopTimes {
				hs = append(hs, ms(pct(h, .5))+" / "+ms(pct(h, .99)))
			}
			fmt.Fprintf(w, "| each hop, p50 / p99 (ms): %s | %s |\n", strings.Join(hopNames[:], "; "), strings.Join(hs, "; "))
		}
		fmt.Fprintf(w, "| dead-lettered (all phases); latency phase not stored | %d; %d |\n", r.dead, max(r.lost, 0))
		fmt.Fprintf(w, "| disk per article (KB): JetStream + store = total | %s + %s = **%s** |\n",
			kb(r.jsBytes, r.articles), kb(r.storeBytes, r.articles), kb(r.jsBytes+r.storeBytes, r.articles))
		other := r.jsBytes
		for _, n := range r.streamDisk {
			other -= n
		}
		fmt.Fprintf(w, "| JetStream on disk per article (KB): raw / clean / enriched / the rest (KV buckets, other streams) | %s / %s / %s / %s |\n",
			kb(r.streamDisk[pipeline.StreamRaw], r.articles), kb(r.streamDisk[pipeline.StreamClean], r.articles),
			kb(r.streamDisk[pipeline.StreamEnriched], r.articles), kb(other, r.articles))
		fmt.Fprintf(w, "| stream bytes per article (KB, server's count): raw / clean / enriched | %s / %s / %s |\n",
			kb(r.streams[pipeline.StreamRaw], r.articles), kb(r.streams[pipeline.StreamClean], r.articles), kb(r.streams[pipeline.StreamEnriched], r.articles))
		names := make([]string, 0, len(r.mem))
		for n := range r.mem {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "| RSS of %s at end / peak (MB) | %s / %s |\n", n, mb(r.mem[n].rss), mb(r.peak[n]))
		}
		fmt.Fprintln(w)
	}
}
