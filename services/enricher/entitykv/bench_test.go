package entitykv_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/entitykv"
)

// BenchmarkLinkParallel links articles from 8 goroutines at once through
// a bucket on an embedded JetStream server, each article naming three
// people and a company of its own (so no two share a memory key), with
// one lock around canon.Link for the whole process (lock=process, what
// the enricher did) and with a canon.Linker holding only the article's
// keys (lock=keys). docs/BENCHMARKS.md, "Entity linking lock":
//
//	go test ./entitykv -run '^$' -bench LinkParallel -benchtime 400x -count 3
func BenchmarkLinkParallel(b *testing.B) {
	js := connect(b, startServer(b))
	ctx := context.Background()
	r := canon.NewResolver(nil)
	for _, lock := range []string{"process", "keys"} {
		b.Run("lock="+lock, func(b *testing.B) {
			m, err := entitykv.New(ctx, js, entitykv.Config{Bucket: "bench_" + lock, Storage: jetstream.MemoryStorage})
			if err != nil {
				b.Fatal(err)
			}
			var mu sync.Mutex
			link := canon.NewLinker(m).Link
			if lock == "process" {
				link = func(ctx context.Context, text string, ents []*canon.Entity) ([]*canon.Entity, error) {
					mu.Lock()
					defer mu.Unlock()
					return canon.Link(ctx, m, text, ents)
				}
			}
			var n atomic.Int64
			b.SetParallelism(4) // 8 goroutines on 2 cores: the enricher's in-flight articles
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					text, ms := article(i)
					if _, err := link(ctx, text, r.Resolve(text, ms, canon.Context{})); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

// word spells i in letters, so that names (and their first names, which
// the memory indexes) differ from article to article.
func word(i int64) string {
	var b []byte
	for ; i > 0; i /= 26 {
		b = append(b, byte('a'+i%26))
	}
	return string(b)
}

// article i names people and a company nobody else names.
func article(i int64) (string, []canon.Mention) {
	names := []struct {
		typ  pipeline.EntityType
		name string
	}{
		{pipeline.Person, "Anna" + word(i) + " Vorlak" + word(i)},
		{pipeline.Person, "Piet" + word(i) + " Grendam" + word(i)},
		{pipeline.Organization, "Zulmex" + word(i) + " Holdings"},
		{pipeline.Person, "Marco" + word(i) + " Teslin" + word(i)},
	}
	var text string
	var ms []canon.Mention
	for _, n := range names {
		text += "Yesterday "
		ms = append(ms, canon.Mention{Start: len(text), End: len(text) + len(n.name), Type: n.typ})
		text += n.name + " spoke. "
	}
	return text, ms
}
