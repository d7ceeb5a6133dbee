package store

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsflow/newsflow/pipeline"
)

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 200
)

// ArticleQuery selects articles. Every condition set must hold.
type ArticleQuery struct {
	// Text is a full-text query over title and text, in web-search syntax:
	// words (all required, stemmed, case- and accent-insensitive),
	// "quoted phrases", -excluded words and OR between alternatives.
	Text string
	// Entities are entity ids, names (case-insensitive), surnames or
	// written forms (see Reader.ResolveEntity); the article must mention
	// every one of them.
	Entities []string
	// Sources: the article comes from any one of them.
	Sources []string
	// Story is a story id.
	Story string
	// From (inclusive) and To (exclusive) bound the article time (see
	// ArticleTime). Zero means unbounded.
	From, To time.Time
	// Limit is the page size, DefaultLimit if 0, at most MaxLimit. Scan
	// takes 0 to mean no limit.
	Limit int
	// Cursor continues from a previous page's Next.
	Cursor string
	// Copies lists copies (articles with a duplicate_of) too. By default
	// a list holds originals only, each with the number of its copies, so
	// that an article fetched again is listed once.
	Copies bool
	// CopiesOf, if set, lists the copies of the article with that id
	// (and nothing else).
	CopiesOf string
}

// ArticlePage is one page of articles, newest first.
type ArticlePage struct {
	Articles []ArticleSummary `json:"articles"`
	// Next is the cursor of the following page; empty on the last page.
	Next string `json:"next,omitempty"`
}

// ArticleSummary is an article as listed: everything but the text.
type ArticleSummary struct {
	ID          string     `json:"id"`
	URL         string     `json:"url,omitempty"`
	Source      string     `json:"source,omitempty"`
	SiteName    string     `json:"site_name,omitempty"`
	Title       string     `json:"title"`
	Lang        string     `json:"lang,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// At is the article time (see ArticleTime), the list order.
	At      time.Time `json:"at"`
	StoryID string    `json:"story_id,omitempty"`
	// StoryLabel is the label of its story (see StorySummary.Label).
	StoryLabel string `json:"story_label,omitempty"`
	// DuplicateOf is the id of the article this one copies, if any.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Copies counts the stored copies of this article.
	Copies int `json:"copies,omitempty"`
	// Lede is the article's summary, or the start of its text.
	Lede string `json:"lede"`
	// Snippet, in the answer to a full-text query, is the passage of the
	// text around the query's first word, with its words marked (nil when
	// only the title matched).
	Snippet []Fragment `json:"snippet,omitempty"`
	// Entities are its most salient entities (up to eight).
	Entities    []EntityRef `json:"entities"`
	EntityCount int         `json:"entity_count"`
	QuoteCount  int         `json:"quote_count"`
	StoredAt    time.Time   `json:"stored_at"`
	UpdatedAt   time.Time   `json:"updated_at"`

	rid int64 // its place in the list order
}

// EntityRef is an entity as seen from one article or story.
type EntityRef struct {
	ID       string              `json:"id"`
	Name     string              `json:"name"`
	Type     pipeline.EntityType `json:"type"`
	Mentions int                 `json:"mentions"`
	Salience float64             `json:"salience,omitempty"`
	// ArticleCount, for a story's key entities, counts the story's
	// articles mentioning it.
	ArticleCount int `json:"article_count,omitempty"`
}

// summaryEntities is how many entities an ArticleSummary carries.
const summaryEntities = 8

// EntityQuery selects entities, ranked by mentions.
type EntityQuery struct {
	// Type keeps one type of entity; "" keeps all.
	Type pipeline.EntityType
	// Name keeps entities whose name contains it, case-insensitively.
	Name string
	// From and To, when set, rank by mentions in the articles of that
	// period only (From inclusive, To exclusive, to the second), "who is
	// in the news this week", instead of over all time.
	From, To time.Time
	Limit    int
	Offset   int
}

// EntityStat is an entity with its totals.
type EntityStat struct {
	ID   string              `json:"id"`
	Name string              `json:"name"`
	Type pipeline.EntityType `json:"type"`
	// ArticleCount is how many articles mention it, Mentions how often.
	ArticleCount int       `json:"article_count"`
	Mentions     int       `json:"mentions"`
	LastSeen     time.Time `json:"last_seen"`
}

// EntityDetail is one entity and what surrounds it.
type EntityDetail struct {
	EntityStat
	// Names are the forms it is mentioned by, most frequent first,
	// counted over its latest 1000 articles.
	Names []NameCount `json:"names"`
	// Articles is the first page of the articles mentioning it; more come
	// from Articles with Entities: []string{id} and Cursor: Articles.Next.
	Articles ArticlePage `json:"articles"`
	// Quotes are its latest quotes (up to 50).
	Quotes []QuoteRef `json:"quotes"`
	// Related are the entities most often in the same articles, counted
	// over its latest 1000 articles (up to 25).
	Related []Related `json:"related"`
	// Timeline counts its articles and mentions per day of article time
	// (originals only), oldest first; days without any are left out.
	Timeline []DayCount `json:"timeline"`
}

// DayCount is how often an entity was in the news on one day (UTC).
type DayCount struct {
	Day      string `json:"day"` // 2022-01-12
	Articles int    `json:"articles"`
	Mentions int    `json:"mentions"`
}

// NameCount is one way an entity is written, and how often.
type NameCount struct {
	Text  string `json:"text"`
	Count int    `json:"count"`
}

// QuoteRef is a quote with the article it is from.
type QuoteRef struct {
	Text      string `json:"text"`
	Speaker   string `json:"speaker,omitempty"`
	SpeakerID string `json:"speaker_id,omitempty"`
	// SpeakerTitle is the speaker's role as the article gives it.
	SpeakerTitle string    `json:"speaker_title,omitempty"`
	ArticleID    string    `json:"article_id"`
	ArticleTitle string    `json:"article_title"`
	At           time.Time `json:"at"`
}

// Related is an entity co-occurring with another.
type Related struct {
	ID   string              `json:"id"`
	Name string              `json:"name"`
	Type pipeline.EntityType `json:"type"`
	// Shared counts the articles mentioning both.
	Shared int `json:"shared_articles"`
}

// StoryQuery selects stories.
type StoryQuery struct {
	// From and To keep stories with an article in the period.
	From, To time.Time
	Limit    int
	Cursor   string
}

// StoryPage is one page of stories, most recently updated first.
type StoryPage struct {
	Stories []StorySummary `json:"stories"`
	Next    string         `json:"next,omitempty"`
}

// StorySummary is a story as listed, and as its updates are published.
// Copies (articles with a duplicate_of) count apart: ArticleCount,
// SourceCount and the key entities are of originals only.
type StorySummary struct {
	ID string `json:"id"`
	// Label is its most representative headline: that of its most central
	// article (see Lead).
	Label string `json:"label"`
	// Title is Label, under the name older clients know.
	Title string `json:"title"`
	// Summary is the lead sentences of its most central article.
	Summary string `json:"summary,omitempty"`
	// Lead is the id of its most central article: the one whose entities
	// and headline are most like the rest of the story's.
	Lead string `json:"lead_article_id,omitempty"`
	// Entities are its key people, organisations and places (up to five
	// of each), by how many of its articles mention them.
	Entities     []EntityRef `json:"entities"`
	ArticleCount int         `json:"article_count"`
	CopyCount    int         `json:"copy_count"`
	SourceCount  int         `json:"source_count"`
	// FirstAt and LastAt are the times of its first and latest article.
	FirstAt time.Time `json:"first_at"`
	LastAt  time.Time `json:"last_at"`
	// Revision grows by one each time what the story says changes;
	// UpdatedAt is when it last did.
	Revision  int64     `json:"revision"`
	UpdatedAt time.Time `json:"updated_at"`

	hash string
}

// Hash identifies what the story says: two summaries with the same Hash
// say the same. The sink's story updates are de-duplicated by it.
func (s StorySummary) Hash() string { return s.hash }

// StoryDetail is one story.
type StoryDetail struct {
	StorySummary
	// Articles are its articles, oldest first (up to 500): originals
	// only, each with its number of copies, unless the query asked for
	// copies.
	Articles []ArticleSummary `json:"articles"`
	// Mentioned are the entities most mentioned across its originals (up
	// to 25); its key entities are in StorySummary.Entities.
	Mentioned []EntityRef `json:"mentioned"`
	// Quotes are its quotes, oldest first (up to 100).
	Quotes []QuoteRef `json:"quotes"`
}

// SourceStat is a source and how many articles came from it: originals,
// and copies apart.
type SourceStat struct {
	Source       string `json:"source"`
	ArticleCount int    `json:"article_count"`
	CopyCount    int    `json:"copy_count,omitempty"`
}

// Detail bounds.
const (
	entityQuotes  = 50
	entityRelated = 25
	relatedWindow = 1000
	entityNames   = 20
	storyArticles = 500
	storyEntities = 25
	storyQuotes   = 100
)

// cursor is a position in a list ordered by (time, id) descending.
type cursor struct {
	at time.Time
	id string
}

func (c cursor) String() string {
	raw := strconv.FormatInt(c.at.UnixMicro(), 10) + "," + c.id
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: cursor %q is not one this API returned", ErrBadQuery, s)
	}
	micros, id, ok := strings.Cut(string(raw), ",")
	n, err := strconv.ParseInt(micros, 10, 64)
	if !ok || err != nil || id == "" {
		return nil, fmt.Errorf("%w: cursor %q is not one this API returned", ErrBadQuery, s)
	}
	return &cursor{at: time.UnixMicro(n).UTC(), id: id}, nil
}

// Article lists are in rid order; their cursor is the last rid seen.
func ridCursor(rid int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("r" + strconv.FormatInt(rid, 10)))
}

func parseRidCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(raw) > 1 && raw[0] == 'r' {
		if rid, err := strconv.ParseInt(string(raw[1:]), 10, 64); err == nil && rid > 0 {
			return rid, nil
		}
	}
	return 0, fmt.Errorf("%w: cursor %q is not one this API returned", ErrBadQuery, s)
}

func checkLimit(limit int, allowZero bool) (int, error) {
	switch {
	case limit < 0:
		return 0, fmt.Errorf("%w: limit %d is negative", ErrBadQuery, limit)
	case limit == 0 && !allowZero:
		return DefaultLimit, nil
	case limit > MaxLimit && !allowZero:
		return 0, fmt.Errorf("%w: limit %d is over the maximum of %d", ErrBadQuery, limit, MaxLimit)
	}
	return limit, nil
}

func checkRange(from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return fmt.Errorf("%w: from (%s) must be before to (%s)", ErrBadQuery,
			from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return nil
}

// articleFilter is an ArticleQuery checked and parsed.
type articleFilter struct {
	search   *searchQuery
	entities []string
	sources  []string
	story    string
	copies   bool   // list copies too
	copiesOf string // list the copies of this article
	from, to time.Time
	limit    int
	after    int64 // rid cursor; 0 for the first page
	floor    int64 // the oldest rid to look at; 0 for all
}

func (q ArticleQuery) filter(scan bool) (articleFilter, error) {
	f := articleFilter{story: strings.TrimSpace(q.Story), from: q.From, to: q.To,
		copies: q.Copies, copiesOf: strings.TrimSpace(q.CopiesOf)}
	var err error
	if f.limit, err = checkLimit(q.Limit, scan); err != nil {
		return f, err
	}
	if err = checkRange(q.From, q.To); err != nil {
		return f, err
	}
	if f.after, err = parseRidCursor(q.Cursor); err != nil {
		return f, err
	}
	if strings.TrimSpace(q.Text) != "" {
		if f.search, err = parseSearch(q.Text); err != nil {
			return f, err
		}
	}
	f.entities = nonEmpty(q.Entities)
	f.sources = nonEmpty(q.Sources)
	if len(f.entities) > 8 {
		return f, fmt.Errorf("%w: at most 8 entities, got %d", ErrBadQuery, len(f.entities))
	}
	if len(f.sources) > 50 {
		return f, fmt.Errorf("%w: at most 50 sources, got %d", ErrBadQuery, len(f.sources))
	}
	return f, nil
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// searchQuery is a parsed full-text query: alternatives (OR) of
// conjunctions of terms, each a word or phrase, possibly excluded.
type searchQuery struct {
	any [][]searchTerm
}

type searchTerm struct {
	words   []string // more than one: a phrase
	exclude bool
}

// maxSearchTerms bounds the work one query can ask of the index.
const maxSearchTerms = 32

// parseSearch reads web-search syntax. Punctuation inside words splits
// them the way both full-text indexes do, so "U.S." is the phrase "u s".
func parseSearch(s string) (*searchQuery, error) {
	q := &searchQuery{}
	var group []searchTerm
	terms := 0
	flush := func() {
		if len(group) > 0 {
			q.any = append(q.any, group)
		}
		group = nil
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		exclude := false
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			exclude = true
			i++
		}
		var raw string
		if rs[i] == '"' {
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			raw = string(rs[i+1 : min(j, len(rs))])
			i = j + 1
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) {
				j++
			}
			raw = string(rs[i:j])
			i = j
			if !exclude && strings.EqualFold(raw, "or") {
				flush()
				continue
			}
		}
		words := searchWords(raw)
		if len(words) == 0 {
			continue
		}
		terms++
		group = append(group, searchTerm{words: words, exclude: exclude})
	}
	flush()
	if terms > maxSearchTerms {
		return nil, fmt.Errorf("%w: q has %d terms, at most %d are allowed", ErrBadQuery, terms, maxSearchTerms)
	}
	if len(q.any) == 0 {
		return nil, fmt.Errorf("%w: q %q has no words to search for", ErrBadQuery, s)
	}
	for _, g := range q.any {
		positive := false
		for _, t := range g {
			positive = positive || !t.exclude
		}
		if !positive {
			return nil, fmt.Errorf("%w: q %q: every alternative needs a word that is not excluded", ErrBadQuery, s)
		}
	}
	return q, nil
}

// searchWords splits raw into the lower-case words a full-text index sees.
func searchWords(raw string) []string {
	return strings.FieldsFunc(strings.ToLower(raw), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// fts5 renders q as an FTS5 query; every word is a quoted string, so
// nothing the user typed is read as FTS5 syntax.
func (q *searchQuery) fts5() string {
	var alts []string
	for _, g := range q.any {
		var pos, neg []string
		for _, t := range g {
			lit := `"` + strings.Join(t.words, " ") + `"`
			if t.exclude {
				neg = append(neg, lit)
			} else {
				pos = append(pos, lit)
			}
		}
		s := "(" + strings.Join(pos, " ") + ")"
		for _, n := range neg {
			s += " NOT " + n
		}
		alts = append(alts, "("+s+")")
	}
	return strings.Join(alts, " OR ")
}

// websearch renders q for PostgreSQL's websearch_to_tsquery, which reads
// the same syntax; rendering it from the parsed form keeps both backends
// answering the same question.
func (q *searchQuery) websearch() string {
	var alts []string
	for _, g := range q.any {
		var terms []string
		for _, t := range g {
			s := strings.Join(t.words, " ")
			if len(t.words) > 1 {
				s = `"` + s + `"`
			}
			if t.exclude {
				s = "-" + s
			}
			terms = append(terms, s)
		}
		alts = append(alts, strings.Join(terms, " "))
	}
	return strings.Join(alts, " or ")
}
