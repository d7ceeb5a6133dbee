package enrich_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/memtest"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLocalMemoryContract(t *testing.T) {
	m := enrich.NewMemory(enrich.MemoryOptions{})
	memtest.Contract(t, func() enrich.Memory { return m })
}

func TestLocalMemoryExpiresAndBounds(t *testing.T) {
	c := &clock{t: time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)}
	m := enrich.NewMemory(enrich.MemoryOptions{TTL: time.Hour, MaxArticles: 3, Now: c.now})
	ctx := context.Background()
	rule := story.DefaultRule
	link := func(id string) story.Decision {
		a := memtest.Article(id, memtest.Report)
		a.Seen, a.Time = c.t.Unix(), c.t.Unix()
		d, err := m.Link(ctx, &rule, a)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		link(id)
	}
	if m.Len() != 3 {
		t.Fatalf("len = %d, want 3 (oldest evicted)", m.Len())
	}
	// a, evicted, is linked anew: into its story, but never as a copy of
	// itself (b, c and d name it as their original).
	if d := link("a"); d.DuplicateOf != "" || d.StoryID != story.NewStoryID("a") {
		t.Fatalf("a again after eviction: %+v", d)
	}
	c.t = c.t.Add(2 * time.Hour)
	if m.Len() != 0 {
		t.Fatalf("after the TTL: len %d", m.Len())
	}
	if d := link("f"); d.DuplicateOf != "" || d.StoryID != story.NewStoryID("f") {
		t.Fatalf("after the TTL, f: %+v", d)
	}
}

// failingMemory fails every call.
type failingMemory struct{}

func (failingMemory) Link(context.Context, *story.Rule, story.Article) (story.Decision, error) {
	return story.Decision{}, errors.New("bucket unavailable")
}
