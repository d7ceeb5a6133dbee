package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
)

// record is an article made ready for the database, off the writer's
// goroutine: encoded, validated, and cut into the rows of each table.
type record struct {
	id       string
	doc      []byte
	hash     string
	version  int64 // see Version
	at       time.Time
	title    string
	url      string
	source   string
	siteName string
	lang     string
	lede     string
	body     string // indexed text; the article's own Text is in doc
	story    string
	dupOf    string
	pub      *time.Time
	entities []entityRow
	quotes   []quoteRow
}

type entityRow struct {
	id       string
	name     string
	typ      string
	mentions int
	salience float64
	spans    []mentionRow
}

type mentionRow struct {
	start, end int
	text       string
}

type quoteRow struct {
	text, speaker, speakerID string
	start, end               int
}

// Version is the rule that decides which of two copies of an article the
// store keeps: the time of its latest stage mark (pipeline.StageMark.At),
// in nanoseconds, 0 for an article that no stage has marked. A save
// replaces the stored copy when its version is greater, or equal with
// different content (a re-publish at the same stage); an older version is
// ignored, so replaying the enriched stream never rolls an article back to
// an earlier enrichment.
func Version(a *pipeline.Article) int64 {
	var v int64
	for _, m := range a.Stages {
		if n := m.At.UnixNano(); n > v {
			v = n
		}
	}
	return v
}

// ArticleTime is the time an article is listed and filtered by: when it was
// published, or else when it was fetched, or else when the first stage saw
// it, or else (an article with no time at all) now.
func ArticleTime(a *pipeline.Article, now time.Time) time.Time {
	switch {
	case a.PublishedAt != nil && !a.PublishedAt.IsZero():
		return a.PublishedAt.UTC()
	case a.FetchedAt != nil && !a.FetchedAt.IsZero():
		return a.FetchedAt.UTC()
	}
	var first time.Time
	for _, m := range a.Stages {
		if !m.At.IsZero() && (first.IsZero() || m.At.Before(first)) {
			first = m.At
		}
	}
	if !first.IsZero() {
		return first.UTC()
	}
	return now.UTC()
}

const (
	ledeBytes = 320
	// maxDocBytes bounds one stored article; NATS messages are far smaller,
	// so a bigger one is a bug upstream, not news.
	maxDocBytes = 32 << 20
)

func newRecord(a *pipeline.Article, now time.Time) (*record, error) {
	if strings.TrimSpace(a.ID) == "" {
		return nil, fmt.Errorf("%w: no id", ErrInvalidArticle)
	}
	if len(a.ID) > 200 {
		return nil, fmt.Errorf("%w: id of %d bytes", ErrInvalidArticle, len(a.ID))
	}
	if err := a.CheckSchema(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidArticle, err)
	}
	doc, err := pipeline.EncodeArticle(a)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding: %w", ErrInvalidArticle, err)
	}
	if len(doc) > maxDocBytes {
		return nil, fmt.Errorf("%w: %d bytes of JSON (limit %d)", ErrInvalidArticle, len(doc), maxDocBytes)
	}
	sum := sha256.Sum256(doc)
	r := &record{
		id:       a.ID,
		doc:      doc,
		hash:     hex.EncodeToString(sum[:16]),
		version:  Version(a),
		at:       ArticleTime(a, now),
		title:    column(a.Title),
		url:      column(a.URL),
		source:   column(a.Source),
		siteName: column(a.SiteName),
		lang:     column(a.Lang),
		body:     indexable(column(a.Text)),
		story:    column(a.StoryID),
		dupOf:    column(a.DuplicateOf),
	}
	if a.PublishedAt != nil && !a.PublishedAt.IsZero() {
		t := a.PublishedAt.UTC()
		r.pub = &t
	}
	lede := a.Summary
	if strings.TrimSpace(lede) == "" {
		lede = a.Text
	}
	r.lede = column(truncate(strings.Join(strings.Fields(lede), " "), ledeBytes))
	r.entities = entityRows(a.Entities)
	for _, q := range a.Quotes {
		if strings.TrimSpace(q.Text) == "" {
			continue
		}
		r.quotes = append(r.quotes, quoteRow{
			text: column(q.Text), speaker: column(q.Speaker), speakerID: column(q.SpeakerID),
			start: q.Start, end: q.End,
		})
	}
	return r, nil
}

// entityRows merges entities listed twice under one id, so each entity has
// one row per article, and gives an id to an entity that came without one.
func entityRows(in []pipeline.Entity) []entityRow {
	byID := make(map[string]int, len(in))
	var out []entityRow
	for _, e := range in {
		name := column(strings.TrimSpace(e.Name))
		id := column(e.ID)
		if id == "" {
			if name == "" {
				continue
			}
			id = strings.ToLower(string(e.Type)) + ":" + strings.ToLower(name)
		}
		if name == "" {
			name = id
		}
		i, seen := byID[id]
		if !seen {
			i = len(out)
			byID[id] = i
			out = append(out, entityRow{id: id, name: name, typ: column(string(e.Type))})
		}
		row := &out[i]
		count := e.Count
		if count < len(e.Mentions) {
			count = len(e.Mentions)
		}
		row.mentions += max(count, 1)
		row.salience = max(row.salience, e.Salience)
		for _, m := range e.Mentions {
			row.spans = append(row.spans, mentionRow{start: m.Start, end: m.End, text: column(m.Text)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// column makes s storable in any text column: PostgreSQL rejects NUL bytes
// and invalid UTF-8. Only the queryable copies are cleaned; the article's
// JSON, from which Get answers, is stored exactly.
func column(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// maxIndexedBytes bounds the text given to the full-text index: PostgreSQL
// refuses a tsvector over 1 MB, and no search needs the end of a novel.
// Both engines index the same prefix so they find the same articles.
const maxIndexedBytes = 256 << 10

func indexable(s string) string {
	if len(s) <= maxIndexedBytes {
		return s
	}
	cut := maxIndexedBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// truncate cuts s to at most n bytes at a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(s[:cut], ' '); i > n/2 {
		cut = i
	}
	return s[:cut] + "…"
}

// existing is what the writer needs to know about a stored article to
// decide whether a new copy replaces it.
type existing struct {
	version int64
	hash    string
	story   string
}

// replaces applies the Version rule.
func (r *record) replaces(old existing) bool {
	if r.version != old.version {
		return r.version > old.version
	}
	return r.hash != old.hash
}

// plan is what one transaction does: which records it writes and which
// stored articles they replace.
type plan struct {
	write    []*record
	replaced map[string]bool // ids of stored articles being replaced
	// stories whose aggregates must be recomputed: every story an article
	// joins or leaves.
	stories []string
}

// makePlan decides, for records in arrival order and the stored versions
// of their ids, what to write. Of several records for one id in a batch,
// the one the Version rule prefers wins.
func makePlan(recs []*record, stored map[string]existing) plan {
	p := plan{replaced: map[string]bool{}}
	best := map[string]*record{}
	var order []string
	for _, r := range recs {
		cur, ok := best[r.id]
		if !ok {
			order = append(order, r.id)
			best[r.id] = r
			continue
		}
		if r.replaces(existing{version: cur.version, hash: cur.hash}) {
			best[r.id] = r
		}
	}
	stories := map[string]bool{}
	for _, id := range order {
		r := best[id]
		old, ok := stored[id]
		if ok && !r.replaces(old) {
			continue
		}
		if ok {
			p.replaced[id] = true
			if old.story != "" {
				stories[old.story] = true
			}
		}
		if r.story != "" {
			stories[r.story] = true
		}
		p.write = append(p.write, r)
	}
	for s := range stories {
		p.stories = append(p.stories, s)
	}
	sort.Strings(p.stories)
	return p
}

// entityDelta is the change one transaction makes to an entity's totals.
type entityDelta struct {
	id, name, typ      string
	articles, mentions int
	lastAt             time.Time
}

// oldEntity is a stored article_entities row about to be replaced.
type oldEntity struct {
	entityID string
	mentions int
}

// entityDeltas nets the rows removed from replaced articles against the
// rows the plan writes, sorted by id so that concurrent writers lock
// entities in the same order and cannot deadlock.
func entityDeltas(removed []oldEntity, p plan) []entityDelta {
	m := map[string]*entityDelta{}
	get := func(id string) *entityDelta {
		d := m[id]
		if d == nil {
			d = &entityDelta{id: id}
			m[id] = d
		}
		return d
	}
	for _, o := range removed {
		d := get(o.entityID)
		d.articles--
		d.mentions -= o.mentions
	}
	for _, r := range p.write {
		for _, e := range r.entities {
			d := get(e.id)
			d.articles++
			d.mentions += e.mentions
			d.name, d.typ = e.name, e.typ
			if r.at.After(d.lastAt) {
				d.lastAt = r.at
			}
		}
	}
	out := make([]entityDelta, 0, len(m))
	for _, d := range m {
		if d.articles == 0 && d.mentions == 0 && d.name == "" {
			continue
		}
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// childTable is the rows a batch adds to one of the per-article tables.
type childTable struct {
	table string
	cols  []string
	rows  [][]any
}

// childRows are the article_entities, mentions and quotes rows of recs,
// with times as the engine stores them.
func childRows(recs []*record, timeArg func(time.Time) any) []childTable {
	ae := childTable{table: "article_entities", cols: []string{"article_id", "entity_id", "name", "type", "mentions", "salience", "at"}}
	ms := childTable{table: "mentions", cols: []string{"article_id", "entity_id", "ord", "start_pos", "end_pos", "text"}}
	qs := childTable{table: "quotes", cols: []string{"article_id", "ord", "text", "speaker", "speaker_id", "start_pos", "end_pos", "at"}}
	for _, r := range recs {
		at := timeArg(r.at)
		for _, e := range r.entities {
			ae.rows = append(ae.rows, []any{r.id, e.id, e.name, e.typ, e.mentions, e.salience, at})
			for i, m := range e.spans {
				ms.rows = append(ms.rows, []any{r.id, e.id, i, m.start, m.end, m.text})
			}
		}
		for i, q := range r.quotes {
			qs.rows = append(qs.rows, []any{r.id, i, q.text, q.speaker, q.speakerID, q.start, q.end, at})
		}
	}
	return []childTable{ae, ms, qs}
}
