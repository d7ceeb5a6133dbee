package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go driver, registered as "sqlite"
)

// sqliteDB is the embedded backend: one writer connection (SQLite has one
// writer at a time anyway, and the group committer is it) and a pool of
// read-only connections that WAL lets run alongside it.
type sqliteDB struct {
	sqlReader
	w *sql.DB

	mu     sync.Mutex
	notify func([]commit)
}

type sqliteDialect struct{}

func (sqliteDialect) placeholder(int) string  { return "?" }
func (sqliteDialect) timeArg(t time.Time) any { return t.UnixMicro() }
func (sqliteDialect) searchCond(q *searchQuery) (string, any) {
	return "a.rid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", q.fts5()
}
func (sqliteDialect) rareSearch() string { return "" } // searchScan walks FTS5 itself

func (sqliteDialect) searchScan(q *searchQuery) (string, string, any, bool) {
	// FTS5 walks its rowids (our rids) backwards and stops at the limit,
	// however many articles match.
	return "articles_fts JOIN articles a ON a.rid = articles_fts.rowid WHERE articles_fts MATCH ?",
		"articles_fts.rowid", q.fts5(), true
}

func openSQLite(ctx context.Context, path string, cfg config) (*sqliteDB, error) {
	if path == "" {
		return nil, errors.New("store: sqlite DSN names no file")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: sqlite path %q: '?' and '#' are not allowed in file names", path)
	}
	if cfg.existingOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w: no store at %s", ErrNotFound, path)
		}
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: creating directory for %s: %w", path, err)
		}
	}
	// synchronous(FULL): a commit is on disk when Save returns, which is
	// what lets the runner ack; group commit amortises the fsync.
	w, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"+
		// The writer reads little beyond the pages it changes; memory-mapped
		// I/O is for the readers' queries.
		fmt.Sprintf("&_pragma=cache_size(-%d)&_pragma=mmap_size(0)", cfg.writerCacheMB<<10)+
		"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	d := sqliteDialect{}
	err = migrate(ctx, w, migrator{engine: "sqlite", d: d})
	if err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"+
		fmt.Sprintf("&_pragma=cache_size(-%d)&_pragma=mmap_size(%d)", cfg.readerCacheMB<<10, cfg.mmapMB<<20))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	r.SetMaxOpenConns(cfg.readConns)
	r.SetMaxIdleConns(cfg.readConns)
	return &sqliteDB{sqlReader: sqlReader{db: r, d: d}, w: w}, nil
}

// storeDoc implements backend: SQLite compresses docs (doc.go).
func (s *sqliteDB) storeDoc(doc []byte) []byte { return compressDoc(doc) }

func (s *sqliteDB) watch(fn func([]commit)) {
	s.mu.Lock()
	s.notify = fn
	s.mu.Unlock()
}

func (s *sqliteDB) close() error {
	_, _ = s.w.Exec(`PRAGMA optimize`)
	return errors.Join(s.db.Close(), s.w.Close())
}

// write implements backend.
func (s *sqliteDB) write(ctx context.Context, recs []*record) ([]commit, error) {
	commits, err := s.writeTx(ctx, recs)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	notify := s.notify
	s.mu.Unlock()
	if notify != nil {
		notify(commits)
	}
	return commits, nil
}

func (s *sqliteDB) writeTx(ctx context.Context, recs []*record) ([]commit, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.id
	}
	q := s.newQuery().add(`SELECT id, rid, version, hash, story_id, duplicate_of, stored_at FROM articles WHERE id IN `).in(ids)
	stored, err := queryExisting(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	p := makePlan(recs, stored)
	if len(p.write) == 0 {
		return nil, tx.Commit()
	}

	// A replaced article is deleted (its mentions and quotes go with it,
	// by cascade) and inserted anew, keeping its rid if its time did not
	// change second.
	var removed []oldEntity
	if len(p.replaced) > 0 {
		rids := make([]any, 0, len(p.replaced))
		for _, old := range p.replaced {
			rids = append(rids, old.rid)
		}
		in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(rids)), ",") + ")"
		rows, err := tx.QueryContext(ctx, `SELECT article_rid, entity_id, mentions FROM article_entities WHERE article_rid IN `+in, rids...)
		if err != nil {
			return nil, fmt.Errorf("reading replaced entities: %w", err)
		}
		if removed, err = scanOldEntities(sqlRows{rows}); err != nil {
			return nil, fmt.Errorf("reading replaced entities: %w", err)
		}
		for _, stmt := range []string{`DELETE FROM articles_fts WHERE rowid IN `, `DELETE FROM articles WHERE rid IN `} {
			if _, err := tx.ExecContext(ctx, stmt+in, rids...); err != nil {
				return nil, fmt.Errorf("clearing replaced articles: %w", err)
			}
		}
	}

	st, err := prepareSQLite(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer st.close()
	now := time.Now().UTC().UnixMicro()
	commits := make([]commit, 0, len(p.write))
	for _, r := range p.write {
		old, replaced := p.replaced[r.id]
		if r.rid = old.rid; !replaced || old.rid>>ridSeqBits != r.at.Unix() {
			base := ridBase(r.at)
			var last sql.NullInt64
			if err := st.lastRid.QueryRowContext(ctx, base, base+1<<ridSeqBits).Scan(&last); err != nil {
				return nil, fmt.Errorf("numbering article %s: %w", r.id, err)
			}
			r.rid = base
			if last.Valid {
				r.rid = last.Int64 + 1
			}
		}
		var pub any
		if r.pub != nil {
			pub = r.pub.UnixMicro()
		}
		stored := now
		if replaced {
			stored = old.storedAt.UnixMicro()
		}
		if _, err := st.insert.ExecContext(ctx, r.rid, r.id, stored, r.url, r.source, r.siteName, r.title, r.lang, r.lede,
			pub, r.at.UnixMicro(), r.story, r.dupOf, len(r.entities), len(r.quotes), r.version, r.hash, now, r.docColumn()); err != nil {
			return nil, fmt.Errorf("writing article %s: %w", r.id, err)
		}
		if _, err := st.fts.ExecContext(ctx, r.rid, r.title, r.body); err != nil {
			return nil, fmt.Errorf("indexing article %s: %w", r.id, err)
		}
		commits = append(commits, commit{ID: r.id, Updated: replaced})
	}
	for _, c := range childRows(p.write) {
		if err := insertRows(ctx, tx, "INSERT INTO "+c.table+" ("+strings.Join(c.cols, ", ")+") VALUES ", len(c.cols), c.rows, ""); err != nil {
			return nil, fmt.Errorf("writing %s: %w", c.table, err)
		}
	}
	deltas := entityDeltas(removed, p)
	rows := make([][]any, len(deltas))
	var gone []string
	for i, d := range deltas {
		rows[i] = []any{d.id, d.name, strings.ToLower(d.name), d.typ, d.articles, d.mentions, d.lastAt.UnixMicro()}
		if d.articles < 0 {
			gone = append(gone, d.id)
		}
	}
	if err := insertRows(ctx, tx, entityInsert+"VALUES ", 7, rows, entityConflict); err != nil {
		return nil, fmt.Errorf("updating entities: %w", err)
	}
	if len(gone) > 0 {
		q := s.newQuery().add(`DELETE FROM entities WHERE articles <= 0 AND id IN `).in(gone)
		if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
			return nil, fmt.Errorf("removing unmentioned entities: %w", err)
		}
	}
	if err := refreshStories(ctx, sqlStoryTx(tx, s.d, time.UnixMicro(now).UTC()), p.stories); err != nil {
		return nil, fmt.Errorf("updating stories: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return commits, nil
}

// articleCols are the columns of articles both engines write, in order.
const articleCols = `rid, id, stored_at, url, source, site_name, title, lang, lede, published_at, at, story_id,
	duplicate_of, entity_count, quote_count, version, hash, updated_at, doc`

// Story rows are recomputed from the articles (refreshStory) rather than
// kept as running sums, so an article moving between stories can never
// leave them wrong.
const (
	// entityInsert and entityConflict apply entityDeltas, around a VALUES
	// row (SQLite) or rows from arrays (PostgreSQL). A delta that only
	// removes mentions carries no name and keeps the stored one.
	entityInsert   = `INSERT INTO entities (id, name, name_fold, type, articles, mentions, last_at) `
	entityConflict = ` ON CONFLICT (id) DO UPDATE SET
			articles  = entities.articles + excluded.articles,
			mentions  = entities.mentions + excluded.mentions,
			name      = CASE WHEN excluded.name <> '' THEN excluded.name ELSE entities.name END,
			name_fold = CASE WHEN excluded.name <> '' THEN excluded.name_fold ELSE entities.name_fold END,
			type      = CASE WHEN excluded.type <> '' THEN excluded.type ELSE entities.type END,
			last_at   = CASE WHEN excluded.last_at > entities.last_at THEN excluded.last_at ELSE entities.last_at END`
)

type sqliteStmts struct {
	insert, lastRid, fts *sql.Stmt
}

func prepareSQLite(ctx context.Context, tx *sql.Tx) (*sqliteStmts, error) {
	var st sqliteStmts
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.insert, `INSERT INTO articles (` + articleCols + `)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.lastRid, `SELECT max(rid) FROM articles WHERE rid >= ? AND rid < ?`},
		{&st.fts, `INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)`},
	} {
		s, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("preparing %q: %w", firstLine(p.sql), err)
		}
		*p.dst = s
	}
	return &st, nil
}

func (st *sqliteStmts) close() {
	for _, s := range []*sql.Stmt{st.insert, st.lastRid, st.fts} {
		if s != nil {
			s.Close()
		}
	}
}

// sqliteMaxParams is SQLite's limit on bound parameters per statement.
const sqliteMaxParams = 32766

// insertRows inserts rows with as few multi-row statements as the
// parameter limit allows: a statement per row costs more than its row.
func insertRows(ctx context.Context, tx *sql.Tx, head string, cols int, rows [][]any, tail string) error {
	per := sqliteMaxParams / cols
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, n*cols)
		for i, row := range rows[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(strings.Repeat("?,", cols-1))
			b.WriteString("?)")
			args = append(args, row...)
		}
		b.WriteString(tail)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// queryer is a *sql.Tx or *sql.DB.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryExisting(ctx context.Context, tx queryer, q *query) (map[string]existing, error) {
	rows, err := tx.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading stored versions: %w", err)
	}
	defer rows.Close()
	out := map[string]existing{}
	for rows.Next() {
		var (
			id     string
			e      existing
			stored dbTime
		)
		if err := rows.Scan(&id, &e.rid, &e.version, &e.hash, &e.story, &e.dupOf, &stored); err != nil {
			return nil, err
		}
		e.storedAt = stored.t
		out[id] = e
	}
	return out, rows.Err()
}

// rowScanner is *sql.Rows or pgx.Rows.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// sqlRows adapts *sql.Rows, whose Close returns an error, to rowScanner.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

func scanOldEntities(rows rowScanner) ([]oldEntity, error) {
	defer rows.Close()
	var out []oldEntity
	for rows.Next() {
		var o oldEntity
		if err := rows.Scan(&o.rid, &o.entityID, &o.mentions); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
