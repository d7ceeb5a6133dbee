package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/fetcher/fetchersvc"
	"github.com/newsflow/newsflow/services/fetcher/fetchtest"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

// benchFetchCmd measures the fetcher: pages/s fetched from a local news
// site and published to the raw subject, against a bare loop doing the
// same HTTP GETs and JetStream publishes with none of the fetcher's
// bookkeeping (robots.txt, limits, guard, seen memory, leases), in the same
// run, alternating; and the fetcher's memory with many registered sources.
// JetStream runs in a child process so the memory measured is the
// fetcher's (and the fake site's, which the baseline includes).
func benchFetchCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fetch", "")
	n := fs.Int("n", 500, "pages per throughput measurement (extraction benchmark pages, ~190 KB each)")
	rounds := fs.Int("rounds", 3, "measurements of each side")
	workers := fs.Int("workers", 8, "pages fetched at once, by both sides")
	nsources := fs.Int("sources", 1000, "registered sources for the memory measurement (0 to skip it)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the throughput rounds to this file")
	serveNATS := fs.String("serve-nats", "", "internal: run the benchmark's JetStream server storing in this directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *serveNATS != "" {
		return serveBenchNATS(ctx, e, *serveNATS)
	}
	stopProfile, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	dir, err := shareddata.Dir()
	if err != nil {
		return err
	}
	pages, err := fetchtest.LoadPages(dir, max(*n, *nsources))
	if err != nil {
		return err
	}
	natsURL, stopNATS, err := startBenchNATS(ctx)
	if err != nil {
		return err
	}
	defer stopNATS()
	nc, err := nats.Connect(natsURL, nats.Name("newsflow-bench-fetch"))
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

	fmt.Fprintf(e.stdout, "fetch and publish %d pages from a local site (%d at once), GOMAXPROCS=%d, JetStream in a child process\n",
		*n, *workers, runtime.GOMAXPROCS(0))
	rates := map[string][]float64{}
	for r := range *rounds {
		order := []string{"bare", "fetcher"}
		if r%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, which := range order {
			measure := measureBareFetch
			if which == "fetcher" {
				measure = measureFetcher
			}
			rate, err := measure(ctx, js, pages[:*n], *workers)
			if err != nil {
				return fmt.Errorf("%s: %w", which, err)
			}
			rates[which] = append(rates[which], rate)
			fmt.Fprintf(e.stderr, "  round %d %-7s %7.0f pages/s\n", r+1, which, rate)
		}
	}
	mb, mf := median(rates["bare"]), median(rates["fetcher"])
	fmt.Fprintf(e.stdout, "\n| side | pages/s (median of %d) |\n|---|---|\n", *rounds)
	fmt.Fprintf(e.stdout, "| bare loop (GET, read, publish, wait PubAck) | %.0f |\n", mb)
	fmt.Fprintf(e.stdout, "| newsflow fetcher (sitemaps → pages → raw) | %.0f |\n", mf)
	fmt.Fprintf(e.stdout, "| **ratio fetcher / bare** | **%.2f** |\n", mf/mb)

	if *nsources > 0 {
		m, err := measureFetcherMemory(ctx, js, pages[:*nsources])
		if err != nil {
			return fmt.Errorf("memory: %w", err)
		}
		fmt.Fprintf(e.stdout, "\n%d sources registered, each a feed of one article, all polled once, then idle:\n\n", *nsources)
		fmt.Fprintf(e.stdout, "| measure | value |\n|---|---|\n")
		fmt.Fprintf(e.stdout, "| time to poll all %d and publish their articles | %s |\n", *nsources, m.pollAll.Round(time.Millisecond))
		fmt.Fprintf(e.stdout, "| Go heap in use by the fetcher, idle (after GC) | %.1f MiB (%.1f KiB per source) |\n", mib(m.heapIdle), float64(m.heapIdle)/1024/float64(*nsources))
		fmt.Fprintf(e.stdout, "| Go heap in use by the fetcher, peak sampled while polling | %.1f MiB |\n", mib(m.heapPeak))
		fmt.Fprintf(e.stdout, "| goroutines added by the fetcher, idle | %d |\n", m.goroutines)
		fmt.Fprintf(e.stdout, "| process RSS, idle (fetcher + fake site's pages) | %.1f MiB (%.1f MiB before the fetcher started) |\n", mib(m.rss), mib(m.rssBefore))
	}
	return nil
}

// serveBenchNATS is the child process: a JetStream server until stdin closes.
func serveBenchNATS(ctx context.Context, e *env, dir string) error {
	ns, err := embedded.Start(embedded.Options{DataDir: dir, Host: "127.0.0.1", Port: -1})
	if err != nil {
		return err
	}
	defer ns.Shutdown()
	fmt.Fprintln(e.stdout, ns.ClientURL())
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(closed)
	}()
	select {
	case <-ctx.Done():
	case <-closed:
	}
	return nil
}

func startBenchNATS(ctx context.Context) (string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "newsflow-bench-fetch-")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self, "fetch", "-serve-nats", dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		stdin.Close()
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("benchmark NATS server did not start: %w", err)
	}
	return strings.TrimSpace(line), stop, nil
}

// rawCount is how many messages the raw stream holds.
func rawCount(ctx context.Context, js jetstream.JetStream) (uint64, error) {
	st, err := js.Stream(ctx, pipeline.StreamRaw)
	if err != nil {
		return 0, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.Msgs, nil
}

func waitRaw(ctx context.Context, js jetstream.JetStream, want uint64, limit time.Duration, each func()) error {
	deadline := time.Now().Add(limit)
	for {
		got, err := rawCount(ctx, js)
		if err != nil {
			return err
		}
		if got >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("raw stream holds %d messages after %s, want %d", got, limit, want)
		}
		if each != nil {
			each()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func benchFetcherOptions(workers int) fetchersvc.Options {
	o := fetchersvc.DefaultOptions()
	o.AllowPrivate = "127.0.0.1"
	o.HostRate, o.HostConcurrency, o.PageWorkers = -1, workers, workers
	o.MaxItems = 10000
	return o
}

// runBenchFetcher starts a fetcher; stop ends it and forgets everything it
// registered and remembered, for the next measurement.
func runBenchFetcher(ctx context.Context, js jetstream.JetStream, o fetchersvc.Options) (stop func(), err error) {
	f, err := fetchersvc.New(o, zap.NewNop())
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.Run(fctx, js) }()
	select {
	case <-f.Started():
	case err := <-done:
		cancel()
		return nil, err
	}
	return func() {
		cancel()
		<-done
		for _, b := range []string{sources.RegistryBucket, sources.StateBucket, fetchersvc.SeenBucket} {
			_ = js.DeleteKeyValue(context.WithoutCancel(ctx), b)
		}
	}, nil
}

// measureFetcher: ten sitemaps share the pages; the time runs from
// registering them to the last page stored in the raw stream.
func measureFetcher(ctx context.Context, js jetstream.JetStream, pages []fetchtest.Page, workers int) (float64, error) {
	site := fetchtest.NewSite(pages)
	defer site.Close()
	const sitemaps = 10
	o := benchFetcherOptions(workers)
	o.Polls = sitemaps
	stop, err := runBenchFetcher(ctx, js, o)
	if err != nil {
		return 0, err
	}
	defer stop()
	reg, err := sources.Open(ctx, js, false)
	if err != nil {
		return 0, err
	}
	base, err := rawCount(ctx, js)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	for s := range sitemaps {
		var idx []int
		for i := s; i < len(pages); i += sitemaps {
			idx = append(idx, i)
		}
		u := site.AddSitemap(fmt.Sprintf("/sitemap-%d.xml", s), idx...)
		if _, _, err := reg.Add(ctx, sources.Source{URL: u, Every: sources.Duration{Duration: time.Hour}}); err != nil {
			return 0, err
		}
	}
	if err := waitRaw(ctx, js, base+uint64(len(pages)), 5*time.Minute, nil); err != nil {
		return 0, err
	}
	return float64(len(pages)) / time.Since(start).Seconds(), nil
}

// measureBareFetch is the peer: the same GETs and publishes, nothing else.
func measureBareFetch(ctx context.Context, js jetstream.JetStream, pages []fetchtest.Page, workers int) (float64, error) {
	site := fetchtest.NewSite(pages)
	defer site.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	base, err := rawCount(ctx, js)
	if err != nil {
		return 0, err
	}
	work := make(chan int)
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := range work {
				if err := bareFetchOne(ctx, js, client, site.PageURL(i)); err != nil {
					failed.Store(err)
				}
			}
		})
	}
	for i := range pages {
		work <- i
	}
	close(work)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return 0, err
	}
	if err := waitRaw(ctx, js, base+uint64(len(pages)), time.Minute, nil); err != nil {
		return 0, err
	}
	return float64(len(pages)) / time.Since(start).Seconds(), nil
}

func bareFetchOne(ctx context.Context, js jetstream.JetStream, client *http.Client, u string) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	// The same encoder the fetcher uses: the comparison is of everything else.
	data, err := pipeline.EncodeArticle(&pipeline.Article{Schema: pipeline.SchemaVersion, URL: u, HTML: string(body)})
	if err != nil {
		return err
	}
	msg := nats.NewMsg(pipeline.SubjectRaw)
	msg.Header.Set(pipeline.HeaderMsgID, "bare:"+u)
	msg.Data = data
	_, err = js.PublishMsg(ctx, msg)
	return err
}

type fetcherMemory struct {
	pollAll                 time.Duration
	heapIdle, heapPeak, rss uint64
	rssBefore               uint64
	goroutines              int
}

// measureFetcherMemory registers one feed per page, starts a fetcher,
// lets it poll them all, and measures what it holds once idle.
func measureFetcherMemory(ctx context.Context, js jetstream.JetStream, pages []fetchtest.Page) (fetcherMemory, error) {
	var m fetcherMemory
	site := fetchtest.NewSite(pages)
	defer site.Close()
	reg, err := sources.Open(ctx, js, false)
	if err != nil {
		return m, err
	}
	for i := range pages {
		u := site.AddFeed(fmt.Sprintf("/feed/%d.xml", i), i)
		if _, _, err := reg.Add(ctx, sources.Source{URL: u, Name: "feed " + strconv.Itoa(i), Every: sources.Duration{Duration: time.Hour}}); err != nil {
			return m, err
		}
	}
	base, err := rawCount(ctx, js)
	if err != nil {
		return m, err
	}
	heapBefore, goroutinesBefore := settledHeap(), runtime.NumGoroutine()
	m.rssBefore = rss()
	start := time.Now()
	stop, err := runBenchFetcher(ctx, js, benchFetcherOptions(8))
	if err != nil {
		return m, err
	}
	defer stop()
	var ms runtime.MemStats
	var samples int
	err = waitRaw(ctx, js, base+uint64(len(pages)), 5*time.Minute, func() {
		if samples++; samples%20 == 0 {
			runtime.ReadMemStats(&ms)
			m.heapPeak = max(m.heapPeak, ms.HeapInuse)
		}
	})
	if err != nil {
		return m, err
	}
	m.pollAll = time.Since(start)
	time.Sleep(2 * time.Second) // idle: every source waits for its next poll
	heap := settledHeap()
	m.heapIdle = heap - min(heap, heapBefore)
	m.heapPeak -= min(m.heapPeak, heapBefore)
	m.goroutines = runtime.NumGoroutine() - goroutinesBefore
	m.rss = rss()
	return m, nil
}

func settledHeap() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// rss is the process's resident set size, 0 where /proc is missing.
func rss() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
