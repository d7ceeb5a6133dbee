package canon_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon/canontest"
)

// slowMemory is a LocalMemory a round trip away, like a JetStream bucket:
// long enough that two articles linked at once both recall before either
// remembers, unless something holds them apart.
type slowMemory struct {
	*canon.LocalMemory
	delay time.Duration
}

func (m slowMemory) Recall(ctx context.Context, keys []string) ([]canon.Remembered, error) {
	time.Sleep(m.delay)
	return m.LocalMemory.Recall(ctx, keys)
}

func (m slowMemory) Remember(ctx context.Context, recs []canon.Remembered) error {
	time.Sleep(m.delay)
	return m.LocalMemory.Remember(ctx, recs)
}

// linkAtOnce links articles i and j of canontest.Articles at the same
// moment and returns the ids of the entities mentioned as names[i] and
// names[j].
func linkAtOnce(t *testing.T, link func(context.Context, string, []*canon.Entity) ([]*canon.Entity, error), i, j int, names []string) (string, string) {
	r := canon.NewResolver(nil)
	var wg sync.WaitGroup
	ids := make([]string, 2)
	for n, k := range []int{i, j} {
		wg.Go(func() {
			ids[n] = canontest.Find(t, canontest.ResolveWith(t, r, link, k), names[k]).ID
		})
	}
	wg.Wait()
	return ids[0], ids[1]
}

var spellings = []string{"Sergei Ryabkov", "Sergei Rybakov", "Sergey Rybakov"}

// TestLinkerConcurrentSpellings: two articles linked at once that spell
// one new person two ways give him one id, and the unrelated namesake
// linked at once with either still keeps his own.
func TestLinkerConcurrentSpellings(t *testing.T) {
	for range 5 {
		l := canon.NewLinker(slowMemory{canon.NewLocalMemory(0), 20 * time.Millisecond})
		if a, b := linkAtOnce(t, l.Link, 0, 1, spellings); a != b {
			t.Fatalf("linked at once, the envoy has ids %s and %s", a, b)
		}
		if a, b := linkAtOnce(t, l.Link, 1, 2, spellings); a == b {
			t.Fatalf("the goalkeeper joined the envoy: %s", a)
		}
	}
}

// meetMemory is a LocalMemory whose Recall returns only once two Recalls
// are under way at once (or fails after a while): two articles held one
// behind the other never get through it.
type meetMemory struct {
	*canon.LocalMemory
	mu  sync.Mutex
	n   int
	met chan struct{}
}

func (m *meetMemory) Recall(ctx context.Context, keys []string) ([]canon.Remembered, error) {
	m.mu.Lock()
	if m.n++; m.n == 2 {
		close(m.met)
	}
	m.mu.Unlock()
	select {
	case <-m.met:
	case <-time.After(10 * time.Second):
		return nil, errors.New("the other article never recalled at the same time")
	}
	return m.LocalMemory.Recall(ctx, keys)
}

// TestLinkerKeysApart: articles with no memory key in common are not held
// one behind the other. Article 0 and article 2 share no entity and no
// key ("Sergei" and "Sergey" fold apart, and the surnames differ).
func TestLinkerKeysApart(t *testing.T) {
	l := canon.NewLinker(&meetMemory{LocalMemory: canon.NewLocalMemory(0), met: make(chan struct{})})
	linkAtOnce(t, l.Link, 0, 2, spellings)
}
