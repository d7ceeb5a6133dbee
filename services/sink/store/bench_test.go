package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

// Benchmarks compare the two engines side by side in one run (the machine
// is shared and noisy: read the ratios, not the absolute numbers).
//
//	go test ./store -run '^$' -bench . -benchtime 20000x   # writes
//	NEWSFLOW_BENCH_ARTICLES=100000 go test ./store -run '^$' -bench Query -benchtime 2000x -timeout 60m
//
// PostgreSQL runs durable (fsync and synchronous commit on), like SQLite
// with synchronous=FULL: Save returns only after a durable commit on both.

// benchServer is one durable PostgreSQL server for every benchmark.
var (
	benchPG     *storetest.Server
	benchPGErr  error
	benchPGOnce sync.Once
)

func benchDSN(b *testing.B, engine string) string {
	b.Helper()
	switch engine {
	case "sqlite":
		return "sqlite://" + filepath.Join(b.TempDir(), "bench.db")
	default:
		if os.Getenv(storetest.EnvSkipPostgres) == "1" {
			b.Skip("PostgreSQL skipped")
		}
		benchPGOnce.Do(func() { benchPG, benchPGErr = storetest.StartServer(storetest.ServerOptions{Durable: true}) })
		if benchPGErr != nil {
			b.Fatal(benchPGErr)
		}
		dsn, err := benchPG.NewDatabase(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		return dsn
	}
}

var engines = []string{"sqlite", "postgres"}

// BenchmarkSave measures ingest: b.N generated articles (about 4 KB of
// text, 8 entities with 30 mentions, 1-2 quotes each) saved by 64
// concurrent callers, as the runner does with many messages in flight.
func BenchmarkSave(b *testing.B) {
	g := storetest.NewGenerator(1)
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			st, err := store.Open(context.Background(), benchDSN(b, engine))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			arts := make([]pipeline.Article, b.N)
			for i := range arts {
				arts[i] = g.Article(i)
			}
			var next atomic.Int64
			b.SetParallelism(64 / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a := arts[next.Add(1)-1]
					if err := st.Save(context.Background(), a); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "articles/s")
		})
	}
}

// corpus is a store filled with NEWSFLOW_BENCH_ARTICLES (default 100000)
// generated articles, built once per engine per run.
type corpus struct {
	dir  string // of a SQLite corpus
	st   store.Store
	gen  *storetest.Generator
	n    int
	took time.Duration
}

var (
	corpora   = map[string]*corpus{}
	corporaMu sync.Mutex
)

func benchCorpus(b *testing.B, engine string) *corpus {
	corporaMu.Lock()
	defer corporaMu.Unlock()
	if c := corpora[engine]; c != nil {
		return c
	}
	n := 100000
	if s := os.Getenv("NEWSFLOW_BENCH_ARTICLES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dsn, dir := benchDSN(b, engine), ""
	if engine == "sqlite" {
		// b.TempDir is removed when this sub-benchmark ends; the corpus
		// must outlive it.
		var err error
		if dir, err = os.MkdirTemp("", "newsflow-bench-"); err != nil {
			b.Fatal(err)
		}
		dsn = "sqlite://" + filepath.Join(dir, "bench.db")
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	g := storetest.NewGenerator(7)
	start := time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := st.Save(context.Background(), g.Article(i)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	c := &corpus{dir: dir, st: st, gen: g, n: n, took: time.Since(start)}
	b.Logf("%s: stored %d articles in %s (%.0f articles/s)", engine, n, c.took.Round(time.Second), float64(n)/c.took.Seconds())
	corpora[engine] = c
	return c
}

// latencies runs one query per iteration and reports its p50 and p99.
func latencies(b *testing.B, query func(i int) error) {
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t := time.Now()
		if err := query(i); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(durs)
	ms := func(q float64) float64 {
		return float64(durs[min(len(durs)-1, int(q*float64(len(durs))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// searches mix common and rare words, phrases and exclusions.
var searches = []string{
	"talks", "Geneva", "negotiations stall", `"peaceful resolution"`, "Minsk agreements",
	"markets -Brussels", "Boeing OR Airbus", "Ramaphosa", `"written answer"`, "inflation",
}

// BenchmarkQuery measures the first page (20 articles) of a full-text
// query and of an entity's articles, and the entity page and top
// entities, over the corpus.
func BenchmarkQuery(b *testing.B) {
	for _, engine := range engines {
		b.Run(engine+"/fulltext", func(b *testing.B) {
			c := benchCorpus(b, engine)
			latencies(b, func(i int) error {
				_, err := c.st.Articles(context.Background(), store.ArticleQuery{Text: searches[i%len(searches)]})
				return err
			})
		})
		b.Run(engine+"/entity", func(b *testing.B) {
			c := benchCorpus(b, engine)
			ents := benchEntities(c)
			latencies(b, func(i int) error {
				_, err := c.st.Articles(context.Background(), store.ArticleQuery{Entities: []string{ents[i%len(ents)]}})
				return err
			})
		})
		b.Run(engine+"/entity-page", func(b *testing.B) {
			c := benchCorpus(b, engine)
			ents := benchEntities(c)
			latencies(b, func(i int) error {
				_, err := c.st.Entity(context.Background(), ents[i%len(ents)])
				return err
			})
		})
		b.Run(engine+"/search-facets", func(b *testing.B) {
			c := benchCorpus(b, engine)
			latencies(b, func(i int) error {
				_, err := c.st.Facets(context.Background(), store.ArticleQuery{Text: searches[i%len(searches)]})
				return err
			})
		})
		b.Run(engine+"/quote-search", func(b *testing.B) {
			c := benchCorpus(b, engine)
			qs := []store.QuoteQuery{{Text: "serious decisions"}, {Text: "pressure"}, {Speaker: "Ryabkov"}, {Text: "escalate", Speaker: "Sherman"}}
			latencies(b, func(i int) error {
				_, err := c.st.Quotes(context.Background(), qs[i%len(qs)])
				return err
			})
		})
		// Surnames resolve over the entities; a reference no name holds
		// falls back to the written forms (the mentions).
		b.Run(engine+"/resolve-surname", func(b *testing.B) {
			c := benchCorpus(b, engine)
			ents := benchEntities(c)
			latencies(b, func(i int) error {
				d, err := c.st.Entity(context.Background(), ents[i%len(ents)])
				if err != nil {
					return err
				}
				words := strings.Fields(d.Name)
				_, err = c.st.ResolveEntity(context.Background(), words[len(words)-1])
				return err
			})
		})
		b.Run(engine+"/resolve-unknown", func(b *testing.B) {
			c := benchCorpus(b, engine)
			latencies(b, func(i int) error {
				_, err := c.st.ResolveEntity(context.Background(), "Nobody Atall"+strconv.Itoa(i%7))
				if errors.Is(err, store.ErrNotFound) {
					err = nil
				}
				return err
			})
		})
		b.Run(engine+"/top-entities", func(b *testing.B) {
			c := benchCorpus(b, engine)
			types := []pipeline.EntityType{"", pipeline.Person, pipeline.Organization, pipeline.Location}
			latencies(b, func(i int) error {
				_, err := c.st.Entities(context.Background(), store.EntityQuery{Type: types[i%len(types)]})
				return err
			})
		})
	}
}

// benchEntities picks entities from the most to the least mentioned: the
// first of each type is in a large share of the corpus.
func benchEntities(c *corpus) []string {
	var out []string
	for _, rank := range []int{0, 1, 3, 10, 30} {
		for _, t := range []pipeline.EntityType{pipeline.Person, pipeline.Organization, pipeline.Location} {
			out = append(out, c.gen.Popular(t, rank).ID)
		}
	}
	return out
}

// benchCleanup releases what the benchmarks built; TestMain calls it.
func benchCleanup() {
	for _, c := range corpora {
		c.st.Close()
		if c.dir != "" {
			os.RemoveAll(c.dir)
		}
	}
	if benchPG != nil {
		benchPG.Stop()
	}
}
