package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
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

// Story aggregation bounds.
const (
	// storyAggregateArticles is how many of a story's newest originals its
	// label, summary and key entities are chosen from; its counts and
	// times are exact whatever its size.
	storyAggregateArticles = 500
	// storyKeyEntities is how many people, organisations and places (each)
	// a story row names.
	storyKeyEntities = 5
	// storySummaryBytes bounds a story's summary.
	storySummaryBytes = 300
)

// storyArticle and storyEntity are the rows a story is aggregated from.
type storyArticle struct {
	rid   int64
	id    string
	title string
	lede  string
}

type storyEntity struct {
	rid      int64
	id, name string
	typ      string
	mentions int
	salience float64
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

// aggregateStory decides what a story says from its originals (newest
// first) and their entities.
//
// The most central article is the one whose entities are most like the
// whole story's (cosine of salience-weighted entity vectors against their
// sum), with the share of its headline's words that the other headlines
// use as well: the article that is about what the others are about. Its
// headline is the label and its lead sentences the summary. Ties go to
// the earliest article. Key entities are ranked by how many originals
// mention them, then by salience.
func aggregateStory(id string, totals storyTotals, arts []storyArticle, ents []storyEntity) storyRow {
	row := storyRow{id: id, totals: totals, entities: []EntityRef{}}
	if len(arts) == 0 {
		return row
	}
	type acc struct {
		ref      EntityRef
		salience float64
	}
	vecs := make(map[int64]map[string]float64, len(arts))
	centroid := map[string]float64{}
	byEntity := map[string]*acc{}
	for _, e := range ents {
		w := entityWeight(e)
		if vecs[e.rid] == nil {
			vecs[e.rid] = map[string]float64{}
		}
		vecs[e.rid][e.id] += w
		centroid[e.id] += w
		a := byEntity[e.id]
		if a == nil {
			a = &acc{ref: EntityRef{ID: e.id, Name: e.name, Type: pipeline.EntityType(e.typ)}}
			byEntity[e.id] = a
		}
		a.ref.ArticleCount++
		a.ref.Mentions += e.mentions
		a.salience += e.salience
	}

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
		score := cosine(vecs[a.rid], centroid)
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

	ranked := make([]*acc, 0, len(byEntity))
	for _, a := range byEntity {
		ranked = append(ranked, a)
	}
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
	for _, a := range ranked {
		switch a.ref.Type {
		case pipeline.Person, pipeline.Organization, pipeline.Location:
		default:
			continue
		}
		if perType[a.ref.Type] == storyKeyEntities {
			continue
		}
		perType[a.ref.Type]++
		row.entities = append(row.entities, a.ref)
	}
	return row
}

// entityWeight is how much an entity says about an article: its salience,
// with how often it is mentioned for articles whose enrichment gives no
// salience.
func entityWeight(e storyEntity) float64 {
	return 0.5*e.salience + 0.5*float64(min(e.mentions, 5))/5
}

func cosine(v, centroid map[string]float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var dot, nv, nc float64
	for k, w := range v {
		dot += w * centroid[k]
		nv += w * w
	}
	for _, w := range centroid {
		nc += w * w
	}
	if nv == 0 || nc == 0 {
		return 0
	}
	return dot / math.Sqrt(nv*nc)
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

// storyTx is what the writer's transaction offers the story refresh, in
// either engine: queries with '?' placeholders.
type storyTx struct {
	d     dialect
	query func(ctx context.Context, sql string, args ...any) (rowScanner, error)
	exec  func(ctx context.Context, sql string, args ...any) error
	now   time.Time
}

// refreshStory recomputes one story's row from its articles, or deletes it
// when it has none left.
func refreshStory(ctx context.Context, tx storyTx, id string) error {
	var totals storyTotals
	rows, err := tx.query(ctx, `SELECT
			sum(CASE WHEN duplicate_of = '' THEN 1 ELSE 0 END),
			sum(CASE WHEN duplicate_of = '' THEN 0 ELSE 1 END),
			count(DISTINCT CASE WHEN duplicate_of = '' AND source <> '' THEN source END),
			min(at), max(at)
		FROM articles WHERE story_id = ?`, id)
	if err != nil {
		return err
	}
	var (
		n, copies   *int64
		first, last dbTime
	)
	for rows.Next() {
		if err := rows.Scan(&n, &copies, &totals.sources, &first, &last); err != nil {
			rows.Close()
			return err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if n == nil { // no article left in the story
		return tx.exec(ctx, `DELETE FROM stories WHERE id = ?`, id)
	}
	totals.articles, totals.copies = int(*n), int(*copies)
	totals.first, totals.last = first.t, last.t

	rows, err = tx.query(ctx, `SELECT rid, id, title, lede FROM articles
		WHERE story_id = ? AND duplicate_of = '' ORDER BY rid DESC LIMIT ?`, id, storyAggregateArticles)
	if err != nil {
		return err
	}
	var arts []storyArticle
	for rows.Next() {
		var a storyArticle
		if err := rows.Scan(&a.rid, &a.id, &a.title, &a.lede); err != nil {
			rows.Close()
			return err
		}
		arts = append(arts, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(arts) == 0 { // copies only: let them speak
		rows, err = tx.query(ctx, `SELECT rid, id, title, lede FROM articles
			WHERE story_id = ? ORDER BY rid DESC LIMIT 1`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a storyArticle
			if err := rows.Scan(&a.rid, &a.id, &a.title, &a.lede); err != nil {
				rows.Close()
				return err
			}
			arts = append(arts, a)
		}
		rows.Close()
	}
	var ents []storyEntity
	if len(arts) > 0 {
		rows, err = tx.query(ctx, `SELECT ae.article_rid, ae.entity_id, ae.name, ae.type, ae.mentions, ae.salience
			FROM articles a JOIN article_entities ae ON ae.article_rid = a.rid
			WHERE a.story_id = ? AND a.duplicate_of = '' AND a.rid >= ?`, id, arts[len(arts)-1].rid)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e storyEntity
			if err := rows.Scan(&e.rid, &e.id, &e.name, &e.typ, &e.mentions, &e.salience); err != nil {
				rows.Close()
				return err
			}
			ents = append(ents, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	row := aggregateStory(id, totals, arts, ents)
	entsJSON, err := json.Marshal(row.entities)
	if err != nil {
		return err
	}
	return tx.exec(ctx, `INSERT INTO stories (id, title, label, summary, lead_id, articles, copies, sources, entities,
			first_at, last_at, hash, revision, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, label = excluded.label, summary = excluded.summary,
			lead_id = excluded.lead_id, articles = excluded.articles, copies = excluded.copies,
			sources = excluded.sources, entities = excluded.entities, first_at = excluded.first_at,
			last_at = excluded.last_at, hash = excluded.hash, revision = stories.revision + 1,
			updated_at = excluded.updated_at
		WHERE stories.hash <> excluded.hash`,
		row.id, column(row.label), column(row.label), column(row.summary), row.leadID,
		row.totals.articles, row.totals.copies, row.totals.sources, string(entsJSON),
		tx.d.timeArg(row.totals.first), tx.d.timeArg(row.totals.last), row.hash(), tx.d.timeArg(tx.now))
}
