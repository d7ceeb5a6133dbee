// Package capnames is the enricher's fallback name recogniser: it reads
// runs of capitalised words and types them with the gazetteer, given
// names, honorifics, offices and a few suffix and context rules. It is what
// the enricher uses when no statistical model is configured, and what its
// tests use to stay independent of one.
//
// It is precise rather than complete: a capitalised word that is an
// ordinary English word ("News", "Read"), a weekday or a month is never a
// name on its own, and text the doc package marks as junk (style sheets,
// banners, links) is never read.
package capnames

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

// Recognizer finds names in text. It is safe for concurrent use.
type Recognizer struct {
	g *canon.Gazetteer
}

// New returns a recogniser typing names with g (canon.Default() if nil).
func New(g *canon.Gazetteer) *Recognizer {
	if g == nil {
		g = canon.Default()
	}
	return &Recognizer{g: g}
}

// Recognize returns the names in text, in order, without overlaps.
func (r *Recognizer) Recognize(text string) []ner.Span { return r.RecognizeDoc(tokens.Parse(text)) }

// RecognizeDoc is Recognize for text already parsed.
func (r *Recognizer) RecognizeDoc(d *tokens.Doc) []ner.Span {
	s := scanner{r: r, d: d}
	for si := range d.Sentences {
		from, to := d.SentTokens(si)
		s.sentence(from, to)
	}
	s.promoteSingles()
	return s.out
}

// notNames are capitalised words that are never names by themselves,
// besides days, months and time zones (lexicon.IsTimeWord).
var notNames = map[string]bool{"i": true, "ok": true, "tv": true, "ceo": true}

func notName(w string) bool { return notNames[lexicon.Lower(w)] || lexicon.IsTimeWord(w) }

// maxNameWords is the most words (small ones included) an unknown name
// may have: "Organisation for Security and Co-operation in Europe" has 7.
const maxNameWords = 10

// orgSuffixes end the names of organisations.
var orgSuffixes = map[string]bool{
	"council": true, "ministry": true, "department": true, "agency": true, "organisation": true,
	"organization": true, "union": true, "party": true, "bank": true, "committee": true,
	"commission": true, "institute": true, "university": true, "college": true, "corporation": true,
	"corp": true, "inc": true, "ltd": true, "plc": true, "group": true, "association": true,
	"federation": true, "foundation": true, "forces": true, "army": true, "navy": true, "court": true,
	"parliament": true, "assembly": true, "mission": true, "office": true, "service": true,
	"services": true, "times": true, "news": true, "post": true, "journal": true, "press": true,
	"club": true, "fc": true, "league": true, "company": true, "airlines": true, "authority": true,
	"board": true, "bureau": true, "centre": true, "center": true, "fund": true, "network": true,
	"society": true, "trust": true, "alliance": true, "front": true, "movement": true, "guard": true,
	"police": true, "dialogue": true, "delegation": true, "government": true, "administration": true,
	"programme": true, "program": true, "initiative": true, "coalition": true, "brigade": true,
	"battalion": true, "regiment": true, "fleet": true, "command": true, "institution": true,
}

// titleLinks join the words of an office: "Secretary of State".
var titleLinks = map[string]bool{"of": true, "for": true, "to": true, "the": true}

// placeWords before a capitalised word make it a place ("in Vienna").
var placeWords = map[string]bool{"in": true, "at": true, "near": true, "from": true, "to": true, "outside": true, "across": true, "into": true}

// connectors may join capitalised words inside one name.
var connectors = map[string]bool{
	"of": true, "for": true, "and": true, "the": true, "de": true, "von": true, "van": true,
	"der": true, "den": true, "al": true, "bin": true, "da": true, "du": true, "la": true, "le": true, "&": true,
	"in": true,
}

// word is a token or a part of a hyphenated token.
type word struct {
	start, end int
	text       string
	cap        bool
	upper      bool
	sentStart  bool
	initial    bool // a single capital followed by "." ("R.")
}

type scanner struct {
	r   *Recognizer
	d   *tokens.Doc
	out []ner.Span
	// singles are unknown single words kept aside: they become names only
	// if they recur, or belong to a person named elsewhere.
	singles []ner.Span
}

func (s *scanner) emit(ws []word, t pipeline.EntityType) {
	if len(ws) == 0 {
		return
	}
	start, end := ws[0].start, ws[len(ws)-1].end
	s.out = append(s.out, ner.Span{Start: start, End: end, Type: t, Text: s.d.Text[start:end]})
}

// sentence reads the capitalised runs of one sentence.
func (s *scanner) sentence(from, to int) {
	var run []word
	flush := func() {
		if len(run) > 0 {
			s.run(run)
		}
		run = run[:0]
	}
	d := s.d
	for i := from; i < to; i++ {
		t := d.Tokens[i]
		if t.Junk {
			flush()
			continue
		}
		switch t.Kind {
		case tokens.Word:
		case tokens.Punct:
			// "R." inside "Wendy R. Sherman" keeps the run going.
			if d.Text[t.Start:t.End] == "." && len(run) > 0 && run[len(run)-1].initial && i+1 < to && d.Tokens[i+1].Cap {
				run[len(run)-1].end = t.End
				continue
			}
			if d.Text[t.Start:t.End] == "&" && len(run) > 0 {
				run = append(run, word{start: t.Start, end: t.End, text: "&"})
				continue
			}
			flush()
			continue
		default:
			flush()
			continue
		}
		text := d.Text[t.Start:t.End]
		if strings.ContainsRune(text, '-') && s.splitHyphenated(i, to, text, flush) {
			continue
		}
		w := word{start: t.Start, end: t.End, text: text, cap: t.Cap, upper: t.Upper, sentStart: t.SentStart}
		w.initial = t.Cap && utf8.RuneCountInString(text) == 1
		switch {
		case w.cap:
			run = append(run, w)
		case connectors[text] && len(run) > 0:
			run = append(run, w)
		default:
			flush()
		}
	}
	flush()
}

// splitHyphenated handles "US-Russia" and "pro-Russian": when a part of a
// hyphenated word is a known place, nationality or organisation (and the
// whole word is not a known name) the parts are read separately. It
// reports whether it consumed the token.
func (s *scanner) splitHyphenated(i, to int, text string, flush func()) bool {
	// Not when the word starts a known name: "Nato-Russia Council".
	d := s.d
	t := d.Tokens[i]
	for j := i; j < to && j-i < s.r.g.MaxTokens() && d.Tokens[j].Kind == tokens.Word; j++ {
		if _, ok := s.r.g.Lookup(d.Text[t.Start:d.Tokens[j].End]); ok {
			return false
		}
	}
	var parts []word
	known := false
	off := t.Start
	for _, p := range strings.Split(text, "-") {
		if p != "" {
			r, _ := utf8.DecodeRuneInString(p)
			w := word{start: off, end: off + len(p), text: p, cap: unicode.IsUpper(r)}
			if k, ok := s.r.g.Lookup(p); ok && w.cap && k.Type != pipeline.Person {
				known = true
			}
			parts = append(parts, w)
		}
		off += len(p) + 1
	}
	if !known {
		return false
	}
	flush()
	for _, p := range parts {
		if p.cap {
			s.run([]word{p})
		}
	}
	return true
}

// run splits a run of capitalised words into names.
func (s *scanner) run(ws []word) {
	// Trim connectors at the ends.
	for len(ws) > 0 && !ws[0].cap {
		ws = ws[1:]
	}
	for len(ws) > 0 && !ws[len(ws)-1].cap {
		ws = ws[:len(ws)-1]
	}
	var pending []word // unknown words waiting to be classified
	flushPending := func() {
		s.unknown(pending)
		pending = nil
	}
	for i := 0; i < len(ws); {
		w := ws[i]
		if !w.cap {
			pending = append(pending, w) // a connector: part of a name only between capitals
			i++
			continue
		}
		// An honorific or an office announces a person. An office with
		// no name after it is read as ordinary words ("National Security
		// Council", "the Deputy Secretary of State").
		_, honorific := canon.IsHonorific(strings.TrimSuffix(w.text, "."))
		if honorific || canon.IsTitleWord(w.text) && !s.gazetteerAt(ws, i) {
			j := i
			for j < len(ws) && (isTitleOrHonorific(ws[j].text) || titleLinks[ws[j].text] && j+1 < len(ws) && isTitleOrHonorific(ws[j+1].text)) {
				_, h := canon.IsHonorific(strings.TrimSuffix(ws[j].text, "."))
				honorific = honorific || h
				j++
			}
			k := s.personEnd(ws, j)
			// After an office alone, a lone ordinary word is not a name
			// ("Secretary General Council"); after "Mr" it is ("Mr Young").
			if k == j+1 && !honorific && (lexicon.IsCommon(ws[j].text) || orgSuffixes[lexicon.Lower(ws[j].text)]) {
				k = j
			}
			if k > j {
				flushPending()
				s.emit(ws[j:k], pipeline.Person)
				i = k
				continue
			}
		}
		// A given name followed by a capitalised word is a person, unless
		// the gazetteer knows the longer name.
		if _, ok := lexicon.FirstName(w.text); ok && i+1 < len(ws) && ws[i+1].cap {
			if n, k := s.longestKnown(ws, i); n < 2 || k.Type == pipeline.Person {
				if k := s.personEnd(ws, i); k > i+1 {
					flushPending()
					s.emit(ws[i:k], pipeline.Person)
					i = k
					continue
				}
			}
		}
		if n, k := s.longestKnown(ws, i); n > 0 {
			// "The US" is the US, "The Independent" a newspaper.
			if n > 1 && lexicon.IsStop(w.text) && !strings.HasPrefix(k.Name, w.text+" ") {
				n, k = 0, nil
			}
			if n > 0 && !(n == 1 && w.sentStart && !w.upper && lexicon.IsCommon(w.text)) {
				flushPending()
				s.emit(ws[i:i+n], k.Type)
				i += n
				continue
			}
		}
		if notName(w.text) || w.sentStart && lexicon.IsCommon(w.text) && len(pending) == 0 {
			flushPending()
			i++
			continue
		}
		pending = append(pending, w)
		i++
	}
	flushPending()
}

func isTitleOrHonorific(w string) bool {
	if _, ok := canon.IsHonorific(strings.TrimSuffix(w, ".")); ok {
		return true
	}
	return canon.IsTitleWord(w) || canon.IsTitleWord(strings.ReplaceAll(w, "-", ""))
}

// gazetteerAt reports whether a known multi-word name starts at ws[i]
// ("General Assembly" is not an office before a name).
func (s *scanner) gazetteerAt(ws []word, i int) bool {
	n, _ := s.longestKnown(ws, i)
	return n > 1
}

// longestKnown returns the length in words of the longest gazetteer name
// starting at ws[i], and its entry.
func (s *scanner) longestKnown(ws []word, i int) (int, *canon.Known) {
	g := s.r.g
	// Most words start no listed name: look no further.
	maxN := min(len(ws)-i, g.MaxTokensFrom(canon.Key(ws[i].text)), g.MaxTokens())
	if maxN == 0 && lexicon.IsStop(ws[i].text) {
		maxN = min(len(ws)-i, g.MaxTokens()) // "The Hague": Key drops the "the"
	}
	var b strings.Builder
	for n := maxN; n >= 1; n-- {
		if !ws[i+n-1].cap && n > 1 {
			continue
		}
		b.Reset()
		for j := i; j < i+n; j++ {
			if j > i {
				b.WriteByte(' ')
			}
			b.WriteString(s.d.Text[ws[j].start:ws[j].end])
		}
		if k, ok := g.Lookup(b.String()); ok {
			return n, k
		}
	}
	return 0, nil
}

// personEnd returns where a person's name starting at ws[i] ends: up to
// four capitalised words, initials and particles, stopping at an office,
// a known place or organisation, or an ordinary word after the surname.
func (s *scanner) personEnd(ws []word, i int) int {
	if i >= len(ws) || !ws[i].cap {
		return i
	}
	j := i
	for j < len(ws) && j-i < 4 {
		w := ws[j]
		if !w.cap && !connectors[w.text] {
			break
		}
		if j > i && (isTitleOrHonorific(w.text) || notName(w.text)) {
			break
		}
		if j > i && !w.initial {
			// A city of the lists right after a given name is the
			// surname ("Emmanuel Bonn"); a country or an organisation
			// ends the name.
			if n, k := s.longestKnown(ws, j); n > 0 && k.Type != pipeline.Person && !(k.Listed() && j == i+1) {
				break
			}
			// The word after a given name is the surname even when it is
			// an ordinary word ("James Cleverly"); after that an ordinary
			// word ends the name ("Kim Sengupta World Affairs Editor").
			if j > i+1 && lexicon.IsCommon(w.text) && !connectors[w.text] {
				break
			}
		}
		j++
	}
	for j > i && !ws[j-1].cap {
		j--
	}
	return j
}

// unknown classifies capitalised words the gazetteer does not know.
func (s *scanner) unknown(ws []word) {
	for len(ws) > 0 && !ws[0].cap {
		ws = ws[1:]
	}
	for len(ws) > 0 && !ws[len(ws)-1].cap {
		ws = ws[:len(ws)-1]
	}
	// "Foreign Minister and National Defence Council": an office joined
	// by "and" to a name is not part of it.
	for i, w := range ws {
		if w.text == "and" || w.text == "&" {
			s.unknown(ws[i+1:])
			return
		}
		if w.cap && !isTitleOrHonorific(w.text) {
			break // a name word before any "and": keep the whole run
		}
	}
	// Longer runs are headlines or lists, not a name.
	if len(ws) > maxNameWords {
		return
	}
	if len(ws) == 0 {
		return
	}
	allCommon := true
	for _, w := range ws {
		if w.cap && !lexicon.IsCommon(w.text) && !w.initial && !isTitleOrHonorific(w.text) {
			allCommon = false
			break
		}
	}
	first, last := lexicon.Lower(ws[0].text), lexicon.Lower(ws[len(ws)-1].text)
	switch {
	case len(ws) > 1 && (orgSuffixes[last] || orgSuffixes[first]):
		s.emit(ws, pipeline.Organization)
	case allCommon:
		// "News World", "Big Tech", "Deputy Foreign Minister": ordinary
		// words and offices with capitals.
	case len(ws) == 1:
		w := ws[0]
		t := pipeline.Misc
		switch {
		case w.upper && utf8.RuneCountInString(w.text) <= 6:
			t = pipeline.Organization
		case placeWords[lexicon.Lower(s.prevWord(w.start))]:
			t = pipeline.Location
		}
		s.singles = append(s.singles, ner.Span{Start: w.start, End: w.end, Type: t, Text: w.text})
	case len(ws) <= 3:
		s.emit(ws, pipeline.Person)
	default:
		s.emit(ws, pipeline.Misc)
	}
}

// prevWord returns the word just before offset.
func (s *scanner) prevWord(offset int) string {
	text := s.d.Text
	end := offset
	for end > 0 && text[end-1] == ' ' {
		end--
	}
	start := end
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !unicode.IsLetter(r) {
			break
		}
		start -= size
	}
	return text[start:end]
}

// promoteSingles keeps unknown single words that recur in the article or
// are the surname of a person found, and merges all names in text order.
func (s *scanner) promoteSingles() {
	if len(s.singles) > 0 {
		count := map[string]int{}
		for _, sp := range s.singles {
			count[sp.Text]++
		}
		person := map[string]bool{}
		for _, sp := range s.out {
			if sp.Type == pipeline.Person {
				fs := strings.Fields(sp.Text)
				person[fs[len(fs)-1]] = true
			}
		}
		for _, sp := range s.singles {
			switch {
			case person[sp.Text] || len(s.r.g.BySurname(canon.Key(sp.Text))) == 1:
				sp.Type = pipeline.Person
			case count[sp.Text] < 2:
				continue
			}
			s.out = append(s.out, sp)
		}
	}
	slices.SortFunc(s.out, func(a, b ner.Span) int { return a.Start - b.Start })
}
