package enrich

import (
	"context"
	"sync"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

// Memory is the story memory: what recent articles looked like and which
// stories they form, so that a later article can join its story or be
// marked as a copy.
//
// Link decides an article's story with the rule against every article
// linked before it, by any enricher sharing the memory, and records the
// decision, as one atomic step: two enrichers linking two copies of one
// article at the same moment never both miss the other. Linking an id
// already linked (a redelivery) returns the decision taken then. How the
// memory achieves that (a lock, compare-and-set and retries) is its own
// business; the rule itself is story.Index.Decide, which every Memory
// uses. Implementations must be safe for concurrent use.
type Memory interface {
	Link(ctx context.Context, rule *story.Rule, a story.Article) (story.Decision, error)
}

// MemoryOptions configure an in-process Memory.
type MemoryOptions struct {
	// TTL is how long an article is remembered (default 7 days).
	TTL time.Duration
	// MaxArticles bounds the memory (default 10,000); the oldest go first.
	MaxArticles int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// LocalMemory is a Memory inside one process: a story.Index behind a
// lock. It is for tests and for tools that enrich in one process; the
// enricher service and the all-in-one binary share theirs through
// JetStream (package storykv), which keeps the same story.Index in every
// replica.
type LocalMemory struct {
	opts  MemoryOptions
	mu    sync.Mutex
	index *story.Index
}

// NewMemory returns an empty LocalMemory.
func NewMemory(opts MemoryOptions) *LocalMemory {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &LocalMemory{opts: opts, index: story.NewIndex(story.IndexOptions{TTL: opts.TTL, MaxArticles: opts.MaxArticles})}
}

// Link implements Memory.
func (m *LocalMemory) Link(ctx context.Context, rule *story.Rule, a story.Article) (story.Decision, error) {
	if err := ctx.Err(); err != nil {
		return story.Decision{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.Now().Unix()
	m.index.Expire(now)
	if prev, ok := m.index.Get(a.ID); ok {
		return story.Decision{StoryID: prev.StoryID, DuplicateOf: prev.DuplicateOf}, nil
	}
	d := m.index.Decide(rule, &a)
	a.StoryID, a.DuplicateOf = d.StoryID, d.DuplicateOf
	m.index.Add(a, now)
	return d, nil
}

// Len returns how many articles the memory holds.
func (m *LocalMemory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.index.Expire(m.opts.Now().Unix())
	return m.index.Len()
}
