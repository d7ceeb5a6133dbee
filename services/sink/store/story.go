package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/segmentio/encoding/json"
)

// A story is made readable where its articles are: the writer recomputes
// a story's row, in the transaction that adds an article to it, from the
// story's articles and their entities. One function (aggregateStory)
// decides what a story says, for both engines.
//
// Copies (articles with a duplicate_of) count once: they are counted
// apart, and neither their entities, their source nor their headline
// speak for the story.

// Story aggregation bounds: what one article's commit costs is bounded
// whatever the size of its story.
const (
	// storyCandidates is how many of a story's newest originals its most
	// central article is chosen from and its key entities counted over (a
	// story's label follows it as it develops); its counts and times are
	// exact whatever its size.
	storyCandidates = 25
	// storyKeyEntities is how many people, organisations and places (each)
	// a story row names.
	storyKeyEntities = 5
	// storySummaryBytes bounds a story's summary.
	storySummaryBytes = 300
)

// storyArticle is a candidate for a story's most central article, with
// its entities and their weights (see entityWeight).
type storyArticle struct {
	rid      int64
	id       string
	title    string
	lede     string
	entities []storyEntity
	weights  map[string]float64
}

// storyEntity is an entity of an article, or its totals over a story's
// candidate articles.
type storyEntity struct {
	ref      EntityRef // with Mentions and ArticleCount
	salience float64   // summed
	weight   float64   // summed entityWeight: the story's centroid
}

// storyTotals are a story's exact counts and times.
type storyTotals struct {
	articles, copies, sources int
	first, last               time.Time
}

// storyRow is a story's row in the stories table.
type storyRow struct {
	id       string
	label    string
	summary  string
	leadID   string
	totals   storyTotals
	entities []EntityRef
}

// hash is of everything a reader sees of the story, so an unchanged story
// keeps its revision and its update's message id.
func (s storyRow) hash() string {
	ents, _ := json.Marshal(s.entities)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d\x00%d\x00%d\x00%d\x00%d\x00", s.id, s.label, s.summary, s.leadID,
		s.totals.articles, s.totals.copies, s.totals.sources, s.totals.first.UnixMicro(), s.totals.last.UnixMicro())
	h.Write(ents)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// aggregateStory decides what a story says from its candidate articles
// (its newest originals, newest first) and its entities' totals.
//
// The most central article is the one whose entities are most like the
// whole story's (cosine of its entity weights against their sum over the
// story), with the share of its headline's words that the other headlines
// use as well: the article that is about what the others are about. Its
// headline is the label and its lead sentences the summary. Ties go to
// the earliest article. Key entities are ranked by how many originals
// mention them, then by salience.
func aggregateStory(id string, totals storyTotals, arts []storyArticle, ents []storyEntity) storyRow {
	row := storyRow{id: id, totals: totals, entities: []EntityRef{}}
	if len(arts) == 0 {
		return row
	}
	centroid := make(map[string]float64, len(ents))
	var norm float64
	for _, e := range ents {
		centroid[e.ref.ID] = e.weight
		norm += e.weight * e.weight
	}
	norm = math.Sqrt(norm)
	words := make([]map[string]bool, len(arts))
	titled := 0
	for i, a := range arts {
		if hasHeadline(a.title) {
			words[i] = headlineWords(a.title)
			titled++
		}
	}
	best, bestScore := -1, math.Inf(-1)
	// Oldest first, so that a tie keeps the earliest.
	for i := len(arts) - 1; i >= 0; i-- {
		a := arts[i]
		if titled > 0 && words[i] == nil {
			continue
		}
		score := cosine(a.weights, centroid, norm)
		if titled > 1 {
			score += 0.5 * headlineShare(words, i)
		}
		if score > bestScore+1e-9 {
			best, bestScore = i, score
		}
	}
	lead := arts[best]
	row.leadID = lead.id
	row.summary = leadSentences(lead.lede, storySummaryBytes)
	row.label = strings.Join(strings.Fields(lead.title), " ")
	if !hasHeadline(row.label) {
		row.label = truncate(firstSentence(lead.lede), 90)
	}

	ranked := slices.Clone(ents)
	sort.Slice(ranked, func(i, j int) bool {
		a, b := ranked[i], ranked[j]
		if a.ref.ArticleCount != b.ref.ArticleCount {
			return a.ref.ArticleCount > b.ref.ArticleCount
		}
		if a.salience != b.salience {
			return a.salience > b.salience
		}
		if a.ref.Mentions != b.ref.Mentions {
			return a.ref.Mentions > b.ref.Mentions
		}
		return a.ref.ID < b.ref.ID
	})
	perType := map[pipeline.EntityType]int{}
	for _, e := range ranked {
		switch e.ref.Type {
		case pipeline.Person, pipeline.Organization, pipeline.Location:
		default:
			continue
		}
		if perType[e.ref.Type] == storyKeyEntities {
			continue
		}
		perType[e.ref.Type]++
		row.entities = append(row.entities, e.ref)
	}
	return row
}

// entityWeight is how much an entity says about an article: its salience,
// with how often it is mentioned (up to five times) for articles whose
// enrichment gives no salience. Computed by the database, in SQL both
// engines read alike.
const entityWeight = `(0.5 * ae.salience + 0.1 * CASE WHEN ae.mentions > 5 THEN 5 ELSE ae.mentions END)`

// cosine of v and centroid, whose norm is given.
func cosine(v, centroid map[string]float64, norm float64) float64 {
	var dot, nv float64
	for k, w := range v {
		dot += w * centroid[k]
		nv += w * w
	}
	if nv == 0 || norm == 0 {
		return 0
	}
	return dot / (math.Sqrt(nv) * norm)
}

// headlineShare is the mean, over the other headlines, of the share of
// headline i's words that they use too.
func headlineShare(words []map[string]bool, i int) float64 {
	if len(words[i]) == 0 {
		return 0
	}
	var sum float64
	n := 0
	for j, other := range words {
		if j == i || other == nil {
			continue
		}
		shared := 0
		for w := range words[i] {
			if other[w] {
				shared++
			}
		}
		sum += float64(shared) / float64(len(words[i]))
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// untitled is how the pipeline's readers show an article without a title.
const untitled = "(untitled)"

func hasHeadline(title string) bool {
	t := strings.TrimSpace(title)
	return t != "" && t != untitled
}

// headlineWords are a headline's words of four letters or more, folded:
// short words are mostly function words in any language.
func headlineWords(title string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) >= 4 {
			out[w] = true
		}
	}
	return out
}

// leadSentences is the first sentences of text that fit in n bytes (at
// least the first, shortened if it alone is longer).
func leadSentences(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	text = strings.TrimSuffix(text, "…")
	out := ""
	for text != "" {
		s := firstSentence(text)
		if out != "" && len(out)+1+len(s) > n {
			break
		}
		if out == "" {
			out = s
		} else {
			out += " " + s
		}
		text = strings.TrimSpace(text[len(s):])
	}
	return truncate(out, n)
}

// firstSentence is text up to the end of its first sentence: a full
// stop, question or exclamation mark (and a closing quote) followed by a
// space and a capital, a digit or a quote, after a word that is not a
// single letter ("U.S.", "J. Smith").
func firstSentence(text string) string {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		end := i + 1
		for end < len(text) && strings.ContainsRune("\"')”’»", rune(text[end])) {
			end++
		}
		for end < len(text) && !utf8.RuneStart(text[end]) {
			end++
		}
		if strings.HasPrefix(text[end:], "”") || strings.HasPrefix(text[end:], "’") {
			end += len("”")
		}
		if end >= len(text) {
			return text
		}
		if text[end] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(text[end+1:])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune("\"'“‘«", next) {
			continue
		}
		if c == '.' {
			w := i
			for w > 0 && text[w-1] != ' ' {
				w--
			}
			if word := text[w:i]; utf8.RuneCountInString(word) <= 1 || strings.Contains(word, ".") {
				continue
			}
		}
		return text[:end]
	}
	return text
}

// stmt is one SQL statement with '?' placeholders and its arguments.
type stmt struct {
	sql  string
	args []any
}

// storyTx is what the writer's transaction offers the story refresh, in
// either engine. Statements go in groups, which PostgreSQL pipelines in one
// round trip, so that refreshing the stories of a batch costs a few round
// trips, not a few per story.
type storyTx struct {
	d dialect
	// query runs the statements and calls fn with each one's rows, in
	// order.
	query func(ctx context.Context, qs []stmt, fn func(i int, rows rowScanner) error) error
	// exec runs the statements.
	exec func(ctx context.Context, qs []stmt) error
	now  time.Time
}

// sqlStoryTx runs a storyTx's statements one after the other in tx.
func sqlStoryTx(tx *sql.Tx, d dialect, now time.Time) storyTx {
	return storyTx{
		d: d,
		query: func(ctx context.Context, qs []stmt, fn func(int, rowScanner) error) error {
			for i, q := range qs {
				rows, err := tx.QueryContext(ctx, q.sql, q.args...)
				if err != nil {
					return err
				}
				err = fn(i, sqlRows{rows})
				rows.Close()
				if err == nil {
					err = rows.Err()
				}
				if err != nil {
					return err
				}
			}
			return nil
		},
		exec: func(ctx context.Context, qs []stmt) error {
			for _, q := range qs {
				if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
					return err
				}
			}
			return nil
		},
		now: now,
	}
}

// refreshStories recomputes the rows of the given stories from their
// articles, deleting those that have none left.
func refreshStories(ctx context.Context, tx storyTx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	// Exact counts and times.
	qs := make([]stmt, len(ids))
	for i, id := range ids {
		qs[i] = stmt{`SELECT
				sum(CASE WHEN duplicate_of = '' THEN 1 ELSE 0 END),
				sum(CASE WHEN duplicate_of = '' THEN 0 ELSE 1 END),
				count(DISTINCT CASE WHEN duplicate_of = '' AND source <> '' THEN source END),
				min(at), max(at)
			FROM articles WHERE story_id = ?`, []any{id}}
	}
	totals := make([]*storyTotals, len(ids))
	err := tx.query(ctx, qs, func(i int, rows rowScanner) error {
		for rows.Next() {
			var (
				n, copies   *int64
				sources     int
				first, last dbTime
			)
			if err := rows.Scan(&n, &copies, &sources, &first, &last); err != nil {
				return err
			}
			if n != nil {
				totals[i] = &storyTotals{articles: int(*n), copies: int(*copies), sources: sources, first: first.t, last: last.t}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	// The candidates for the most central article: the newest originals,
	// or the newest copy of a story of copies only.
	var writes []stmt
	arts := make([][]storyArticle, len(ids))
	qs, qi := qs[:0], []int{}
	for i, id := range ids {
		if totals[i] == nil {
			writes = append(writes, stmt{`DELETE FROM stories WHERE id = ?`, []any{id}})
			continue
		}
		limit, cond := storyCandidates, `AND duplicate_of = ''`
		if totals[i].articles == 0 {
			limit, cond = 1, ""
		}
		qs = append(qs, stmt{`SELECT rid, id, title, lede FROM articles WHERE story_id = ? ` + cond +
			` ORDER BY rid DESC LIMIT ?`, []any{id, limit}})
		qi = append(qi, i)
	}
	type at struct{ story, art int }
	byRid := map[int64]at{}
	var rids []any
	err = tx.query(ctx, qs, func(k int, rows rowScanner) error {
		i := qi[k]
		for rows.Next() {
			a := storyArticle{weights: map[string]float64{}}
			if err := rows.Scan(&a.rid, &a.id, &a.title, &a.lede); err != nil {
				return err
			}
			byRid[a.rid] = at{i, len(arts[i])}
			rids = append(rids, a.rid)
			arts[i] = append(arts[i], a)
		}
		return nil
	})
	if err != nil {
		return err
	}

	// Their entities, with their weights.
	if len(rids) > 0 {
		q := stmt{`SELECT ae.article_rid, ae.entity_id, ae.name, ae.type, ae.mentions, ae.salience, ` + entityWeight +
			` FROM article_entities ae WHERE ae.article_rid IN (` + strings.TrimSuffix(strings.Repeat("?,", len(rids)), ",") + `)`, rids}
		err = tx.query(ctx, []stmt{q}, func(_ int, rows rowScanner) error {
			for rows.Next() {
				var (
					rid int64
					e   storyEntity
					typ string
				)
				if err := rows.Scan(&rid, &e.ref.ID, &e.ref.Name, &typ, &e.ref.Mentions, &e.salience, &e.weight); err != nil {
					return err
				}
				e.ref.Type = pipeline.EntityType(typ)
				p := byRid[rid]
				a := &arts[p.story][p.art]
				a.entities = append(a.entities, e)
				a.weights[e.ref.ID] += e.weight
			}
			return nil
		})
		if err != nil {
			return err
		}
	}

	for i, id := range ids {
		if totals[i] == nil {
			continue
		}
		row := aggregateStory(id, *totals[i], arts[i], storyEntityTotals(arts[i]))
		ents, err := json.Marshal(row.entities)
		if err != nil {
			return err
		}
		writes = append(writes, stmt{`INSERT INTO stories (id, title, label, summary, lead_id, articles, copies, sources, entities,
				first_at, last_at, hash, revision, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
			ON CONFLICT (id) DO UPDATE SET title = excluded.title, label = excluded.label, summary = excluded.summary,
				lead_id = excluded.lead_id, articles = excluded.articles, copies = excluded.copies,
				sources = excluded.sources, entities = excluded.entities, first_at = excluded.first_at,
				last_at = excluded.last_at, hash = excluded.hash, revision = stories.revision + 1,
				updated_at = excluded.updated_at
			WHERE stories.hash <> excluded.hash`,
			[]any{row.id, column(row.label), column(row.label), column(row.summary), row.leadID,
				row.totals.articles, row.totals.copies, row.totals.sources, string(ents),
				tx.d.timeArg(row.totals.first), tx.d.timeArg(row.totals.last), row.hash(), tx.d.timeArg(tx.now)}})
	}
	return tx.exec(ctx, writes)
}

// storyEntityTotals totals the entities of arts, which carry them.
func storyEntityTotals(arts []storyArticle) []storyEntity {
	byID := map[string]*storyEntity{}
	var out []*storyEntity
	for _, a := range arts {
		for _, e := range a.entities {
			t := byID[e.ref.ID]
			if t == nil {
				t = &storyEntity{ref: EntityRef{ID: e.ref.ID, Name: e.ref.Name, Type: e.ref.Type}}
				byID[e.ref.ID] = t
				out = append(out, t)
			}
			t.ref.ArticleCount++
			t.ref.Mentions += e.ref.Mentions
			t.salience += e.salience
			t.weight += e.weight
		}
	}
	res := make([]storyEntity, len(out))
	for i, t := range out {
		res[i] = *t
	}
	return res
}
