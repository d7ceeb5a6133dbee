package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/segmentio/encoding/json"
	"go.uber.org/zap"
)

// pgDB is the PostgreSQL backend. Queries go through database/sql (the
// code both engines share); writes use pgx directly, for COPY and
// pipelined statements. Commits are announced with NOTIFY inside the
// transaction, so every process LISTENing on the database, this one
// included, learns of exactly the commits that happened.
type pgDB struct {
	sqlReader
	pool    *pgxpool.Pool
	log     *zap.Logger
	channel string

	mu     sync.Mutex
	notify func([]commit)

	stop     context.CancelFunc
	listened chan struct{}
}

type pgDialect struct{}

func (pgDialect) placeholder(n int) string { return numbered(n) }
func (pgDialect) timeArg(t time.Time) any  { return t.UTC() }
func (pgDialect) searchCond(q *searchQuery) (string, any) {
	return "a.tsv @@ websearch_to_tsquery('english', ?)", q.websearch()
}

// rareSearch leaves the planner bitmap scans only: the GIN index, and the
// btree indexes of the other conditions.
func (pgDialect) rareSearch() string { return "SET LOCAL enable_indexscan = off" }

func (pgDialect) searchScan(*searchQuery) (string, string, any, bool) {
	// The planner chooses between the GIN index and walking rids with the
	// condition; it knows how common the words are.
	return "", "", nil, false
}

var channelName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// migrationLockKey serialises migrations of processes starting together.
const migrationLockKey = 0x6e657773666c6f77 // "newsflow"

func openPostgres(ctx context.Context, dsn string, cfg config) (*pgDB, error) {
	if !channelName.MatchString(cfg.pgChannel) {
		return nil, fmt.Errorf("store: notify channel %q must be a lower-case SQL identifier", cfg.pgChannel)
	}
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres DSN %s: %w", redactDSN(dsn), err)
	}
	pcfg.MaxConns = int32(cfg.readConns + 2)
	if _, ok := pcfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		pcfg.ConnConfig.RuntimeParams["application_name"] = "newsflow-sink"
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("store: connecting to %s: %w", redactDSN(dsn), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connecting to %s: %w", redactDSN(dsn), err)
	}
	d := pgDialect{}
	db := stdlib.OpenDBFromPool(pool)
	err = migrate(ctx, db, migrator{engine: "postgres", d: d, lock: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockKey))
		return err
	}})
	if err != nil {
		db.Close()
		pool.Close()
		return nil, err
	}
	lctx, stop := context.WithCancel(context.Background())
	p := &pgDB{
		sqlReader: sqlReader{db: db, d: d},
		pool:      pool,
		log:       cfg.log,
		channel:   cfg.pgChannel,
		stop:      stop,
		listened:  make(chan struct{}),
	}
	ready := make(chan error, 1)
	go p.listen(lctx, pcfg.ConnConfig, ready)
	select {
	case err = <-ready:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		p.close()
		return nil, fmt.Errorf("store: listening for commits: %w", err)
	}
	return p, nil
}

// storeDoc implements backend: PostgreSQL's TOAST compresses large
// values itself, so doc is stored as it is.
func (p *pgDB) storeDoc([]byte) []byte { return nil }

func (p *pgDB) watch(fn func([]commit)) {
	p.mu.Lock()
	p.notify = fn
	p.mu.Unlock()
}

func (p *pgDB) close() error {
	p.stop()
	<-p.listened
	err := p.db.Close()
	p.pool.Close()
	return err
}

// listen holds a connection LISTENing on the commit channel, reconnecting
// after failures, until ctx ends. ready gets the first LISTEN's outcome.
func (p *pgDB) listen(ctx context.Context, cc *pgx.ConnConfig, ready chan<- error) {
	defer close(p.listened)
	first := true
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := p.listenOnce(ctx, cc, func() {
			if first {
				first = false
				ready <- nil
			} else {
				p.deliver([]commit{lostCommits}) // what was notified meanwhile never reached us
			}
			backoff = 100 * time.Millisecond
		})
		if first {
			ready <- err
			return
		}
		if ctx.Err() != nil {
			return
		}
		p.log.Warn("commit notifications lost; reconnecting (live views miss commits until then)",
			zap.Error(err), zap.Duration("retry_in", backoff))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

func (p *pgDB) listenOnce(ctx context.Context, cc *pgx.ConnConfig, listening func()) error {
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{p.channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var commits []commit
		if err := json.Unmarshal([]byte(n.Payload), &commits); err != nil {
			p.log.Warn("undecodable commit notification", zap.String("payload", n.Payload), zap.Error(err))
			commits = []commit{lostCommits}
		}
		p.deliver(commits)
	}
}

func (p *pgDB) deliver(commits []commit) {
	p.mu.Lock()
	notify := p.notify
	p.mu.Unlock()
	if notify != nil {
		notify(commits)
	}
}

// write implements backend, retrying transactions that lost a race with
// another writer (a deadlock, a serialisation failure, or two processes
// inserting the same new article).
func (p *pgDB) write(ctx context.Context, recs []*record) ([]commit, error) {
	const attempts = 6
	for i := 1; ; i++ {
		commits, err := p.writeTx(ctx, recs)
		if err == nil || i == attempts || !retryable(err) {
			return commits, err
		}
		p.log.Debug("write conflict, retrying", zap.Int("attempt", i), zap.Error(err))
		wait := time.Duration(rand.Int64N(int64(10*time.Millisecond) << i))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, err
		}
	}
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505": // serialization_failure, deadlock_detected, unique_violation
		return true
	}
	return false
}

func (p *pgDB) writeTx(ctx context.Context, recs []*record) ([]commit, error) {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.Background())

	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.id
	}
	sort.Strings(ids)
	// Locking the stored rows (in id order) is what makes "compare
	// versions, then write" atomic against other replicas.
	rows, err := tx.Query(ctx, `SELECT id, rid, version, hash, story_id, duplicate_of, stored_at FROM articles
		WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, fmt.Errorf("reading stored versions: %w", err)
	}
	stored := map[string]existing{}
	for rows.Next() {
		var (
			id string
			e  existing
		)
		if err := rows.Scan(&id, &e.rid, &e.version, &e.hash, &e.story, &e.dupOf, &e.storedAt); err != nil {
			rows.Close()
			return nil, err
		}
		stored[id] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pl := makePlan(recs, stored)
	if len(pl.write) == 0 {
		return nil, tx.Commit(ctx)
	}

	// A replaced article is deleted (its mentions and quotes go with it,
	// by cascade) and inserted anew, keeping its rid if its time did not
	// change second.
	var removed []oldEntity
	if len(pl.replaced) > 0 {
		rids := make([]int64, 0, len(pl.replaced))
		for _, old := range pl.replaced {
			rids = append(rids, old.rid)
		}
		rows, err := tx.Query(ctx, `DELETE FROM article_entities WHERE article_rid = ANY($1) RETURNING article_rid, entity_id, mentions`, rids)
		if err != nil {
			return nil, fmt.Errorf("clearing replaced articles: %w", err)
		}
		if removed, err = scanOldEntities(rows); err != nil {
			return nil, fmt.Errorf("clearing replaced articles: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM articles WHERE rid = ANY($1)`, rids); err != nil {
			return nil, fmt.Errorf("clearing replaced articles: %w", err)
		}
	}

	// New rids take their sequence number from articles_rid_seq, which no
	// two replicas share; the rare collision is a unique violation, retried.
	var fresh []*record
	for _, r := range pl.write {
		old, replaced := pl.replaced[r.id]
		r.rid = old.rid
		if !replaced || old.rid>>ridSeqBits != r.at.Unix() {
			fresh = append(fresh, r)
		}
	}
	if len(fresh) > 0 {
		rows, err := tx.Query(ctx, `SELECT nextval('articles_rid_seq') FROM generate_series(1, $1)`, len(fresh))
		if err != nil {
			return nil, fmt.Errorf("numbering articles: %w", err)
		}
		i := 0
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, err
			}
			fresh[i].rid = ridBase(fresh[i].at) | n&(1<<ridSeqBits-1)
			i++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("numbering articles: %w", err)
		}
	}

	now := time.Now().UTC()
	b := &pgx.Batch{}
	commits := make([]commit, 0, len(pl.write))
	for _, r := range pl.write {
		var pub any
		if r.pub != nil {
			pub = *r.pub
		}
		old, replaced := pl.replaced[r.id]
		storedAt := now
		if replaced {
			storedAt = old.storedAt
		}
		b.Queue(`INSERT INTO articles (`+articleCols+`, tsv) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			$11, $12, $13, $14, $15, $16, $17, $18, $19, `+pgTSV(20, 21)+`)`,
			r.rid, r.id, storedAt, r.url, r.source, r.siteName, r.title, r.lang, r.lede, pub, r.at, r.story, r.dupOf,
			len(r.entities), len(r.quotes), r.version, r.hash, now, r.docColumn(), r.title, r.body)
		commits = append(commits, commit{ID: r.id, Updated: replaced})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("writing articles: %w", err)
	}
	for _, c := range childRows(pl.write) {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return nil, fmt.Errorf("writing %s: %w", c.table, err)
		}
	}

	b = &pgx.Batch{}
	deltas := entityDeltas(removed, pl)
	if len(deltas) > 0 {
		n := len(deltas)
		var (
			eid, name, fold, typ = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			arts, ments          = make([]int32, n), make([]int32, n)
			last                 = make([]time.Time, n)
			gone                 []string
		)
		for i, d := range deltas {
			eid[i], name[i], fold[i], typ[i] = d.id, d.name, strings.ToLower(d.name), d.typ
			arts[i], ments[i], last[i] = int32(d.articles), int32(d.mentions), d.lastAt
			if d.articles < 0 {
				gone = append(gone, d.id)
			}
		}
		// Rows go in id order, so concurrent writers lock entities in the
		// same order.
		b.Queue(entityInsert+`SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
			$5::int[], $6::int[], $7::timestamptz[]) ORDER BY 1`+entityConflict,
			eid, name, fold, typ, arts, ments, last)
		if len(gone) > 0 {
			b.Queue(`DELETE FROM entities WHERE articles <= 0 AND id = ANY($1)`, gone)
		}
	}
	for _, s := range pl.stories {
		// Another replica may be recomputing the same story; the lock makes
		// the second one wait and then see the first one's articles.
		b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended('newsflow.story:' || $1::text, 0))`, s)
	}
	if b.Len() > 0 {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return nil, fmt.Errorf("updating totals: %w", err)
		}
	}
	if err := refreshStories(ctx, pgStoryTx(tx, p.d, now), pl.stories); err != nil {
		return nil, fmt.Errorf("updating stories: %w", err)
	}
	b = &pgx.Batch{}
	for _, payload := range notifyPayloads(commits) {
		b.Queue(`SELECT pg_notify($1, $2)`, p.channel, payload)
	}
	if b.Len() == 0 {
		return commits, tx.Commit(ctx)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("announcing commits: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return commits, nil
}

// pgStoryTx pipelines each group of a storyTx's statements in one round
// trip.
func pgStoryTx(tx pgx.Tx, d dialect, now time.Time) storyTx {
	return storyTx{
		d: d,
		query: func(ctx context.Context, qs []stmt, fn func(int, rowScanner) error) error {
			if len(qs) == 0 {
				return nil
			}
			b := &pgx.Batch{}
			for _, q := range qs {
				b.Queue(rebind(q.sql), q.args...)
			}
			br := tx.SendBatch(ctx, b)
			for i := range qs {
				rows, err := br.Query()
				if err == nil {
					err = fn(i, rows)
					rows.Close()
					if err == nil {
						err = rows.Err()
					}
				}
				if err != nil {
					br.Close()
					return err
				}
			}
			return br.Close()
		},
		exec: func(ctx context.Context, qs []stmt) error {
			if len(qs) == 0 {
				return nil
			}
			b := &pgx.Batch{}
			for _, q := range qs {
				b.Queue(rebind(q.sql), q.args...)
			}
			return tx.SendBatch(ctx, b).Close()
		},
		now: now,
	}
}

// pgTSV is the tsvector of an article from its title and text parameters.
func pgTSV(title, body int) string {
	return fmt.Sprintf(`setweight(to_tsvector('english', $%d), 'A') || setweight(to_tsvector('english', $%d), 'B')`, title, body)
}

// rebind numbers the '?' placeholders of a statement shared with SQLite.
func rebind(s string) string {
	var b strings.Builder
	n := 0
	for {
		i := strings.IndexByte(s, '?')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		n++
		b.WriteString(s[:i])
		b.WriteString(numbered(n))
		s = s[i+1:]
	}
}

// maxNotifyPayload keeps NOTIFY payloads under PostgreSQL's 8000-byte limit.
const maxNotifyPayload = 7000

// notifyPayloads encodes commits as JSON arrays small enough for NOTIFY.
func notifyPayloads(commits []commit) []string {
	var (
		out []string
		buf []byte
	)
	for _, c := range commits {
		item, _ := json.Marshal(c)
		if len(buf) > 0 && len(buf)+len(item)+2 > maxNotifyPayload {
			out = append(out, string(append(buf, ']')))
			buf = buf[:0]
		}
		if len(buf) == 0 {
			buf = append(buf, '[')
		} else {
			buf = append(buf, ',')
		}
		buf = append(buf, item...)
	}
	if len(buf) > 0 {
		out = append(out, string(append(buf, ']')))
	}
	return out
}
