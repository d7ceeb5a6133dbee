// Package fetchersvc wires package fetch into a newsflow service: the
// part of the fetcher that the service binary and the all-in-one newsflow
// binary share.
//
// A Fetcher watches the source registry (package sources) and polls every
// active source when it falls due, under a lease so that replicas share
// the sources without polling one twice at once. A poll fetches the feed,
// sitemap or page (conditionally), takes its newest links, and for each
// link not already in the seen-URL memory fetches the page and publishes a
// raw article to pipeline.SubjectRaw. It also answers on-demand fetch
// requests on pipeline.SubjectFetch.
//
// Raw articles are JSON envelopes (pipeline.EncodeArticle: url, html or
// text, source, fetched_at, published_at, title, authors, summary)
// published with runner.Publish
// and Nats-Msg-Id "fetch:<article id>:<content hash>": the same page
// fetched twice within the stream's duplicate window is stored once, while
// a page whose content changed is published again (the sink keeps the
// latest). A page too large for one message is put in the object store and
// the envelope carries its body_ref (package claimcheck).
//
// The seen-URL memory is the KV bucket newsflow_seen, keyed by article id
// (a hash of the canonical URL), expiring after Options.SeenTTL. A link is
// fetched when its id is not there, or when the feed says the article was
// updated since; then the content hash decides whether it is published.
package fetchersvc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/claimcheck"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

// Version is recorded with the fetcher's stage mark on every article.
const Version = "0.1.0"

// SeenBucket is the KV bucket remembering published articles.
const SeenBucket = pipeline.BucketSeen

// Fetcher is one fetcher replica.
type Fetcher struct {
	o      Options
	log    *zap.Logger
	client *fetch.Client
	owner  string
	sched  *scheduler
	// inflight makes two polls meeting the same article at once fetch it once.
	inflight singleflight.Group

	// Set up by Run.
	js      jetstream.JetStream
	reg     *sources.Registry
	seen    jetstream.KeyValue
	maxBody int
	ready   atomic.Bool
	started chan struct{}
}

// New returns a fetcher configured by o, which must have been validated.
func New(o Options, log *zap.Logger) (*Fetcher, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	host, _ := os.Hostname()
	// nuid's first 12 characters are per process: only the whole is unique.
	owner := host + "-" + nuid.Next()
	co := o.clientOptions()
	co.Log = log
	return &Fetcher{o: o, log: log.With(zap.String("replica", owner)), client: fetch.New(co), owner: owner,
		sched: newScheduler(owner), started: make(chan struct{})}, nil
}

// Build wires a fetcher as a service component: the shape every service's
// Build has, for cmd/fetcher's main and the all-in-one binary. apply is
// the shared -apply-topology (Options.ApplyTopology).
func Build(_ context.Context, o Options, log *zap.Logger, _ jetstream.JetStream, apply bool) (service.Service, error) {
	o.ApplyTopology = apply
	f, err := New(o, log)
	if err != nil {
		return service.Service{}, err
	}
	return service.Service{Components: []service.Component{f.Run}, Ready: []func() error{f.Ready}}, nil
}

// Ready reports whether the fetcher is watching the registry and serving
// fetch requests.
func (f *Fetcher) Ready() error {
	if !f.ready.Load() {
		return errors.New("fetcher: not started")
	}
	return nil
}

// Started is closed once the fetcher is ready.
func (f *Fetcher) Started() <-chan struct{} { return f.started }

// Run opens the buckets, seeds the registry from the source file, and
// polls sources and answers fetch requests until ctx is done. Polls in
// progress are cancelled then and their leases released, so another
// replica takes their sources over at once. Call it once.
func (f *Fetcher) Run(ctx context.Context, js jetstream.JetStream) error {
	f.js = js
	if err := f.setup(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started
		}
		return err
	}
	sub, reqs, err := f.serveRequests(ctx)
	if err != nil {
		return err
	}
	defer func() {
		_ = sub.Unsubscribe()
		reqs.Wait()
	}()

	g, gctx := errgroup.WithContext(ctx)
	if f.o.APIAddr != "" {
		ln, err := net.Listen("tcp", f.o.APIAddr)
		if err != nil {
			return fmt.Errorf("sources API: %w", err)
		}
		f.log.Info("sources API listening", zap.String("addr", ln.Addr().String()))
		g.Go(func() error { return service.ServeHTTP(gctx, ln, f.API()) })
	}
	statesLoaded := make(chan struct{})
	g.Go(func() error {
		return f.reg.WatchStates(gctx, f.sched.setState, func() { close(statesLoaded) })
	})
	sourcesLoaded := make(chan struct{})
	g.Go(func() error {
		select {
		case <-statesLoaded: // so sources start at their known due times
		case <-gctx.Done():
			return nil
		}
		return f.reg.Watch(gctx, func(s sources.Source, removed bool) {
			if removed {
				f.sched.remove(s.ID)
			} else {
				f.sched.upsert(s)
			}
			active, paused := f.sched.counts()
			metricSources.WithLabelValues("active").Set(float64(active))
			metricSources.WithLabelValues("paused").Set(float64(paused))
		}, func() { close(sourcesLoaded) })
	})
	g.Go(func() error {
		select {
		case <-sourcesLoaded:
		case <-gctx.Done():
			return nil
		}
		f.ready.Store(true)
		close(f.started)
		active, paused := f.sched.counts()
		f.log.Info("fetcher running", zap.Int("sources", active), zap.Int("paused", paused))
		f.schedule(gctx)
		return nil
	})
	err = g.Wait()
	f.ready.Store(false)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// setup opens the registry and the seen bucket and seeds the registry,
// retrying while JetStream is not answering (a compose start, a leader
// election), as every service's setup does (service.Retry: a bucket whose
// settings differ from this replica's is not retried).
func (f *Fetcher) setup(ctx context.Context) error {
	f.maxBody = claimcheck.Threshold(f.js.Conn().MaxPayload())
	var seed []sources.Source
	if f.o.SourcesFile != "" {
		var err error
		if seed, err = sources.LoadFile(f.o.SourcesFile); err != nil {
			return err
		}
	}
	return service.Retry(ctx, f.log, "fetcher buckets", func(ctx context.Context) error { return f.open(ctx, seed) })
}

func (f *Fetcher) open(ctx context.Context, seed []sources.Source) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	reg, err := sources.Open(ctx, f.js, f.o.ApplyTopology)
	if err != nil {
		return err
	}
	seen, err := runner.EnsureKeyValue(ctx, f.js, jetstream.KeyValueConfig{
		Bucket: SeenBucket, Description: "newsflow: articles the fetcher has published, by article id",
		TTL: f.o.SeenTTL, History: 1, Storage: jetstream.FileStorage, Replicas: sources.Replicas(ctx, f.js),
	}, f.o.ApplyTopology)
	if err != nil {
		return err
	}
	if len(seed) > 0 {
		n, err := reg.Seed(ctx, seed)
		if err != nil {
			return err
		}
		f.log.Info("sources seeded", zap.String("file", f.o.SourcesFile), zap.Int("listed", len(seed)), zap.Int("new", n))
	}
	f.reg, f.seen = reg, seen
	return nil
}

// schedule polls due sources, Options.Polls at a time, until ctx is done.
func (f *Fetcher) schedule(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, f.o.Polls)
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		e, pctx, ok := f.sched.next(ctx)
		if !ok {
			return
		}
		wg.Go(func() {
			defer func() { <-slots }()
			f.sched.done(e, f.poll(pctx, e.src))
		})
	}
}
