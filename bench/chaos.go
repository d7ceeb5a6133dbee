package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/services/fetcher/fetchersvc"
	"github.com/newsflow/newsflow/services/sink/store"
)

// chaosCmd is the fault suite (make chaos, docs/RELIABILITY.md): a
// standalone nats-server with the deployment's users and the fetcher,
// cleaner, enricher and sink binaries as separate processes, each logged
// in as its own user; real pages are published (one in -fetch-every asked
// of the fetcher, which fetches it from a local web server) while services
// are killed with SIGKILL and restarted, paused with SIGSTOP, the
// enricher's entity bucket is taken away for -kv-outage, and NATS itself
// is killed with SIGKILL and kept down for -outage. Then it checks that
// every page published is either stored or dead-lettered, that no stream
// and no store holds an article twice, and that nothing was dead-lettered
// for a cause the faults can produce (retries exhausted, max deliveries,
// overrun).
func chaosCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "chaos", "")
	bin := fs.String("bin", "bin", "directory holding nats-server and the service binaries (make chaos builds them)")
	n := fs.Int("pages", 2000, "pages to publish (the extraction benchmarks' pages, each under its own URL)")
	rate := fs.Int("rate", 40, "pages published per second")
	every := fs.Duration("fault-every", 1500*time.Millisecond, "time between two service faults")
	outage := fs.Duration("outage", 15*time.Second, "how long NATS stays killed, once, mid-run")
	kvOutage := fs.Duration("kv-outage", 30*time.Second, "how long the enricher's entity bucket is gone, once, a quarter into the run (0: never)")
	fetchEvery := fs.Int("fetch-every", 4, "one page in this many is asked of the fetcher instead of published directly (0: none)")
	seed := fs.Uint64("seed", 1, "random seed of the fault schedule")
	keep := fs.Bool("keep", false, "keep the working directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, b := range []string{"nats-server", "fetcher", "cleaner", "enricher", "sink"} {
		if _, err := os.Stat(filepath.Join(*bin, b)); err != nil {
			return fmt.Errorf("%w: %s (make chaos builds it)", errUsage, err)
		}
	}
	pages, err := benchPages()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "newsflow-chaos-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(e.stderr, "chaos %s: %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, a...))
	}

	// NATS, as compose runs it: users from package access, no anonymous.
	credsDir := filepath.Join(dir, "credentials")
	creds, err := access.Ensure(credsDir, false)
	if err != nil {
		return err
	}
	auth, err := access.ServerConf(creds)
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	conf := fmt.Sprintf("listen: 127.0.0.1:%d\nmax_payload: 8MB\njetstream { store_dir: %q }\ninclude ./auth.conf\n", port, filepath.Join(dir, "js"))
	for name, body := range map[string][]byte{"auth.conf": auth, "nats.conf": []byte(conf)} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o600); err != nil {
			return err
		}
	}
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	procs := &processes{log: logf}
	defer procs.stopAll()
	startNATS := func() error {
		return procs.start("nats", filepath.Join(*bin, "nats-server"), nil, "-c", filepath.Join(dir, "nats.conf"))
	}
	if err := startNATS(); err != nil {
		return err
	}
	// The "site" the fetcher fetches from: page i at /news/i.
	site, err := serveChaosSite(pages)
	if err != nil {
		return err
	}
	defer site.Close()
	db := filepath.Join(dir, "sink.db")
	services := []string{"fetcher", "cleaner", "enricher", "sink"}
	startService := func(s string) error {
		env := []string{"NEWSFLOW_NATS_URL=" + url, "NEWSFLOW_NATS_USER=" + s,
			"NEWSFLOW_NATS_PASSWORD_FILE=" + access.PasswordFile(credsDir, s), "NEWSFLOW_LOG_LEVEL=error"}
		args := []string{"-ops-addr="}
		switch s {
		case access.Owner:
			env = append(env, "NEWSFLOW_APPLY_TOPOLOGY=true")
		case "sink":
			env = append(env, "NEWSFLOW_DB=sqlite://"+db)
			args = append(args, "-api-addr=")
		case "fetcher":
			env = append(env, "NEWSFLOW_FETCH_ALLOW_PRIVATE=127.0.0.1", "NEWSFLOW_FETCH_HOST_RATE=-1",
				"NEWSFLOW_FETCH_HOST_CONCURRENCY=16")
		}
		return procs.start(s, filepath.Join(*bin, s), env, args...)
	}
	for _, s := range services {
		if err := startService(s); err != nil {
			return err
		}
	}

	// The publisher logs in as the client and retries each page until its
	// PubAck, through the outage; its Nats-Msg-Id makes a retry harmless.
	nc, err := nats.Connect(url, nats.UserInfo(access.UserClient, creds[access.UserClient]),
		nats.CustomInboxPrefix(access.InboxPrefix(access.UserClient)), nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond),
		nats.RetryOnFailedConnect(true))
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	// The checks read every stream and consumer: the admin's job.
	anc, err := nats.Connect(url, nats.UserInfo(access.UserAdmin, creds[access.UserAdmin]),
		nats.CustomInboxPrefix(access.InboxPrefix(access.UserAdmin)), nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond),
		nats.RetryOnFailedConnect(true))
	if err != nil {
		return err
	}
	defer anc.Close()
	ajs, err := jetstream.New(anc)
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Minute); ; {
		if _, err := js.Stream(ctx, pipeline.StreamRaw); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the cleaner did not create the streams within a minute")
		}
		time.Sleep(200 * time.Millisecond)
	}
	logf("publishing %d pages at %d/s while faults run", *n, *rate)

	rng := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
	var stats faultStats
	faultCtx, stopFaults := context.WithCancel(ctx)
	defer stopFaults()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		runFaults(faultCtx, &stats, rng, procs, services, startService, startNATS, *every, *outage,
			time.Duration(*n)*time.Second/time.Duration(*rate)/2, kvFault{js: ajs, outage: *kvOutage}, logf)
	}()
	tick := time.NewTicker(time.Second / time.Duration(*rate))
	var fetches sync.WaitGroup
	fetched := map[int]string{} // page → the article id the fetcher replied
	var fetchMu sync.Mutex
	var fetchProblems []string
	refusals := 0
	fetchSlots := make(chan struct{}, 8)
	for i := 0; i < *n; i++ {
		<-tick.C
		if *fetchEvery > 0 && i%*fetchEvery == 0 {
			fetchSlots <- struct{}{}
			fetches.Go(func() {
				defer func() { <-fetchSlots }()
				id, refused, err := fetchUntilDone(ctx, nc, site.URL+"/news/"+strconv.Itoa(i))
				fetchMu.Lock()
				defer fetchMu.Unlock()
				switch {
				case err != nil:
					fetchProblems = append(fetchProblems, fmt.Sprintf("page %d: fetch: %v", i, err))
				case refused != "":
					refusals++ // the page's own fault, like a permanent dead letter
					logf("page %d refused by the fetcher: %s", i, refused)
				default:
					fetched[i] = id
				}
			})
			continue
		}
		m := nats.NewMsg(pipeline.SubjectRaw)
		m.Data = pages[i%len(pages)]
		m.Header.Set(pipeline.HeaderURL, "https://chaos.example/news/"+strconv.Itoa(i))
		m.Header.Set(pipeline.HeaderContentType, "text/html")
		m.Header.Set(jetstream.MsgIDHeader, "chaos:"+strconv.Itoa(i))
		for {
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := js.PublishMsg(pctx, m)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	tick.Stop()
	fetches.Wait()
	logf("published %d pages (%d through the fetcher); faults go on until every fault kind has run", *n, len(fetched))
	for !stats.done() && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	stopFaults()
	wg.Wait()
	// Every process back up, then wait for the pipeline to settle.
	for _, s := range services {
		procs.ensureRunning(s, func() error { return startService(s) })
	}
	logf("faults stopped; waiting for the pipeline to settle")
	if err := waitSettled(ctx, ajs, 15*time.Minute); err != nil {
		return err
	}
	procs.stop("sink")

	r, err := chaosCheck(ctx, ajs, db, *n, *fetchEvery, fetched, refusals)
	if err != nil {
		return err
	}
	r.problems = append(fetchProblems, r.problems...)
	fmt.Fprintf(e.stdout, "| pages published | through the fetcher | stored | dead-lettered (the pages' own fault) | lost | duplicated (streams) | duplicated (store) | wrongly dead-lettered | service kills (SIGKILL) | of which the fetcher | pauses (SIGSTOP) | entity bucket outage | NATS kills | NATS outage |\n")
	fmt.Fprintf(e.stdout, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(e.stdout, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %d | %s |\n",
		*n, len(fetched), r.stored, r.dead, r.lost, r.dupStreams, r.dupStore, r.wrongDead, stats.kills, stats.fetcherKills, stats.pauses, stats.kvOutage.Round(100*time.Millisecond), stats.natsKills, *outage)
	for _, p := range r.problems {
		fmt.Fprintln(e.stderr, "chaos:", p)
	}
	if len(r.problems) > 0 {
		return fmt.Errorf("%d problem(s) found", len(r.problems))
	}
	logf("OK")
	return nil
}

// serveChaosSite serves page i%len(pages) at /news/i on loopback.
func serveChaosSite(pages [][]byte) (*httptest.Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /news/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write(pages[i%len(pages)])
	})
	return httptest.NewServer(mux), nil
}

// fetchUntilDone asks the fetcher to fetch url until it answers that the
// page is on the raw stream, through its kills and NATS's outage: a
// repeated fetch publishes under the same Nats-Msg-Id, which the stream
// drops. It returns the article's id, or the reason the fetcher refused
// the page (its own fault: too large, say).
func fetchUntilDone(ctx context.Context, nc *nats.Conn, url string) (id, refused string, _ error) {
	for {
		rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		reply, err := fetchersvc.Request(rctx, nc, url, "chaos")
		cancel()
		switch {
		case err == nil:
			return reply.ID, "", nil
		case reply.Reason != "":
			return "", reply.Reason + ": " + err.Error(), nil
		case ctx.Err() != nil:
			return "", "", ctx.Err()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// faultStats counts the faults injected.
type faultStats struct {
	mu                                     sync.Mutex
	kills, fetcherKills, pauses, natsKills int
	kvOutage                               time.Duration // how long the entity bucket was gone
	natsDone, kvDone                       bool
}

func (s *faultStats) done() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.natsDone && s.kvDone && s.kills >= 3 && s.pauses >= 3
}

// kvFault takes the enricher's entity bucket away (its stream deleted, as
// when the node holding it is down) for outage, then restores it with the
// same configuration, empty. Every article the enricher takes meanwhile
// fails on it: the runner must hold them, not dead-letter them.
type kvFault struct {
	js     jetstream.JetStream // the admin's
	outage time.Duration
}

func (f kvFault) run(ctx context.Context, logf func(string, ...any)) (time.Duration, error) {
	name := "KV_" + pipeline.BucketEntities
	st, err := f.js.Stream(ctx, name)
	if err != nil {
		return 0, err
	}
	cfg := st.CachedInfo().Config
	logf("entity bucket %s deleted; back in %s", pipeline.BucketEntities, f.outage)
	if err := f.js.DeleteStream(ctx, name); err != nil {
		return 0, err
	}
	began := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(f.outage):
	}
	for {
		_, err := f.js.CreateStream(context.WithoutCancel(ctx), cfg)
		if err == nil || errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			break
		}
		logf("restoring the entity bucket: %v", err)
		time.Sleep(time.Second)
	}
	logf("entity bucket restored")
	return time.Since(began), nil
}

// runFaults kills or pauses a random service every `every`; once, after
// natsAfter/2, takes the entity bucket away for kv.outage; and once, after
// natsAfter and the bucket's return, kills NATS for outage.
func runFaults(ctx context.Context, stats *faultStats, rng *rand.Rand, procs *processes, services []string, startService func(string) error,
	startNATS func() error, every, outage, natsAfter time.Duration, kv kvFault, logf func(string, ...any)) {
	natsAt := time.Now().Add(natsAfter)
	var kvDown sync.WaitGroup
	var kvRunning atomic.Bool
	if kv.outage > 0 {
		kvDown.Go(func() {
			select {
			case <-ctx.Done():
				return
			case <-time.After(natsAfter / 2):
			}
			kvRunning.Store(true)
			took, err := kv.run(ctx, logf)
			kvRunning.Store(false)
			if err != nil {
				logf("entity bucket outage: %v", err)
			}
			stats.mu.Lock()
			stats.kvOutage, stats.kvDone = took, true
			stats.mu.Unlock()
		})
	} else {
		stats.kvDone = true
	}
	defer kvDown.Wait()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		stats.mu.Lock()
		natsDone, kvDone := stats.natsDone, stats.kvDone
		stats.mu.Unlock()
		// Not during the bucket's outage: with NATS down nothing is
		// delivered, and the enricher would meet the bucket's outage for
		// less time than its retries take.
		if !natsDone && kvDone && time.Now().After(natsAt) {
			logf("SIGKILL nats-server; down for %s", outage)
			procs.kill("nats")
			select {
			case <-ctx.Done():
			case <-time.After(outage):
			}
			if err := startNATS(); err != nil {
				logf("restarting nats-server: %v", err)
			}
			stats.mu.Lock()
			stats.natsKills++
			stats.natsDone = true
			stats.mu.Unlock()
			continue
		}
		s := services[rng.IntN(len(services))]
		if s == "enricher" && kvRunning.Load() {
			// A restarted enricher recreates its bucket: that would end
			// the outage early.
			continue
		}
		if rng.IntN(3) == 0 {
			pause := time.Duration(1000+rng.IntN(2000)) * time.Millisecond
			logf("SIGSTOP %s for %s", s, pause)
			procs.signal(s, syscall.SIGSTOP)
			time.Sleep(pause)
			procs.signal(s, syscall.SIGCONT)
			stats.mu.Lock()
			stats.pauses++
			stats.mu.Unlock()
			continue
		}
		logf("SIGKILL %s", s)
		procs.kill(s)
		time.Sleep(time.Duration(200+rng.IntN(1500)) * time.Millisecond)
		if err := startService(s); err != nil {
			logf("restarting %s: %v", s, err)
		}
		stats.mu.Lock()
		stats.kills++
		if s == "fetcher" {
			stats.fetcherKills++
		}
		stats.mu.Unlock()
	}
}

// waitSettled waits until every stage consumer has nothing pending or in
// flight, three times in a row a second apart.
func waitSettled(ctx context.Context, js jetstream.JetStream, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	calm := 0
	for calm < 3 {
		if time.Now().After(deadline) {
			return errors.New("the pipeline did not settle")
		}
		time.Sleep(time.Second)
		busy := false
		for _, c := range []struct{ stream, consumer string }{
			{pipeline.StreamRaw, pipeline.StageCleaner}, {pipeline.StreamClean, pipeline.StageEnricher}, {pipeline.StreamEnriched, pipeline.StageSink},
		} {
			cons, err := js.Consumer(ctx, c.stream, c.consumer)
			if err != nil {
				busy = true
				break
			}
			info, err := cons.Info(ctx)
			if err != nil || info.NumPending > 0 || info.NumAckPending > 0 {
				busy = true
				break
			}
		}
		if busy {
			calm = 0
		} else {
			calm++
		}
	}
	return nil
}

type chaosResult struct {
	stored, dead, lost, dupStreams, dupStore, wrongDead int
	problems                                            []string
}

// chaosCheck reads every stream and the store: each page's origin (chaos:<i>
// when published directly, the fetcher's Nats-Msg-Id of the article it
// replied with when fetched) must be in the enriched stream exactly once
// or dead-lettered, no stream may hold an origin twice, the store each
// enriched article once.
func chaosCheck(ctx context.Context, js jetstream.JetStream, db string, n, fetchEvery int, fetched map[int]string, refusals int) (chaosResult, error) {
	var r chaosResult
	rawOrigin := map[string]string{} // article id → origin, on the raw stream
	origins := func(stream string) (map[string]int, map[string]int, error) {
		count := map[string]int{}
		ids := map[string]int{}
		st, err := js.Stream(ctx, stream)
		if err != nil {
			return nil, nil, err
		}
		last := st.CachedInfo().State.LastSeq
		for seq := st.CachedInfo().State.FirstSeq; seq <= last && last > 0; seq++ {
			m, err := st.GetMsg(ctx, seq)
			if errors.Is(err, jetstream.ErrMsgNotFound) {
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			o := m.Header.Get(pipeline.HeaderOrigin)
			if o == "" {
				o = m.Header.Get(jetstream.MsgIDHeader)
			}
			count[o]++
			if stream != pipeline.StreamDeadLetter {
				var a struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal(m.Data, &a)
				ids[a.ID]++
				if stream == pipeline.StreamRaw && a.ID != "" {
					rawOrigin[a.ID] = o
				}
			} else if c := m.Header.Get(pipeline.HeaderDeadCause); c != "permanent" && c != "undecodable" {
				r.wrongDead++
				r.problems = append(r.problems, fmt.Sprintf("%s dead-lettered by %s for %s: %s", o, m.Header.Get(pipeline.HeaderDeadStage), c, m.Header.Get(pipeline.HeaderDeadReason)))
			}
		}
		return count, ids, nil
	}
	raw, _, err := origins(pipeline.StreamRaw)
	if err != nil {
		return r, err
	}
	clean, _, err := origins(pipeline.StreamClean)
	if err != nil {
		return r, err
	}
	enriched, enrichedIDs, err := origins(pipeline.StreamEnriched)
	if err != nil {
		return r, err
	}
	dead, _, err := origins(pipeline.StreamDeadLetter)
	if err != nil {
		return r, err
	}
	// Two pages fetched under different URLs may be one article (the same
	// canonical URL and content): the fetcher publishes it once.
	fetchedIDs := map[string]bool{}
	for _, id := range fetched {
		fetchedIDs[id] = true
	}
	if want := n - len(fetched) - refusals + len(fetchedIDs); len(raw) != want {
		r.problems = append(r.problems, fmt.Sprintf("the raw stream holds %d distinct messages, want %d", len(raw), want))
	}
	for stream, m := range map[string]map[string]int{"raw": raw, "clean": clean, "enriched": enriched} {
		for o, c := range m {
			if c > 1 {
				r.dupStreams += c - 1
				r.problems = append(r.problems, fmt.Sprintf("%s is %d times in the %s stream", o, c, stream))
			}
		}
	}
	for i := 0; i < n; i++ {
		o := "chaos:" + strconv.Itoa(i)
		if fetchEvery > 0 && i%fetchEvery == 0 {
			id, ok := fetched[i]
			if !ok { // refused by the fetcher
				r.dead++
				continue
			}
			if o = rawOrigin[id]; o == "" {
				r.lost++
				r.problems = append(r.problems, fmt.Sprintf("page %d: the fetcher replied with article %s, which is not on the raw stream", i, id))
				continue
			}
		}
		switch {
		case enriched[o] > 0:
		case dead[o] > 0:
			r.dead++
		default:
			r.lost++
			r.problems = append(r.problems, o+" is neither enriched nor dead-lettered")
		}
	}
	st, err := store.Open(ctx, "sqlite://"+db, store.WithExistingOnly())
	if err != nil {
		return r, err
	}
	defer st.Close()
	stored := map[string]int{}
	err = st.Scan(ctx, store.ArticleQuery{Copies: true}, func(doc []byte) error {
		var a struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		}
		if err := json.Unmarshal(doc, &a); err != nil {
			return err
		}
		stored[a.URL]++
		if enrichedIDs[a.ID] == 0 {
			r.problems = append(r.problems, "stored article "+a.ID+" is not on the enriched stream")
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	for u, c := range stored {
		if c > 1 {
			r.dupStore += c - 1
			r.problems = append(r.problems, fmt.Sprintf("%s stored %d times", u, c))
		}
	}
	r.stored = len(stored)
	if want := len(enrichedIDs); r.stored != want {
		r.problems = append(r.problems, fmt.Sprintf("the store holds %d articles, the enriched stream %d", r.stored, want))
	}
	return r, nil
}

// processes runs named child processes and injects faults into them.
type processes struct {
	mu    sync.Mutex
	procs map[string]*proc
	log   func(string, ...any)
}

func (p *processes) start(name, path string, env []string, args ...string) error {
	var stderr strings.Builder
	pr, err := startProc(context.Background(), &lockedWriter{w: &stderr}, name, path, env, args...)
	if err != nil {
		return err
	}
	p.mu.Lock()
	if p.procs == nil {
		p.procs = map[string]*proc{}
	}
	p.procs[name] = pr
	p.mu.Unlock()
	go func() {
		<-pr.done
		if ws, ok := pr.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return // our own SIGKILL
		}
		if pr.err != nil {
			p.log("%s exited: %v: %s", name, pr.err, lastLines(stderr.String(), 5))
		}
	}()
	return nil
}

func (p *processes) get(name string) *proc {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.procs[name]
}

func (p *processes) signal(name string, sig syscall.Signal) {
	if c := p.get(name); c != nil && !c.exited() {
		_ = c.cmd.Process.Signal(sig)
	}
}

func (p *processes) kill(name string) {
	if c := p.get(name); c != nil && !c.exited() {
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// ensureRunning restarts name if it has exited.
func (p *processes) ensureRunning(name string, start func() error) {
	if c := p.get(name); c == nil || c.exited() {
		if err := start(); err != nil {
			p.log("restarting %s: %v", name, err)
		}
	}
}

// stop ends name with SIGTERM (waking it first if it is paused) and
// waits for it.
func (p *processes) stop(name string) {
	if c := p.get(name); c != nil {
		c.terminate(syscall.SIGTERM, 30*time.Second)
	}
}

func (p *processes) stopAll() {
	for _, n := range []string{"fetcher", "cleaner", "enricher", "sink", "nats"} {
		p.stop(n)
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w.Len() > 1<<20 {
		return len(b), nil
	}
	return l.w.Write(b)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
