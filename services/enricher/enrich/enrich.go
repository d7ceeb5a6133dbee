// Package enrich is the enricher stage's logic: given an article's clean
// text, it fills in who and what the article names (canonical entities),
// who said what (quotes with speakers), when (dates resolved against the
// publication date), what it is about (keywords), and which story it
// belongs to and whether it copies an earlier article.
//
// Process is a pipeline.Func; it has no NATS in it. The pieces live in
// subpackages, each usable alone: tokens (tokens, sentences, junk), capnames
// (the fallback name recogniser), canon (canonical entities), quotes,
// timex (date mentions), keywords and story (signatures and the story rule). The story
// memory is the Memory interface: LocalMemory here, and in package
// storykv a JetStream stream every enricher replica shares. The entity
// memory is canon.Memory: canon.LocalMemory, or a bucket in package
// entitykv.
//
// # Entities
//
// The recogniser's names are checked (offsets, types, no junk, no markup)
// and resolved by canon: one entity per real thing per article with an id
// stable across articles, joined by canon.Link to the entities the
// entity memory has seen in earlier articles. Salience, in [0,1], is
//
//	0.5·f + 0.3·p + 0.2·t
//
// where f is the entity's mention count over the highest count in the
// article, p = 1 − (offset of its first mention)/(text length), and t is 1
// when it is named in the title (or, for an article without a title, in
// its first sentence) and 0 otherwise. Entities are sorted by salience.
//
// # Stories and copies
//
// Each article leaves a signature in the memory (story.Signature): a
// MinHash sketch of its word 3-shingles, a bottom-k sketch of its
// names-and-numbers skeleton, its top TF-IDF terms and its most salient
// entities. It is a copy (DuplicateOf) of an earlier article when their
// text Jaccard is at least 0.5, or, for a reworded copy, when the skeleton
// Jaccard is at least 0.5 and the term cosine at least 0.4; DuplicateOf
// names the original, never another copy, and the copy joins its story.
// Otherwise it joins the most similar story within Options.StoryWindow —
// similarity to the story's centroid and to its closest recent article,
// averaged — when that is at least the fitted threshold, and else starts a
// story. The rule is story.Index.Decide; the memory (Memory) applies it
// atomically. Thresholds and their fit are in docs/BENCHMARKS.md, "Stories".
package enrich

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/capnames"
	"github.com/newsflow/newsflow/services/enricher/enrich/keywords"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/enrich/quotes"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
	"github.com/newsflow/newsflow/services/enricher/enrich/timex"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

// Recognizer finds names in text: PERSON, ORG, LOC and MISC spans with
// byte offsets into it. *ner.Model satisfies it, and so does the fallback
// capnames.Recognizer.
type Recognizer interface {
	Recognize(text string) []ner.Span
}

// docRecognizer is a Recognizer that can reuse the enricher's parse.
type docRecognizer interface {
	RecognizeDoc(d *tokens.Doc) []ner.Span
}

// Errors Process returns for input it can never enrich; both are wrapped
// in pipeline.Permanent.
var (
	ErrNoText   = pipeline.ErrNoText // the contract's one "no text" error
	ErrTooLarge = errors.New("article text too large to enrich")
)

// Options configure an Enricher. The zero value is usable.
type Options struct {
	// Recognizer finds names; nil uses the fallback capnames recogniser.
	Recognizer Recognizer
	// Memory links articles into stories; nil uses a LocalMemory, which is
	// right for one process only.
	Memory Memory
	// Entities is the cross-article entity memory (canon.Memory); nil
	// uses a canon.LocalMemory, which is right for one process only.
	Entities canon.Memory
	// Logger; nil logs nothing.
	Logger *zap.Logger
	// Gazetteer for canonical names; nil uses canon.Default().
	Gazetteer *canon.Gazetteer
	// MaxKeywords per article (default 10).
	MaxKeywords int
	// MaxTextBytes rejects larger texts (default 2 MiB).
	MaxTextBytes int
	// StoryWindow: dated articles further apart are never linked (default 72h).
	StoryWindow time.Duration
	// Thresholds for stories and copies (default DefaultThresholds); a
	// zero Window is StoryWindow.
	Thresholds Thresholds
	// Now is the clock for undated articles (default time.Now).
	Now func() time.Time
}

// Enricher enriches articles. It is safe for concurrent use.
type Enricher struct {
	opts     Options
	resolver *canon.Resolver
	// linker links articles to the entity memory, in parallel unless
	// they share a memory key.
	linker *canon.Linker
}

// New returns an Enricher.
func New(opts Options) (*Enricher, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Gazetteer == nil {
		opts.Gazetteer = canon.Default()
	}
	if opts.Recognizer == nil {
		opts.Recognizer = capnames.New(opts.Gazetteer)
	}
	if opts.Memory == nil {
		opts.Memory = NewMemory(MemoryOptions{})
	}
	if opts.Entities == nil {
		opts.Entities = canon.NewLocalMemory(0)
	}
	if opts.MaxKeywords == 0 {
		opts.MaxKeywords = 10
	}
	if opts.MaxTextBytes == 0 {
		opts.MaxTextBytes = 2 << 20
	}
	if opts.StoryWindow == 0 {
		opts.StoryWindow = 72 * time.Hour
	}
	if opts.Thresholds == (Thresholds{}) {
		opts.Thresholds = DefaultThresholds
		opts.Thresholds.Window = 0
	}
	if opts.Thresholds.Window == 0 {
		opts.Thresholds.Window = opts.StoryWindow
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	switch {
	case opts.MaxKeywords < 0:
		return nil, fmt.Errorf("enrich: MaxKeywords %d < 0", opts.MaxKeywords)
	case opts.MaxTextBytes < 0:
		return nil, fmt.Errorf("enrich: MaxTextBytes %d < 0", opts.MaxTextBytes)
	case opts.StoryWindow < 0:
		return nil, fmt.Errorf("enrich: StoryWindow %v < 0", opts.StoryWindow)
	}
	for name, v := range map[string]float64{"CopyText": opts.Thresholds.CopyText, "RewordSkeleton": opts.Thresholds.RewordSkeleton,
		"RewordTerms": opts.Thresholds.RewordTerms, "Story": opts.Thresholds.Story} {
		if v <= 0 || v > 1 {
			return nil, fmt.Errorf("enrich: threshold %s = %v, want (0,1]", name, v)
		}
	}
	return &Enricher{opts: opts, resolver: canon.NewResolver(opts.Gazetteer), linker: canon.NewLinker(opts.Entities)}, nil
}

// Process enriches a: it replaces Entities, Quotes, Dates, Keywords,
// StoryID and DuplicateOf, computed from a.Text (offsets are byte offsets
// into it). Text that is not valid UTF-8 is repaired first (invalid bytes
// become U+FFFD) so that every offset stays valid in the JSON output. An
// article without text, or with more than MaxTextBytes, is a permanent
// error; a failing story memory is a retryable one.
func (e *Enricher) Process(ctx context.Context, a pipeline.Article) (pipeline.Article, error) {
	if err := ctx.Err(); err != nil {
		return a, err
	}
	if strings.TrimSpace(a.Text) == "" {
		if a.HTML != "" || a.BodyRef != nil {
			return a, pipeline.Permanent(fmt.Errorf("%w: it has HTML but no clean text; the cleaner must run first", ErrNoText))
		}
		return a, pipeline.Permanent(ErrNoText)
	}
	if len(a.Text) > e.opts.MaxTextBytes {
		return a, pipeline.Permanent(fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(a.Text), e.opts.MaxTextBytes))
	}
	if !utf8.ValidString(a.Text) {
		a.Text = strings.ToValidUTF8(a.Text, "\uFFFD")
	}
	d := tokens.Parse(a.Text)
	ents := e.entities(d, a.Title)
	// The linker holds the article's memory keys while it links, so that
	// two spellings arriving together in this process still meet
	// (replicas can still race: docs/CONTRACT.md).
	ents, err := e.linker.Link(ctx, d.Text, ents)
	if err != nil {
		return a, fmt.Errorf("enrich: %w", err)
	}
	a.Entities = make([]pipeline.Entity, len(ents))
	names := make([]keywords.Name, 0, len(ents))
	storyEnts := make([]story.Entity, len(ents))
	for i, en := range ents {
		a.Entities[i] = pipeline.Entity{ID: en.ID, Name: en.Name, Type: en.Type, Mentions: en.Mentions, Count: len(en.Mentions), Salience: en.Salience}
		for _, m := range en.Mentions {
			names = append(names, keywords.Name{Span: tokens.Span{Start: m.Start, End: m.End}, Person: en.Type == pipeline.Person, Entity: i, Type: en.Type})
		}
		storyEnts[i] = story.Entity{ID: en.ID, Salience: en.Salience}
	}
	sortNames(names)
	a.Quotes = quotes.Find(d, ents)
	a.Dates = timex.Find(d, a.PublishedAt)
	a.Keywords = keywords.Extract(d, e.opts.MaxKeywords, names)

	if err := ctx.Err(); err != nil {
		return a, err
	}
	l, err := e.link(ctx, &a, story.Sign(d, storyEnts))
	if err != nil {
		return a, err
	}
	a.StoryID, a.DuplicateOf = l.StoryID, l.DuplicateOf
	if l.DuplicateOf != "" {
		e.opts.Logger.Debug("copy of an earlier article", zap.String("id", a.ID), zap.String("original", l.DuplicateOf),
			zap.Float64("text", l.BestScores.Text), zap.Float64("skeleton", l.BestScores.Skeleton), zap.Float64("terms", l.BestScores.Terms))
	}
	return a, nil
}

// entities recognises, checks and resolves the names of d.
func (e *Enricher) entities(d *tokens.Doc, title string) []*canon.Entity {
	var spans []ner.Span
	if dr, ok := e.opts.Recognizer.(docRecognizer); ok {
		spans = dr.RecognizeDoc(d)
	} else {
		spans = e.opts.Recognizer.Recognize(d.Text)
	}
	mentions := checkSpans(d, spans, e.opts.Gazetteer)
	notJunk := func(start, end int) bool { return !d.IsJunk(tokens.Span{Start: start, End: end}) }
	mentions = canon.Propagate(d.Text, mentions, notJunk)
	mentions = e.resolver.Gazetteer().PlacesAfterComma(d.Text, mentions, notJunk)
	// The lead is the first sentence with words that are not junk.
	leadEnd := 0
	for _, t := range d.Tokens {
		if t.Kind == tokens.Word && !t.Junk {
			leadEnd = d.Sentences[t.Sent].End
			break
		}
	}
	return e.resolver.Resolve(d.Text, mentions, canon.Context{Title: title, LeadEnd: leadEnd})
}

// checkSpans keeps the recogniser's spans that are valid names: inside the
// text on character boundaries, of a known type, not overlapping an
// earlier span, outside junk, looking like a name rather than markup, and
// not a time ("GMT", "Monday") or an office ("World Affairs Editor").
func checkSpans(d *tokens.Doc, spans []ner.Span, g *canon.Gazetteer) []canon.Mention {
	text := d.Text
	out := make([]canon.Mention, 0, len(spans))
	lastEnd := -1
	sorted := isSorted(spans)
	for _, s := range spans {
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End || !s.Type.Valid() ||
			!utf8.RuneStart(text[s.Start]) || s.End < len(text) && !utf8.RuneStart(text[s.End]) {
			continue
		}
		if sorted && s.Start < lastEnd {
			continue
		}
		if d.IsJunk(tokens.Span{Start: s.Start, End: s.End}) || !plausibleName(text[s.Start:s.End]) || notAName(text[s.Start:s.End], g) {
			continue
		}
		out = append(out, canon.Mention{Start: s.Start, End: s.End, Type: s.Type})
		lastEnd = s.End
	}
	if !sorted {
		out = dropOverlaps(out)
	}
	return out
}

// notAName reports a span the gazetteer does not know that names a time
// or an office rather than a thing: only days, months and time zones, or
// only ordinary words and words of offices, at least one of those.
func notAName(s string, g *canon.Gazetteer) bool {
	if _, ok := g.Lookup(s); ok {
		return false
	}
	words := strings.Fields(s)
	times, offices, common := 0, 0, 0
	for _, w := range words {
		switch {
		case lexicon.IsTimeWord(w):
			times++
		case canon.IsTitleWord(w):
			offices++
		case lexicon.IsCommon(w):
			common++
		}
	}
	return times == len(words) || offices > 0 && offices+common == len(words)
}

func isSorted(spans []ner.Span) bool {
	for i := 1; i < len(spans); i++ {
		if spans[i].Start < spans[i-1].Start {
			return false
		}
	}
	return true
}

func dropOverlaps(ms []canon.Mention) []canon.Mention {
	sortMentions(ms)
	out := ms[:0]
	lastEnd := -1
	for _, m := range ms {
		if m.Start >= lastEnd {
			out = append(out, m)
			lastEnd = m.End
		}
	}
	return out
}

// plausibleName rejects spans that are markup, code or addresses: a name
// has a letter, at most ten words, no braces, angle brackets, semicolons,
// equals signs, slashes, @ or #, and no word with capitals inside lower
// case ("UeJNJ", "cPCVUJ") beyond name prefixes ("McDonald").
func plausibleName(s string) bool {
	if len(s) > 160 || strings.ContainsAny(s, "{}<>;=/\\@#|") || strings.Count(s, " ") >= 10 {
		return false
	}
	hasLetter := false
	for _, w := range strings.Fields(s) {
		lowerSeen, inner := false, 0
		for _, r := range w {
			switch {
			case unicode.IsLower(r):
				lowerSeen = true
				hasLetter = true
			case unicode.IsUpper(r):
				hasLetter = true
				if lowerSeen {
					inner++
				}
			case r == '-' || r == '\'' || r == '\u2019' || r == '.':
				lowerSeen = false // "Nato-Russia", "O'Neill", "U.S."
			}
		}
		if inner > 1 || inner == 1 && !namePrefix(w) {
			return false
		}
	}
	return hasLetter
}

func sortNames(ns []keywords.Name) {
	slices.SortFunc(ns, func(a, b keywords.Name) int { return a.Start - b.Start })
}

func sortMentions(ms []canon.Mention) {
	slices.SortStableFunc(ms, func(a, b canon.Mention) int { return a.Start - b.Start })
}

func namePrefix(w string) bool {
	return strings.HasPrefix(w, "Mc") || strings.HasPrefix(w, "Mac") || strings.HasPrefix(w, "De") ||
		strings.HasPrefix(w, "Di") || strings.HasPrefix(w, "La") || strings.HasPrefix(w, "Le")
}
