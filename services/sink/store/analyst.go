package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/segmentio/encoding/json"
)

// This file holds what the web view's analysts ask beyond lists: where a
// search's words are in each article (snippets), how a search's matches
// split by source and entity (facets), what was said (quote search) and
// how often an entity was mentioned over time (its timeline).

// Fragment is a piece of a snippet; Hit marks a word of the query.
type Fragment struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit,omitempty"`
}

// snippetBytes is about how long a snippet is, and snippetLead how much
// of it comes before the first word found.
const (
	snippetBytes = 280
	snippetLead  = 90
)

// attachSnippets gives every summary of a search the passage of its text
// around the first word of the query, with the query's words marked. The
// words are matched the way the full-text index roughly matches them
// (case-insensitive, with short endings: "negotiation" finds
// "negotiations"), so what is marked is what made the article match.
func (r *sqlReader) attachSnippets(ctx context.Context, sums []ArticleSummary, q *searchQuery) error {
	words := q.positiveWords()
	if len(sums) == 0 || len(words) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(sums))
	qq := r.newQuery().add(`SELECT rid, doc FROM articles WHERE rid IN (`)
	for i, s := range sums {
		idx[s.rid] = i
		if i > 0 {
			qq.add(",")
		}
		qq.add("?", s.rid)
	}
	qq.add(")")
	rows, err := r.db.QueryContext(ctx, qq.String(), qq.args...)
	if err != nil {
		return fmt.Errorf("store: snippets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rid int64
			doc []byte
		)
		if err := rows.Scan(&rid, &doc); err != nil {
			return fmt.Errorf("store: snippets: %w", err)
		}
		var body struct {
			Text string `json:"text"`
		}
		doc, err := openDoc(doc)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(doc, &body); err != nil {
			continue // Save validated it; an odd one just has no snippet
		}
		sums[idx[rid]].Snippet = snippet(body.Text, words)
	}
	return rows.Err()
}

// positiveWords are the words the query looks for (not the excluded ones).
func (q *searchQuery) positiveWords() []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range q.any {
		for _, t := range g {
			if t.exclude {
				continue
			}
			for _, w := range t.words {
				if !seen[w] {
					seen[w] = true
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// wordHit reports whether a word of the text (lower case) is a form of
// the query word w: the same word, or the same stem with endings of at
// most three letters on either side (talks/talked, negotiate/negotiation),
// as the index's stemmer would let it match. Short words must be equal.
func wordHit(word, w string) bool {
	if word == w {
		return true
	}
	a, b := []rune(word), []rune(w)
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	return p >= 4 && len(a)-p <= 3 && len(b)-p <= 3
}

type span struct{ start, end int }

// textWords finds the words of text as the index splits them (letters and
// digits), as byte spans.
func textWords(text string) []span {
	var out []span
	start := -1
	for i, r := range text {
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out
}

// snippet cuts the passage of text around the first word of words and
// marks every word of words in it. Nil when no word is in the text (the
// article matched by its title): the list then shows its lede.
func snippet(text string, words []string) []Fragment {
	spans := textWords(text)
	var hits []span
	for _, s := range spans {
		lw := strings.ToLower(text[s.start:s.end])
		for _, w := range words {
			if wordHit(lw, w) {
				hits = append(hits, s)
				break
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}
	// The window: from a word boundary about snippetLead bytes before the
	// first hit, to one about snippetBytes after that.
	from, to := 0, len(text)
	if hits[0].start > snippetLead {
		from = hits[0].start - snippetLead
		for _, s := range spans {
			if s.start >= from {
				from = s.start
				break
			}
		}
	}
	if from+snippetBytes < len(text) {
		to = from + snippetBytes
		for i := len(spans) - 1; i >= 0; i-- {
			if spans[i].end <= to {
				to = spans[i].end
				break
			}
		}
		to = max(to, hits[0].end)
	}
	var out []Fragment
	pos := from
	var b strings.Builder
	flush := func(hit bool) {
		if b.Len() > 0 || hit {
			out = append(out, Fragment{Text: b.String(), Hit: hit})
		}
		b.Reset()
	}
	if from > 0 {
		b.WriteString("… ")
	}
	for _, h := range hits {
		if h.start < from || h.end > to {
			continue
		}
		b.WriteString(collapse(text[pos:h.start]))
		flush(false)
		b.WriteString(text[h.start:h.end])
		flush(true)
		pos = h.end
	}
	b.WriteString(collapse(text[pos:to]))
	if to < len(text) {
		b.WriteString(" …")
	}
	flush(false)
	return out
}

// collapse turns every run of white space into one space, keeping one at
// either end if there was one, so fragments join with their spacing.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// timeline counts an entity's articles and mentions per day. A rid holds
// its article's second, so the day is arithmetic on the index both
// engines keep on (entity_id, article_rid).
func (r *sqlReader) timeline(ctx context.Context, id string) ([]DayCount, error) {
	q := r.newQuery().add(`SELECT (ae.article_rid >> `+strconv.Itoa(ridSeqBits)+`) / 86400, count(*), sum(ae.mentions)
		FROM article_entities ae JOIN articles a ON a.rid = ae.article_rid
		WHERE ae.entity_id = ? AND a.duplicate_of = '' GROUP BY 1 ORDER BY 1`, id)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: entity timeline: %w", err)
	}
	defer rows.Close()
	out := []DayCount{}
	for rows.Next() {
		var (
			day int64
			c   DayCount
		)
		if err := rows.Scan(&day, &c.Articles, &c.Mentions); err != nil {
			return nil, fmt.Errorf("store: entity timeline: %w", err)
		}
		c.Day = time.Unix(day*86400, 0).UTC().Format(time.DateOnly)
		out = append(out, c)
	}
	return out, rows.Err()
}

// FacetWindow is how many of a search's newest matches Facets counts.
const FacetWindow = 1000

// facetEntities is how many entities of each type Facets names.
const facetEntities = 10

// Facets is how the articles matching a query split: by source, by type
// of entity and by entity. Counts are of articles, over the newest
// FacetWindow matches.
type Facets struct {
	// Total is how many articles were counted; Capped says there are more.
	Total   int           `json:"total"`
	Capped  bool          `json:"capped,omitempty"`
	Sources []SourceCount `json:"sources"`
	Types   []TypeFacet   `json:"types"`
}

// SourceCount is a source and its matching articles.
type SourceCount struct {
	Source string `json:"source"`
	Count  int    `json:"count"`
}

// TypeFacet is one type of entity: the matching articles mentioning one
// of that type, and the entities of that type mentioned most (by
// articles, up to ten).
type TypeFacet struct {
	Type     pipeline.EntityType `json:"type"`
	Count    int                 `json:"count"`
	Entities []EntityCount       `json:"entities"`
}

// EntityCount is an entity and its matching articles.
type EntityCount struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Facets implements Reader.
func (r *sqlReader) Facets(ctx context.Context, aq ArticleQuery) (Facets, error) {
	aq.Limit, aq.Cursor = 0, ""
	f, err := aq.filter(true)
	if err != nil {
		return Facets{}, err
	}
	out := Facets{Sources: []SourceCount{}, Types: []TypeFacet{}}
	groups, ok, err := r.resolveEntities(ctx, f.entities)
	if err != nil || !ok {
		return out, err
	}
	matches := func(q *query) *query {
		return r.appendArticles(q, f, groups, "a.rid", FacetWindow+1).add(")")
	}
	var total int
	q := matches(r.newQuery().add(`SELECT count(*) FROM (`))
	q.sql.WriteString(" m")
	if err := r.db.QueryRowContext(ctx, q.String(), q.args...).Scan(&total); err != nil {
		return out, fmt.Errorf("store: facets: %w", err)
	}
	out.Total, out.Capped = min(total, FacetWindow), total > FacetWindow
	if total == 0 {
		return out, nil
	}
	window := func(q *query) *query {
		return r.appendArticles(q, f, groups, "a.rid", FacetWindow).add(")")
	}

	q = window(r.newQuery().add(`SELECT o.source, count(*) FROM articles o WHERE o.source <> '' AND o.rid IN (`))
	q.add(` GROUP BY o.source ORDER BY 2 DESC, 1 LIMIT 50`)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return out, fmt.Errorf("store: facets: %w", err)
	}
	for rows.Next() {
		var s SourceCount
		if err := rows.Scan(&s.Source, &s.Count); err != nil {
			rows.Close()
			return out, fmt.Errorf("store: facets: %w", err)
		}
		out.Sources = append(out.Sources, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: facets: %w", err)
	}

	byType := map[pipeline.EntityType]*TypeFacet{}
	q = window(r.newQuery().add(`SELECT ae.type, count(DISTINCT ae.article_rid) FROM article_entities ae WHERE ae.article_rid IN (`))
	q.add(` GROUP BY ae.type`)
	rows, err = r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return out, fmt.Errorf("store: facets: %w", err)
	}
	for rows.Next() {
		var t TypeFacet
		if err := rows.Scan(&t.Type, &t.Count); err != nil {
			rows.Close()
			return out, fmt.Errorf("store: facets: %w", err)
		}
		t.Entities = []EntityCount{}
		byType[t.Type] = &t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: facets: %w", err)
	}

	// Every entity's count, then the top of each type; the window bounds
	// the rows.
	q = window(r.newQuery().add(`SELECT ae.type, ae.entity_id, count(*) FROM article_entities ae WHERE ae.article_rid IN (`))
	q.add(` GROUP BY ae.type, ae.entity_id`)
	rows, err = r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return out, fmt.Errorf("store: facets: %w", err)
	}
	for rows.Next() {
		var (
			typ pipeline.EntityType
			e   EntityCount
		)
		if err := rows.Scan(&typ, &e.ID, &e.Count); err != nil {
			rows.Close()
			return out, fmt.Errorf("store: facets: %w", err)
		}
		if t := byType[typ]; t != nil {
			t.Entities = append(t.Entities, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: facets: %w", err)
	}
	var named []string
	for _, typ := range []pipeline.EntityType{pipeline.Person, pipeline.Organization, pipeline.Location, pipeline.Misc} {
		t := byType[typ]
		if t == nil {
			continue
		}
		sort.Slice(t.Entities, func(i, j int) bool {
			a, b := t.Entities[i], t.Entities[j]
			return a.Count > b.Count || (a.Count == b.Count && a.ID < b.ID)
		})
		t.Entities = t.Entities[:min(len(t.Entities), facetEntities)]
		for _, e := range t.Entities {
			named = append(named, e.ID)
		}
		out.Types = append(out.Types, *t)
	}
	names, err := r.entityNames(ctx, named)
	if err != nil {
		return out, err
	}
	for i := range out.Types {
		for j := range out.Types[i].Entities {
			e := &out.Types[i].Entities[j]
			e.Name = names[e.ID]
		}
	}
	return out, nil
}

func (r *sqlReader) entityNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	q := r.newQuery().add(`SELECT id, name FROM entities WHERE id IN `).in(ids)
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: entity names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("store: entity names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// QuoteQuery selects quotes, newest first. Only originals' quotes are
// listed (a copy's are the same).
type QuoteQuery struct {
	// Text keeps quotes containing every word of it, case-insensitively.
	Text string
	// Speaker keeps quotes whose speaker is this entity id or whose
	// speaker's name, as written or as the entity is named, contains it
	// ("Putin" finds Vladimir Putin's).
	Speaker string
	// From and To bound the article time, as in ArticleQuery.
	From, To time.Time
	Limit    int
	Offset   int
}

// QuotePage is one page of quotes.
type QuotePage struct {
	Quotes []QuoteRef `json:"quotes"`
	// Next is the Offset of the following page; 0 on the last page.
	Next int `json:"next,omitempty"`
}

// Quotes implements Reader.
func (r *sqlReader) Quotes(ctx context.Context, qq QuoteQuery) (QuotePage, error) {
	limit, err := checkLimit(qq.Limit, false)
	if err != nil {
		return QuotePage{}, err
	}
	if qq.Offset < 0 {
		return QuotePage{}, fmt.Errorf("%w: offset %d is negative", ErrBadQuery, qq.Offset)
	}
	if err := checkRange(qq.From, qq.To); err != nil {
		return QuotePage{}, err
	}
	words := searchWords(qq.Text)
	if len(words) > maxSearchTerms {
		return QuotePage{}, fmt.Errorf("%w: q has %d words, at most %d are allowed", ErrBadQuery, len(words), maxSearchTerms)
	}
	q := r.newQuery().add(`SELECT q.text, q.speaker, q.speaker_id, q.speaker_title, a.id, a.title, a.at
		FROM quotes q JOIN articles a ON a.rid = q.article_rid WHERE a.duplicate_of = ''`)
	for _, w := range words {
		q.add(` AND lower(q.text) LIKE ? ESCAPE '\'`, likeContains(w))
	}
	if sp := strings.TrimSpace(qq.Speaker); sp != "" {
		q.add(` AND (q.speaker_id = ? OR lower(q.speaker) LIKE ? ESCAPE '\'
			OR q.speaker_id IN (SELECT id FROM entities WHERE name_fold LIKE ? ESCAPE '\'))`,
			sp, likeContains(sp), likeContains(sp))
	}
	if !qq.From.IsZero() || !qq.To.IsZero() {
		lo, hi := ridRange(qq.From, qq.To)
		q.add(` AND q.article_rid >= ? AND q.article_rid < ?`, lo, hi)
	}
	if !qq.From.IsZero() {
		q.add(` AND a.at >= ?`, r.d.timeArg(qq.From))
	}
	if !qq.To.IsZero() {
		q.add(` AND a.at < ?`, r.d.timeArg(qq.To))
	}
	q.add(` ORDER BY q.article_rid DESC, q.ord LIMIT ? OFFSET ?`, limit+1, qq.Offset)
	quotes, err := r.quotes(ctx, q)
	if err != nil {
		return QuotePage{}, err
	}
	page := QuotePage{Quotes: quotes}
	if len(quotes) > limit {
		page.Quotes, page.Next = quotes[:limit], qq.Offset+limit
	}
	return page, nil
}
