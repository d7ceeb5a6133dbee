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
	rid      int64 // assigned by the writer: see ridBase
	id       string
	doc      []byte
	stored   []byte // the doc column's value, when the engine stores doc otherwise (SQLite: compressed)
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

// docColumn is the doc column's value.
func (r *record) docColumn() []byte {
	if r.stored != nil {
		return r.stored
	}
	return r.doc
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
	text, speaker, speakerID, speakerTitle string
	start, end                             int
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
// it, or else (an article with no time at all) now. A publication time more
// than a day after the article was first seen is a feed's error (a wrong
// time zone, a placeholder year) and is not believed: such an article would
// otherwise sit at the top of every list for years.
func ArticleTime(a *pipeline.Article, now time.Time) time.Time {
	var seen time.Time
	if a.FetchedAt != nil && !a.FetchedAt.IsZero() {
		seen = *a.FetchedAt
	}
	for _, m := range a.Stages {
		if !m.At.IsZero() && (seen.IsZero() || m.At.Before(seen)) {
			seen = m.At
		}
	}
	if a.PublishedAt != nil && !a.PublishedAt.IsZero() {
		if seen.IsZero() || !a.PublishedAt.After(seen.Add(24*time.Hour)) {
			return a.PublishedAt.UTC()
		}
	}
	if !seen.IsZero() {
		return seen.UTC()
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
			speakerTitle: column(q.SpeakerTitle), start: q.Start, end: q.End,
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
	rid      int64
	version  int64
	hash     string
	story    string
	dupOf    string
	storedAt time.Time
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
	replaced map[string]existing // stored articles being replaced, by id
	// stories whose aggregates must be recomputed: every story an article
	// joins or leaves.
	stories []string
}

// makePlan decides, for records in arrival order and the stored versions
// of their ids, what to write. Of several records for one id in a batch,
// the one the Version rule prefers wins.
func makePlan(recs []*record, stored map[string]existing) plan {
	p := plan{replaced: map[string]existing{}}
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
			p.replaced[id] = old
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
	rid      int64
	entityID string
	mentions int
}

// entityDeltas nets the rows removed from replaced articles against the
// rows the plan writes, sorted by id so that concurrent writers lock
// entities in the same order and cannot deadlock. Copies (articles with a
// duplicate_of) count once: their original counted, they do not.
func entityDeltas(removed []oldEntity, p plan) []entityDelta {
	copyRids := map[int64]bool{}
	for _, old := range p.replaced {
		if old.dupOf != "" {
			copyRids[old.rid] = true
		}
	}
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
		if copyRids[o.rid] {
			continue
		}
		d := get(o.entityID)
		d.articles--
		d.mentions -= o.mentions
	}
	for _, r := range p.write {
		if r.dupOf != "" {
			continue
		}
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
// whose rids are assigned.
func childRows(recs []*record) []childTable {
	ae := childTable{table: "article_entities", cols: []string{"article_rid", "entity_id", "name", "type", "mentions", "salience"}}
	ms := childTable{table: "mentions", cols: []string{"article_rid", "entity_id", "ord", "start_pos", "end_pos", "text"}}
	qs := childTable{table: "quotes", cols: []string{"article_rid", "ord", "text", "speaker", "speaker_id", "speaker_title", "start_pos", "end_pos"}}
	for _, r := range recs {
		for _, e := range r.entities {
			ae.rows = append(ae.rows, []any{r.rid, e.id, e.name, e.typ, e.mentions, e.salience})
			for i, m := range e.spans {
				ms.rows = append(ms.rows, []any{r.rid, e.id, i, m.start, m.end, m.text})
			}
		}
		for i, q := range r.quotes {
			qs.rows = append(qs.rows, []any{r.rid, i, q.text, q.speaker, q.speakerID, q.speakerTitle, q.start, q.end})
		}
	}
	return []childTable{ae, ms, qs}
}

// An article's rid is its place on the timeline: the second of its time
// shifted left ridSeqBits, plus a sequence number that tells apart the
// articles of one second. Ordering by rid is ordering by time (to the
// second, then by arrival), so "newest first" is an index walk, and time
// bounds are rid ranges.
const ridSeqBits = 22

// ridBase is the smallest rid of the second of t.
func ridBase(t time.Time) int64 {
	s := t.Unix()
	if s < 0 {
		s = 0
	}
	return s << ridSeqBits
}

// ridTime is the second a rid is in.
func ridTime(rid int64) time.Time { return time.Unix(rid>>ridSeqBits, 0).UTC() }

// ridRange is the rids of the articles whose time may be in [from, to):
// zero bounds are open. Callers still compare the exact times.
func ridRange(from, to time.Time) (lo, hi int64) {
	lo, hi = 0, 1<<62
	if !from.IsZero() {
		lo = ridBase(from)
	}
	if !to.IsZero() {
		hi = ridBase(to) + 1<<ridSeqBits
	}
	return lo, hi
}
