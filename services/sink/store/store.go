// Package store is newsflow's durable, searchable article store: the end of
// the pipeline, where enriched articles are kept and questioned.
//
// Two backends implement the same Store: an embedded SQLite database (pure
// Go, no cgo; full-text search with FTS5) for a laptop, tests and demos, and
// PostgreSQL (pgx; full-text search with tsvector) for deployments that
// outgrow one machine. Open picks one from a DSN.
//
// Writes are upserts by article id, group-committed: concurrent Save calls
// share one transaction and each returns once its article is durable, so a
// caller may acknowledge its message as soon as Save returns. Redelivery or
// replay never duplicates an article, and of two versions of one article the
// one with the later enrichment wins (see Version).
//
// Besides the full article (stored as its exact JSON), entities, mentions,
// quotes and stories live in their own tables so they can be queried: see
// ArticleQuery, EntityQuery and StoryQuery. Subscribe delivers an Event for
// every committed article, across all processes sharing a PostgreSQL
// database, which is what the web view's live feed is made of.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"go.uber.org/zap"
)

// Errors callers branch on.
var (
	// ErrNotFound reports that no article, entity or story has the id asked for.
	ErrNotFound = errors.New("store: not found")
	// ErrClosed reports a call on a closed Store.
	ErrClosed = errors.New("store: closed")
	// ErrInvalidArticle reports an article the store cannot keep whatever
	// the retries (no id, wrong schema). Save wraps it with
	// pipeline.Permanent so the runner dead-letters the message.
	ErrInvalidArticle = errors.New("invalid article")
	// ErrBadQuery reports a query that cannot be run as asked (a malformed
	// cursor, an inverted time range, an unknown entity type); the HTTP API
	// answers it with 400.
	ErrBadQuery = errors.New("bad query")
)

// Writer stores articles.
type Writer interface {
	// Save stores a, replacing an older version of the same article, and
	// returns once it is durably committed. Saving a version older than the
	// stored one is a no-op, so replaying a stream is harmless.
	Save(ctx context.Context, a pipeline.Article) error
}

// Reader answers questions about the stored articles.
type Reader interface {
	// Get returns the article with id exactly as it was saved, or ErrNotFound.
	Get(ctx context.Context, id string) (pipeline.Article, error)
	// Doc returns the JSON the article with id was saved as (what Get
	// decodes), or ErrNotFound.
	Doc(ctx context.Context, id string) ([]byte, error)
	// Count returns the number of stored articles.
	Count(ctx context.Context) (int, error)
	// Articles lists the articles matching q, newest first, one page at a time.
	Articles(ctx context.Context, q ArticleQuery) (ArticlePage, error)
	// Scan calls fn with every article matching q (q.Limit and q.Cursor
	// included), newest first, as the exact JSON it was saved as. It is
	// what export is made of: it streams without holding pages in memory.
	Scan(ctx context.Context, q ArticleQuery, fn func(doc []byte) error) error
	// Entities lists entities by how often they are mentioned.
	Entities(ctx context.Context, q EntityQuery) ([]EntityStat, error)
	// Entity returns one entity with its latest articles, its quotes, the
	// entities it appears with and the names it is mentioned by.
	Entity(ctx context.Context, id string) (EntityDetail, error)
	// Stories lists stories, the most recently updated first.
	Stories(ctx context.Context, q StoryQuery) (StoryPage, error)
	// Story returns one story with its articles in publication order.
	Story(ctx context.Context, id string) (StoryDetail, error)
	// StorySummary returns one story as Stories lists it, or ErrNotFound.
	StorySummary(ctx context.Context, id string) (StorySummary, error)
	// Sources lists the sources articles came from, with their counts.
	Sources(ctx context.Context) ([]SourceStat, error)
	// Facets counts the articles matching q (its Limit and Cursor aside)
	// by source, entity type and entity.
	Facets(ctx context.Context, q ArticleQuery) (Facets, error)
	// Quotes lists the quotes matching q, newest first.
	Quotes(ctx context.Context, q QuoteQuery) (QuotePage, error)
	// ResolveEntity says which entity ref stands for: an id, a name, whole
	// words of a name (a surname) or a way an article wrote it, the most
	// mentioned when several match, or ErrNotFound. Every query taking
	// entities (ArticleQuery.Entities) resolves them so.
	ResolveEntity(ctx context.Context, ref string) (EntityMatch, error)
}

// Store is a Writer and Reader whose commits can be watched.
type Store interface {
	Writer
	Reader
	// Subscribe delivers an Event for every article committed from now on,
	// by this process or, with PostgreSQL, by any process using the same
	// database, until ctx is done or the store is closed; then the channel
	// is closed. A subscriber that falls behind loses events rather than
	// slowing the writers: the next event it gets says how many it missed.
	//
	// after, if not empty, is the Cursor of the last event a previous
	// subscriber received: the events since are delivered first, so a
	// client that lost its connection resumes without a gap. resumed
	// reports whether that was possible; it is false when after comes from
	// another Store (another process, or before a restart) or is older
	// than the last RecentEvents commits, and the caller must then reload
	// what it shows. With after empty, resumed is true.
	Subscribe(ctx context.Context, after string) (events <-chan Event, resumed bool)
	// Close flushes pending saves and releases the database.
	Close() error
}

// Event reports one committed article.
type Event struct {
	Article ArticleSummary `json:"article"`
	// Updated is true when the article was already stored and this commit
	// replaced it with a newer version.
	Updated bool `json:"updated"`
	// Missed counts the events this subscriber lost, since the previous
	// one it received, because it was not reading fast enough.
	Missed int `json:"missed,omitempty"`
	// Cursor names this event's place in the Store's sequence of commits,
	// for Subscribe to resume after it.
	Cursor string `json:"-"`

	seq uint64
}

// RecentEvents is how many of the latest commits a Store remembers, so
// that a subscriber can resume after a dropped connection.
const RecentEvents = 4096

// Option configures Open.
type Option func(*config)

type config struct {
	maxBatch   int
	maxDelay   time.Duration
	log        *zap.Logger
	readConns  int
	pgChannel  string
	commitWait time.Duration
	// SQLite memory, in MiB: the writer's page cache, each reader
	// connection's, and memory-mapped I/O per connection.
	writerCacheMB, readerCacheMB, mmapMB int
	existingOnly                         bool
}

func defaultConfig() config {
	return config{
		maxBatch:   256,
		maxDelay:   2 * time.Millisecond,
		log:        zap.NewNop(),
		readConns:  4,
		pgChannel:  "newsflow_articles",
		commitWait: 30 * time.Second,
		// Sized for a sink that stays small (a few tens of MB resident):
		// the OS page cache keeps the database file warm whatever SQLite's
		// own cache holds, and queries stay in milliseconds at 100k
		// articles (docs/BENCHMARKS.md).
		writerCacheMB: 8, readerCacheMB: 16, mmapMB: 256,
	}
}

// WithBatch sets the group commit: a transaction is committed when it holds
// maxBatch articles or maxDelay after its first article arrived, whichever
// comes first (defaults 256 and 2ms). A larger delay buys throughput with
// latency; a delay of 0 commits whatever has queued while the previous
// commit ran, which adapts the batch size to the load by itself.
func WithBatch(maxBatch int, maxDelay time.Duration) Option {
	return func(c *config) {
		if maxBatch > 0 {
			c.maxBatch = maxBatch
		}
		if maxDelay >= 0 {
			c.maxDelay = maxDelay
		}
	}
}

// WithLogger sets the logger (default: none).
func WithLogger(l *zap.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.log = l
		}
	}
}

// WithReadConns bounds the connections used by queries (default 4).
func WithReadConns(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.readConns = n
		}
	}
}

// WithSQLiteMemory sets how much memory SQLite may use, in MiB: the page
// cache of the writer connection and of each reader connection, and the
// readers' memory-mapped I/O window (file-backed, so it counts as page
// cache, not as the process's own memory; the writer maps nothing).
// Defaults 8, 16 and 256. Larger caches buy query latency on large stores
// with memory.
func WithSQLiteMemory(writerCacheMB, readerCacheMB, mmapMB int) Option {
	return func(c *config) {
		if writerCacheMB > 0 {
			c.writerCacheMB = writerCacheMB
		}
		if readerCacheMB > 0 {
			c.readerCacheMB = readerCacheMB
		}
		if mmapMB >= 0 {
			c.mmapMB = mmapMB
		}
	}
}

// WithExistingOnly makes Open fail with ErrNotFound when an SQLite store
// does not exist yet, instead of creating it: for readers such as the CLI,
// for whom a mistyped path must not become an empty store.
func WithExistingOnly() Option {
	return func(c *config) { c.existingOnly = true }
}

// WithNotifyChannel sets the PostgreSQL LISTEN/NOTIFY channel commits are
// announced on (default "newsflow_articles"). Processes sharing a database
// must agree on it; it exists so that two deployments can share one server.
func WithNotifyChannel(name string) Option {
	return func(c *config) {
		if name != "" {
			c.pgChannel = name
		}
	}
}

// Open opens (creating and migrating as needed) the store named by dsn:
//
//   - "sqlite:///var/lib/newsflow/articles.db", "sqlite://articles.db"
//     (relative) or a bare file path: the embedded SQLite backend;
//   - "postgres://user:pass@host:5432/db?sslmode=disable" (or
//     "postgresql://..."): PostgreSQL. The database must exist; the schema
//     is created in it.
//
// Schema migrations are applied at Open and recorded in schema_migrations.
func Open(ctx context.Context, dsn string, opts ...Option) (Store, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	var (
		b   backend
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		b, err = openPostgres(ctx, dsn, cfg)
	case strings.HasPrefix(dsn, "sqlite://"):
		b, err = openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite://"), cfg)
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("store: unsupported DSN scheme in %q (want sqlite:// or postgres://)", redactDSN(dsn))
	case dsn == "":
		return nil, errors.New("store: empty DSN")
	default:
		b, err = openSQLite(ctx, dsn, cfg)
	}
	if err != nil {
		return nil, err
	}
	return newStore(b, cfg), nil
}

// redactDSN hides a password in an error message.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return dsn[:scheme+3] + user + ":xxxxx" + dsn[at:]
	}
	return dsn
}

// SaveFunc adapts w to the pipeline's stage contract for the sink: the
// article is saved and handed back unchanged. Invalid articles come back
// as permanent errors (dead-lettered), anything else is retried.
func SaveFunc(w Writer) pipeline.Func {
	return func(ctx context.Context, a pipeline.Article) (pipeline.Article, error) {
		if err := w.Save(ctx, a); err != nil {
			return pipeline.Article{}, err
		}
		return a, nil
	}
}
