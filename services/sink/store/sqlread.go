package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/segmentio/encoding/json"
)

// dialect is what the two SQL engines disagree on; every query is written
// once, against database/sql, and adapted through it.
type dialect interface {
	// placeholder is the n-th (1-based) bind parameter.
	placeholder(n int) string
	// timeArg turns a time into the value its columns hold.
	timeArg(t time.Time) any
	// searchCond is the condition "article a matches q", with its argument.
	searchCond(q *searchQuery) (cond string, arg any)
	// searchScan, if the engine's index can list the matches of q newest
	// first by itself, is the FROM clause doing so (with articles as a)
	// and the column of that order; ok is false otherwise.
	searchScan(q *searchQuery) (from, order string, arg any, ok bool)
	// rareSearch, for an engine whose planner may walk the whole timeline
	// looking for a word it cannot tell is rare, is what makes it use the
	// full-text index instead, run in the query's transaction.
	rareSearch() string
}

// sqlReader implements Reader over database/sql for both engines.
type sqlReader struct {
	db *sql.DB
	d  dialect
}

// query builds SQL with numbered parameters in the dialect's style.
type query struct {
	d    dialect
	sql  strings.Builder
	args []any
}

func (r *sqlReader) newQuery() *query { return &query{d: r.d} }

// add appends SQL in which each '?' is the next of args.
func (q *query) add(s string, args ...any) *query {
	for {
		i := strings.IndexByte(s, '?')
		if i < 0 {
			break
		}
		q.sql.WriteString(s[:i])
		q.args = append(q.args, args[0])
		args = args[1:]
		q.sql.WriteString(q.d.placeholder(len(q.args)))
		s = s[i+1:]
	}
	if len(args) != 0 {
		panic("store: query arguments do not match placeholders: " + s)
	}
	q.sql.WriteString(s)
	return q
}

// in appends a parenthesised list of parameters.
func (q *query) in(vals []string) *query {
	q.sql.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			q.sql.WriteByte(',')
		}
		q.add("?", v)
	}
	q.sql.WriteByte(')')
	return q
}

func (q *query) String() string { return q.sql.String() }

// dbTime scans a time column of either engine: microseconds since the
// epoch in SQLite, timestamptz in PostgreSQL. NULL scans as the zero time.
type dbTime struct{ t time.Time }

func (d *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		d.t = time.Time{}
	case int64:
		d.t = time.UnixMicro(v).UTC()
	case time.Time:
		d.t = v.UTC()
	default:
		return fmt.Errorf("store: cannot scan %T as a time", src)
	}
	return nil
}

func (d dbTime) ptr() *time.Time {
	if d.t.IsZero() {
		return nil
	}
	t := d.t
	return &t
}

const summaryCols = `a.rid, a.id, a.url, a.source, a.site_name, a.title, a.lang, a.published_at, a.at,
	a.story_id, a.duplicate_of, a.lede, a.entity_count, a.quote_count, a.stored_at, a.updated_at`

func scanSummary(rows *sql.Rows) (ArticleSummary, error) {
	var (
		s                        ArticleSummary
		pub, at, stored, updated dbTime
	)
	err := rows.Scan(&s.rid, &s.ID, &s.URL, &s.Source, &s.SiteName, &s.Title, &s.Lang, &pub, &at,
		&s.StoryID, &s.DuplicateOf, &s.Lede, &s.EntityCount, &s.QuoteCount, &stored, &updated)
	s.PublishedAt, s.At, s.StoredAt, s.UpdatedAt = pub.ptr(), at.t, stored.t, updated.t
	s.Entities = []EntityRef{}
	return s, err
}

// Get implements Reader.
func (r *sqlReader) Get(ctx context.Context, id string) (pipeline.Article, error) {
	doc, err := r.Doc(ctx, id)
	if err != nil {
		return pipeline.Article{}, err
	}
	a, err := pipeline.DecodeArticle(doc, nil)
	if err != nil {
		return pipeline.Article{}, fmt.Errorf("store: stored article %q: %w", id, err)
	}
	return a, nil
}

// Doc implements Reader.
func (r *sqlReader) Doc(ctx context.Context, id string) ([]byte, error) {
	var doc []byte
	q := r.newQuery().add(`SELECT doc FROM articles WHERE id = ?`, id)
	err := r.db.QueryRowContext(ctx, q.String(), q.args...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("article %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get %q: %w", id, err)
	}
	return openDoc(doc)
}

// Count implements Reader.
func (r *sqlReader) Count(ctx context.Context) (int, error) {
	var n int
	if err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM articles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count: %w", err)
	}
	return n, nil
}

// resolveEntities turns each entity given in a query (see ResolveEntity)
// into the ids it stands for. ok is false when one of them names nothing,
// so no article can match.
func (r *sqlReader) resolveEntities(ctx context.Context, vals []string) (groups [][]string, ok bool, err error) {
	for _, v := range vals {
		m, err := r.ResolveEntity(ctx, v)
		if errors.Is(err, ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		groups = append(groups, m.IDs)
	}
	return groups, true, nil
}

func (r *sqlReader) strings(ctx context.Context, q *query) ([]string, error) {
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// selectArticles builds the query for f: cols of the matching articles,
// newest first (by rid). It drives the query from the index that yields
// them in that order: an entity's articles when the first entity names one
// entity, which is what keeps "articles mentioning X" fast however many
// articles there are; the full-text index when the engine's can; the
// articles themselves otherwise.
func (r *sqlReader) selectArticles(f articleFilter, groups [][]string, cols string, limit int) *query {
	return r.appendArticles(r.newQuery(), f, groups, cols, limit)
}

// appendArticles writes selectArticles' query into q, as a subquery of
// what q already holds.
func (r *sqlReader) appendArticles(q *query, f articleFilter, groups [][]string, cols string, limit int) *query {
	order := "a.rid"
	search := f.search
	switch from, col, arg, ok := r.searchScan(search); {
	case len(groups) > 0 && len(groups[0]) == 1:
		q.add("SELECT "+cols+" FROM article_entities d JOIN articles a ON a.rid = d.article_rid WHERE d.entity_id = ?", groups[0][0])
		order = "d.article_rid"
		groups = groups[1:]
	case ok:
		q.add("SELECT "+cols+" FROM "+from, arg)
		order, search = col, nil
	default:
		q.add("SELECT " + cols + " FROM articles a WHERE 1=1")
	}
	for _, ids := range groups {
		q.add(" AND EXISTS (SELECT 1 FROM article_entities x WHERE x.article_rid = a.rid AND x.entity_id IN ")
		q.in(ids).add(")")
	}
	if search != nil {
		cond, arg := r.d.searchCond(search)
		q.add(" AND "+cond, arg)
	}
	if len(f.sources) > 0 {
		q.add(" AND a.source IN ").in(f.sources)
	}
	if f.story != "" {
		q.add(" AND a.story_id = ?", f.story)
	}
	switch {
	case f.copiesOf != "":
		q.add(" AND a.duplicate_of = ? AND a.duplicate_of <> ''", f.copiesOf)
	case !f.copies:
		q.add(" AND a.duplicate_of = ''")
	}
	// Time bounds are a rid range, which the driving index can seek, and
	// the exact comparison.
	if !f.from.IsZero() || !f.to.IsZero() {
		lo, hi := ridRange(f.from, f.to)
		q.add(" AND "+order+" >= ? AND "+order+" < ?", lo, hi)
	}
	if !f.from.IsZero() {
		q.add(" AND a.at >= ?", r.d.timeArg(f.from))
	}
	if !f.to.IsZero() {
		q.add(" AND a.at < ?", r.d.timeArg(f.to))
	}
	if f.after != 0 {
		q.add(" AND "+order+" < ?", f.after)
	}
	if f.floor != 0 {
		q.add(" AND "+order+" >= ?", f.floor)
	}
	q.add(" ORDER BY " + order + " DESC")
	if limit > 0 {
		q.add(" LIMIT ?", limit)
	}
	return q
}

func (r *sqlReader) searchScan(q *searchQuery) (from, order string, arg any, ok bool) {
	if q == nil {
		return "", "", nil, false
	}
	return r.d.searchScan(q)
}

// Articles implements Reader.
func (r *sqlReader) Articles(ctx context.Context, aq ArticleQuery) (ArticlePage, error) {
	f, err := aq.filter(false)
	if err != nil {
		return ArticlePage{}, err
	}
	groups, ok, err := r.resolveEntities(ctx, f.entities)
	if err != nil || !ok {
		return ArticlePage{Articles: []ArticleSummary{}}, err
	}
	return r.articlePage(ctx, f, groups)
}

func (r *sqlReader) articlePage(ctx context.Context, f articleFilter, groups [][]string) (ArticlePage, error) {
	sums, err := r.pageRows(ctx, f, groups)
	if err != nil {
		return ArticlePage{}, fmt.Errorf("store: articles: %w", err)
	}
	page := ArticlePage{Articles: sums}
	if len(sums) > f.limit {
		page.Articles = sums[:f.limit]
		last := page.Articles[f.limit-1]
		page.Next = ridCursor(last.rid)
	}
	if err := r.attachEntities(ctx, page.Articles); err != nil {
		return ArticlePage{}, err
	}
	if err := r.attachCopies(ctx, page.Articles); err != nil {
		return ArticlePage{}, err
	}
	if err := r.attachStoryLabels(ctx, page.Articles); err != nil {
		return ArticlePage{}, err
	}
	if f.search != nil {
		if err := r.attachSnippets(ctx, page.Articles, f.search); err != nil {
			return ArticlePage{}, err
		}
	}
	return page, nil
}

// attachStoryLabels names the story of each of sums.
func (r *sqlReader) attachStoryLabels(ctx context.Context, sums []ArticleSummary) error {
	seen := map[string]bool{}
	var ids []string
	for _, s := range sums {
		if s.StoryID != "" && !seen[s.StoryID] {
			seen[s.StoryID] = true
			ids = append(ids, s.StoryID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	q := r.newQuery().add(`SELECT id, CASE WHEN label <> '' THEN label ELSE title END FROM stories WHERE id IN `).in(ids)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return fmt.Errorf("store: story labels: %w", err)
	}
	defer rows.Close()
	labels := map[string]string{}
	for rows.Next() {
		var id, label string
		if err := rows.Scan(&id, &label); err != nil {
			return fmt.Errorf("store: story labels: %w", err)
		}
		labels[id] = label
	}
	for i := range sums {
		sums[i].StoryLabel = labels[sums[i].StoryID]
	}
	return rows.Err()
}

// attachCopies counts the stored copies of each original in sums.
func (r *sqlReader) attachCopies(ctx context.Context, sums []ArticleSummary) error {
	idx := make(map[string]int, len(sums))
	var ids []string
	for i, s := range sums {
		if s.DuplicateOf == "" {
			idx[s.ID] = i
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	// "<> ''" is the partial index's own condition, which is what lets
	// SQLite use it.
	q := r.newQuery().add(`SELECT duplicate_of, count(*) FROM articles WHERE duplicate_of <> '' AND duplicate_of IN `).in(ids).add(` GROUP BY duplicate_of`)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return fmt.Errorf("store: counting copies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id string
			n  int
		)
		if err := rows.Scan(&id, &n); err != nil {
			return fmt.Errorf("store: counting copies: %w", err)
		}
		sums[idx[id]].Copies = n
	}
	return rows.Err()
}

// searchWindow is how many of the newest articles a full-text query
// looks at before deciding its words are rare (a variable for tests).
var searchWindow = 2000

// pageRows reads one page (and one more row) of the articles f selects.
//
// A full-text query for a common word is best answered by walking the
// timeline back until a page of articles has matched; for a rare word, by
// asking the full-text index for every match and sorting them. PostgreSQL's
// planner picks between the two from its statistics, which cannot tell a
// word it has never seen from a rare one, and it then walks the whole
// table. So where the engine needs it (rareSearch), the query first looks
// at the newest searchWindow articles only (a bounded walk); if they do not
// fill the page, the words are rare, and the query runs again with the
// full-text index.
func (r *sqlReader) pageRows(ctx context.Context, f articleFilter, groups [][]string) ([]ArticleSummary, error) {
	want := f.limit + 1
	rare := r.d.rareSearch()
	if f.search == nil || rare == "" {
		return r.summaryRows(ctx, r.db, r.selectArticles(f, groups, summaryCols, want))
	}
	_, upper := ridRange(f.from, f.to)
	if f.after != 0 {
		upper = min(upper, f.after)
	}
	var floor int64
	q := r.newQuery().add(`SELECT rid FROM articles WHERE rid < ? ORDER BY rid DESC LIMIT 1 OFFSET ?`, upper, searchWindow)
	err := r.db.QueryRowContext(ctx, q.String(), q.args...).Scan(&floor)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Fewer articles than the window: any plan is a short walk.
		return r.summaryRows(ctx, r.db, r.selectArticles(f, groups, summaryCols, want))
	case err != nil:
		return nil, err
	}
	recent := f
	recent.floor = floor
	sums, err := r.summaryRows(ctx, r.db, r.selectArticles(recent, groups, summaryCols, want))
	if err != nil || len(sums) == want {
		return sums, err
	}
	tx, err := r.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, rare); err != nil {
		return nil, err
	}
	return r.summaryRows(ctx, tx, r.selectArticles(f, groups, summaryCols, want))
}

func (r *sqlReader) summaryRows(ctx context.Context, db queryer, q *query) ([]ArticleSummary, error) {
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ArticleSummary{}
	for rows.Next() {
		s, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// attachEntities fills in each summary's most salient entities.
func (r *sqlReader) attachEntities(ctx context.Context, sums []ArticleSummary) error {
	if len(sums) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(sums))
	q := r.newQuery().add(`SELECT article_rid, entity_id, name, type, mentions, salience
		FROM article_entities WHERE article_rid IN (`)
	for i, s := range sums {
		idx[s.rid] = i
		if i > 0 {
			q.add(",")
		}
		q.add("?", s.rid)
	}
	q.add(`) ORDER BY article_rid, salience DESC, mentions DESC, entity_id`)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return fmt.Errorf("store: article entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rid int64
			e   EntityRef
		)
		if err := rows.Scan(&rid, &e.ID, &e.Name, &e.Type, &e.Mentions, &e.Salience); err != nil {
			return fmt.Errorf("store: article entities: %w", err)
		}
		s := &sums[idx[rid]]
		if len(s.Entities) < summaryEntities {
			s.Entities = append(s.Entities, e)
		}
	}
	return rows.Err()
}

// summaries implements backend.
func (r *sqlReader) summaries(ctx context.Context, ids []string) ([]ArticleSummary, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := r.newQuery().add("SELECT " + summaryCols + " FROM articles a WHERE a.id IN ").in(ids)
	sums, err := r.summaryRows(ctx, r.db, q)
	if err != nil {
		return nil, fmt.Errorf("store: summaries: %w", err)
	}
	if err := r.attachEntities(ctx, sums); err != nil {
		return nil, err
	}
	if err := r.attachCopies(ctx, sums); err != nil {
		return nil, err
	}
	if err := r.attachStoryLabels(ctx, sums); err != nil {
		return nil, err
	}
	byID := make(map[string]ArticleSummary, len(sums))
	for _, s := range sums {
		byID[s.ID] = s
	}
	out := make([]ArticleSummary, 0, len(sums))
	for _, id := range ids {
		if s, ok := byID[id]; ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// Scan implements Reader.
func (r *sqlReader) Scan(ctx context.Context, aq ArticleQuery, fn func(doc []byte) error) error {
	f, err := aq.filter(true)
	if err != nil {
		return err
	}
	f.copies = f.copies || f.copiesOf == "" // an export is of everything stored
	groups, ok, err := r.resolveEntities(ctx, f.entities)
	if err != nil || !ok {
		return err
	}
	q := r.selectArticles(f, groups, "a.doc", f.limit)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return fmt.Errorf("store: scan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return fmt.Errorf("store: scan: %w", err)
		}
		doc, err := openDoc(doc)
		if err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: scan: %w", err)
	}
	return nil
}

func checkEntityType(t pipeline.EntityType) error {
	if t != "" && !t.Valid() {
		return fmt.Errorf("%w: entity type %q is not one of PERSON, ORG, LOC, MISC", ErrBadQuery, t)
	}
	return nil
}

// likeContains is a LIKE pattern matching s anywhere, with LIKE's own
// wildcards in s escaped.
func likeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// Entities implements Reader.
func (r *sqlReader) Entities(ctx context.Context, eq EntityQuery) ([]EntityStat, error) {
	limit, err := checkLimit(eq.Limit, false)
	if err != nil {
		return nil, err
	}
	if eq.Offset < 0 {
		return nil, fmt.Errorf("%w: offset %d is negative", ErrBadQuery, eq.Offset)
	}
	if err := checkEntityType(eq.Type); err != nil {
		return nil, err
	}
	if err := checkRange(eq.From, eq.To); err != nil {
		return nil, err
	}
	q := r.newQuery()
	if eq.From.IsZero() && eq.To.IsZero() {
		q.add(`SELECT e.id, e.name, e.type, e.articles, e.mentions, e.last_at FROM entities e WHERE e.articles > 0`)
	} else {
		// To the second: the period is a range of rids.
		lo, hi := ridRange(eq.From, eq.To)
		if !eq.To.IsZero() {
			hi = ridBase(eq.To)
		}
		q.add(`SELECT e.id, e.name, e.type, count(*), sum(ae.mentions), max(ae.article_rid)
			FROM article_entities ae JOIN entities e ON e.id = ae.entity_id JOIN articles a ON a.rid = ae.article_rid
			WHERE ae.article_rid >= ? AND ae.article_rid < ? AND a.duplicate_of = ''`, lo, hi)
	}
	if eq.Type != "" {
		q.add(` AND e.type = ?`, string(eq.Type))
	}
	if strings.TrimSpace(eq.Name) != "" {
		q.add(` AND e.name_fold LIKE ? ESCAPE '\'`, likeContains(strings.TrimSpace(eq.Name)))
	}
	if eq.From.IsZero() && eq.To.IsZero() {
		q.add(` ORDER BY e.mentions DESC, e.id`)
	} else {
		q.add(` GROUP BY e.id, e.name, e.type ORDER BY 5 DESC, 1`)
	}
	q.add(` LIMIT ? OFFSET ?`, limit, eq.Offset)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: entities: %w", err)
	}
	defer rows.Close()
	out := []EntityStat{}
	for rows.Next() {
		var (
			e    EntityStat
			last any
		)
		if err := rows.Scan(&e.ID, &e.Name, &e.Type, &e.ArticleCount, &e.Mentions, &last); err != nil {
			return nil, fmt.Errorf("store: entities: %w", err)
		}
		// last_at from the totals, or the newest rid of the period.
		switch v := last.(type) {
		case int64:
			if eq.From.IsZero() && eq.To.IsZero() {
				e.LastSeen = time.UnixMicro(v).UTC()
			} else {
				e.LastSeen = ridTime(v)
			}
		case time.Time:
			e.LastSeen = v.UTC()
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entity implements Reader.
func (r *sqlReader) Entity(ctx context.Context, id string) (EntityDetail, error) {
	var (
		d    EntityDetail
		last dbTime
	)
	q := r.newQuery().add(`SELECT id, name, type, articles, mentions, last_at FROM entities WHERE id = ? AND articles > 0`, id)
	err := r.db.QueryRowContext(ctx, q.String(), q.args...).
		Scan(&d.ID, &d.Name, &d.Type, &d.ArticleCount, &d.Mentions, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("entity %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("store: entity %q: %w", id, err)
	}
	d.LastSeen = last.t

	q = r.newQuery().add(`SELECT m.text, count(*)
		FROM (SELECT article_rid FROM article_entities WHERE entity_id = ? ORDER BY article_rid DESC LIMIT ?) w
		JOIN mentions m ON m.article_rid = w.article_rid AND m.entity_id = ?
		GROUP BY m.text ORDER BY 2 DESC, 1 LIMIT ?`, id, relatedWindow, id, entityNames)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return d, fmt.Errorf("store: entity names: %w", err)
	}
	d.Names = []NameCount{}
	for rows.Next() {
		var n NameCount
		if err := rows.Scan(&n.Text, &n.Count); err != nil {
			rows.Close()
			return d, fmt.Errorf("store: entity names: %w", err)
		}
		d.Names = append(d.Names, n)
	}
	rows.Close()

	f := articleFilter{limit: DefaultLimit}
	if d.Articles, err = r.articlePage(ctx, f, [][]string{{id}}); err != nil {
		return d, err
	}
	q = r.newQuery().add(`SELECT q.text, q.speaker, q.speaker_id, q.speaker_title, a.id, a.title, a.at
		FROM quotes q JOIN articles a ON a.rid = q.article_rid WHERE q.speaker_id = ? AND a.duplicate_of = ''
		ORDER BY q.article_rid DESC, q.ord LIMIT ?`, id, entityQuotes)
	if d.Quotes, err = r.quotes(ctx, q); err != nil {
		return d, err
	}
	if d.Timeline, err = r.timeline(ctx, id); err != nil {
		return d, err
	}
	// Count over the window first, then name the few that made the cut.
	q = r.newQuery().add(`SELECT r.entity_id, e.name, e.type, r.n
		FROM (SELECT o.entity_id, count(*) AS n
			FROM (SELECT article_rid FROM article_entities WHERE entity_id = ? ORDER BY article_rid DESC LIMIT ?) w
			JOIN article_entities o ON o.article_rid = w.article_rid
			WHERE o.entity_id <> ? GROUP BY o.entity_id ORDER BY n DESC, o.entity_id LIMIT ?) r
		JOIN entities e ON e.id = r.entity_id ORDER BY r.n DESC, r.entity_id`, id, relatedWindow, id, entityRelated)
	rows, err = r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return d, fmt.Errorf("store: related entities: %w", err)
	}
	defer rows.Close()
	d.Related = []Related{}
	for rows.Next() {
		var rel Related
		if err := rows.Scan(&rel.ID, &rel.Name, &rel.Type, &rel.Shared); err != nil {
			return d, fmt.Errorf("store: related entities: %w", err)
		}
		d.Related = append(d.Related, rel)
	}
	return d, rows.Err()
}

func (r *sqlReader) quotes(ctx context.Context, q *query) ([]QuoteRef, error) {
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: quotes: %w", err)
	}
	defer rows.Close()
	out := []QuoteRef{}
	for rows.Next() {
		var (
			qr QuoteRef
			at dbTime
		)
		if err := rows.Scan(&qr.Text, &qr.Speaker, &qr.SpeakerID, &qr.SpeakerTitle, &qr.ArticleID, &qr.ArticleTitle, &at); err != nil {
			return nil, fmt.Errorf("store: quotes: %w", err)
		}
		qr.At = at.t
		out = append(out, qr)
	}
	return out, rows.Err()
}

const storyCols = `s.id, s.title, s.label, s.summary, s.lead_id, s.entities, s.articles, s.copies, s.sources,
	s.first_at, s.last_at, s.revision, s.updated_at, s.hash`

func scanStory(sc interface{ Scan(...any) error }) (StorySummary, error) {
	var (
		s                    StorySummary
		title, ents          string
		first, last, updated dbTime
	)
	err := sc.Scan(&s.ID, &title, &s.Label, &s.Summary, &s.Lead, &ents, &s.ArticleCount, &s.CopyCount, &s.SourceCount,
		&first, &last, &s.Revision, &updated, &s.hash)
	if err != nil {
		return s, err
	}
	s.FirstAt, s.LastAt, s.UpdatedAt = first.t, last.t, updated.t
	if s.Label == "" { // a row no writer has relabelled since migration 2
		s.Label = title
	}
	s.Title = s.Label
	s.Entities = []EntityRef{}
	if err := json.Unmarshal([]byte(ents), &s.Entities); err != nil {
		return s, fmt.Errorf("story %s: entities: %w", s.ID, err)
	}
	return s, nil
}

// Stories implements Reader.
func (r *sqlReader) Stories(ctx context.Context, sq StoryQuery) (StoryPage, error) {
	limit, err := checkLimit(sq.Limit, false)
	if err != nil {
		return StoryPage{}, err
	}
	if err := checkRange(sq.From, sq.To); err != nil {
		return StoryPage{}, err
	}
	after, err := parseCursor(sq.Cursor)
	if err != nil {
		return StoryPage{}, err
	}
	q := r.newQuery().add(`SELECT ` + storyCols + ` FROM stories s WHERE s.articles + s.copies > 0`)
	if !sq.From.IsZero() {
		q.add(` AND s.last_at >= ?`, r.d.timeArg(sq.From))
	}
	if !sq.To.IsZero() {
		q.add(` AND s.first_at < ?`, r.d.timeArg(sq.To))
	}
	if after != nil {
		q.add(` AND (s.last_at, s.id) < (?, ?)`, r.d.timeArg(after.at), after.id)
	}
	q.add(` ORDER BY s.last_at DESC, s.id DESC LIMIT ?`, limit+1)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return StoryPage{}, fmt.Errorf("store: stories: %w", err)
	}
	defer rows.Close()
	page := StoryPage{Stories: []StorySummary{}}
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return StoryPage{}, fmt.Errorf("store: stories: %w", err)
		}
		page.Stories = append(page.Stories, s)
	}
	if err := rows.Err(); err != nil {
		return StoryPage{}, fmt.Errorf("store: stories: %w", err)
	}
	if len(page.Stories) > limit {
		page.Stories = page.Stories[:limit]
		last := page.Stories[limit-1]
		page.Next = cursor{at: last.LastAt, id: last.ID}.String()
	}
	return page, nil
}

// StorySummary implements Reader.
func (r *sqlReader) StorySummary(ctx context.Context, id string) (StorySummary, error) {
	q := r.newQuery().add(`SELECT `+storyCols+` FROM stories s WHERE s.id = ? AND s.articles + s.copies > 0`, id)
	s, err := scanStory(r.db.QueryRowContext(ctx, q.String(), q.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("story %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("store: story %q: %w", id, err)
	}
	return s, nil
}

// Story implements Reader.
func (r *sqlReader) Story(ctx context.Context, id string) (StoryDetail, error) {
	var (
		d   StoryDetail
		err error
	)
	if d.StorySummary, err = r.StorySummary(ctx, id); err != nil {
		return d, err
	}
	q := r.newQuery().add(`SELECT `+summaryCols+` FROM articles a WHERE a.story_id = ? AND a.duplicate_of = ''
		ORDER BY a.rid LIMIT ?`, id, storyArticles)
	if d.Articles, err = r.summaryRows(ctx, r.db, q); err != nil {
		return d, fmt.Errorf("store: story articles: %w", err)
	}
	if len(d.Articles) == 0 { // copies only
		q = r.newQuery().add(`SELECT `+summaryCols+` FROM articles a WHERE a.story_id = ?
			ORDER BY a.rid LIMIT ?`, id, storyArticles)
		if d.Articles, err = r.summaryRows(ctx, r.db, q); err != nil {
			return d, fmt.Errorf("store: story articles: %w", err)
		}
	}
	if err := r.attachEntities(ctx, d.Articles); err != nil {
		return d, err
	}
	if err := r.attachCopies(ctx, d.Articles); err != nil {
		return d, err
	}
	for i := range d.Articles {
		d.Articles[i].StoryLabel = d.Label
	}
	q = r.newQuery().add(`SELECT ae.entity_id, e.name, e.type, sum(ae.mentions), count(*)
		FROM articles a JOIN article_entities ae ON ae.article_rid = a.rid JOIN entities e ON e.id = ae.entity_id
		WHERE a.story_id = ? AND a.duplicate_of = '' GROUP BY ae.entity_id, e.name, e.type ORDER BY 4 DESC, 1 LIMIT ?`, id, storyEntities)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return d, fmt.Errorf("store: story entities: %w", err)
	}
	d.Mentioned = []EntityRef{}
	for rows.Next() {
		var e EntityRef
		if err := rows.Scan(&e.ID, &e.Name, &e.Type, &e.Mentions, &e.ArticleCount); err != nil {
			rows.Close()
			return d, fmt.Errorf("store: story entities: %w", err)
		}
		d.Mentioned = append(d.Mentioned, e)
	}
	rows.Close()
	q = r.newQuery().add(`SELECT q.text, q.speaker, q.speaker_id, q.speaker_title, a.id, a.title, a.at
		FROM articles a JOIN quotes q ON q.article_rid = a.rid WHERE a.story_id = ? AND a.duplicate_of = ''
		ORDER BY a.rid, q.ord LIMIT ?`, id, storyQuotes)
	d.Quotes, err = r.quotes(ctx, q)
	return d, err
}

// Sources implements Reader.
func (r *sqlReader) Sources(ctx context.Context) ([]SourceStat, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT source,
			sum(CASE WHEN duplicate_of = '' THEN 1 ELSE 0 END), sum(CASE WHEN duplicate_of = '' THEN 0 ELSE 1 END)
		FROM articles WHERE source <> '' GROUP BY source ORDER BY 2 DESC, 1 LIMIT 1000`)
	if err != nil {
		return nil, fmt.Errorf("store: sources: %w", err)
	}
	defer rows.Close()
	out := []SourceStat{}
	for rows.Next() {
		var s SourceStat
		if err := rows.Scan(&s.Source, &s.ArticleCount, &s.CopyCount); err != nil {
			return nil, fmt.Errorf("store: sources: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// qmark is SQLite's placeholder; numbered is PostgreSQL's.
func qmark(int) string      { return "?" }
func numbered(n int) string { return "$" + strconv.Itoa(n) }
