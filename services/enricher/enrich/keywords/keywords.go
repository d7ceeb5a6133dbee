// Package keywords picks an article's key terms.
//
// Candidates are RAKE-style phrases: runs of up to four content words,
// broken by stop words, punctuation, numbers, possessives ("Nato’s open
// door policy" gives "Nato" and "open door policy") and words the CoNLL
// text mostly tags as verbs or adverbs ("respond", "later"); a person's
// name is a phrase of its own, never glued to an office ("Foreign
// Secretary" and "Liz Truss", not "Foreign Secretary Liz Truss"); and an
// ordinary word capitalised in mid-sentence outside any name is headline
// or menu text ("News World Europe"), not a term. Each word is weighted
// by TF-IDF, (1 + ln tf) · idf, with the inverse document frequency taken
// from the 946 Reuters articles of the CoNLL-2003 training text (package
// lexicon; rebuilt reproducibly by its gen command). That table is used
// rather than one from the seeds because five articles cannot tell a
// common word from a rare one, while a thousand news articles can, and
// because the shipped binary then needs no corpus. A phrase scores
//
//	(1 + ln pf) · mean word weight · (1 + 0.25 · (words − 1))
//
// where pf is how often the phrase itself occurs, so a repeated
// multi-word term beats its words alone. Scores are divided by the best
// one, so the top keyword scores 1. A word found only inside a chosen
// longer phrase is not listed again on its own. A name of several words
// (a recognised entity) is one term whatever its length, small words and
// all. Junk (style sheets, banners, links) is never read, and neither are
// words with digits, single letters or mixed case ("UeJNJ").
package keywords

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

// MaxWords is the longest phrase considered.
const MaxWords = 4

// notKeywords are content words that say nothing of a story's subject.
var notKeywords = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "january": true, "february": true, "march": true,
	"april": true, "june": true, "july": true, "august": true, "september": true, "october": true,
	"november": true, "december": true, "week": true, "year": true, "today": true, "yesterday": true,
	"tomorrow": true, "time": true, "people": true, "thing": true, "lot": true, "way": true,
	"statement": true, "stated": true, "reporters": true, "news": true, "report": true,
}

type phrase struct {
	words    []string // folded
	count    int
	surfaces map[string]int
	first    int // offset of the first occurrence
}

// Name is a name found in the text, for Extract.
type Name struct {
	doc.Span
	Person bool
}

// Extract returns up to n key terms of d, best first, with scores in
// (0,1]. names are the names recognised in d, sorted by offset.
func Extract(d *doc.Doc, n int, names []Name) []pipeline.Keyword {
	if n <= 0 {
		return nil
	}
	tf := map[string]int{}
	phrases := map[string]*phrase{}
	folded := make([]string, len(d.Tokens)) // each word folded once
	fold := func(i int) string {
		if folded[i] == "" {
			t := d.Tokens[i]
			folded[i] = lexicon.Fold(d.Text[t.Start:t.End])
		}
		return folded[i]
	}
	var run []int // token indexes of the current run
	flush := func() {
		for len(run) > 0 {
			k := min(len(run), MaxWords)
			addPhrase(d, phrases, run[:k], fold)
			run = run[k:]
		}
	}
	ni := 0 // next name
	inPerson := false
	for i := 0; i < len(d.Tokens); i++ {
		t := d.Tokens[i]
		for ni < len(names) && names[ni].End <= t.Start {
			ni++
		}
		inName := ni < len(names) && names[ni].Start <= t.Start
		// A name of several words is one term, small words and all:
		// "Organisation for Security and Co-operation in Europe".
		if inName && names[ni].Start == t.Start && !t.Junk && strings.ContainsAny(d.Text[names[ni].Start:names[ni].End], " \t\n") {
			flush()
			j := i
			for j < len(d.Tokens) && d.Tokens[j].End <= names[ni].End {
				if tj := d.Tokens[j]; tj.Kind == doc.Word || tj.Kind == doc.Number {
					run = append(run, j)
					if isContent(d, tj, fold(j)) {
						tf[fold(j)]++
					}
				}
				j++
			}
			addPhrase(d, phrases, run, fold)
			run = run[:0]
			i = j - 1
			continue
		}
		nowInPerson := inName && names[ni].Person
		if nowInPerson != inPerson || nowInPerson && names[ni].Start == t.Start {
			flush() // a person's name starts or ends here
		}
		inPerson = nowInPerson
		if t.Junk || t.Kind != doc.Word || !isContent(d, t, fold(i)) || !inName && t.Cap && !t.Upper && !t.SentStart && lexicon.IsCommon(d.Text[t.Start:t.End]) {
			flush()
			continue
		}
		tf[fold(i)]++
		run = append(run, i)
	}
	flush()
	if len(phrases) == 0 {
		return nil
	}

	weight := func(w string) float64 { return (1 + math.Log(float64(tf[w]))) * lexicon.IDF(w) }
	type scored struct {
		key   string
		p     *phrase
		score float64
	}
	all := make([]scored, 0, len(phrases))
	for key, p := range phrases {
		sum, n := 0.0, 0
		for _, w := range p.words {
			if tf[w] > 0 { // the small words of a name do not count
				sum += weight(w)
				n++
			}
		}
		if n == 0 {
			continue
		}
		s := (1 + math.Log(float64(p.count))) * sum / float64(n) * (1 + 0.25*float64(min(n, MaxWords)-1))
		all = append(all, scored{key, p, s})
	}
	slices.SortFunc(all, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return a.p.first - b.p.first
	})
	if len(all) == 0 {
		return nil
	}
	best := all[0].score
	var out []pipeline.Keyword
	var chosen []*phrase
	for _, c := range all {
		if len(out) == n {
			break
		}
		if insideChosen(c.p, chosen) {
			continue
		}
		chosen = append(chosen, c.p)
		out = append(out, pipeline.Keyword{Text: display(c.p), Score: math.Round(c.score/best*1000) / 1000})
	}
	return out
}

// isContent reports whether a token, folded to f, can be part of a key term.
func isContent(d *doc.Doc, t doc.Token, f string) bool {
	if t.Kind != doc.Word {
		return false
	}
	w := d.Text[t.Start:t.End]
	if utf8.RuneCountInString(w) < 2 {
		return false
	}
	lower, upperAfterLower := false, false
	for _, r := range w {
		switch {
		case unicode.IsDigit(r):
			return false
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r) && lower:
			upperAfterLower = true
		}
	}
	if upperAfterLower && !isNamePrefix(w) {
		return false // "UeJNJ", "cPCVUJ": class names, not words
	}
	// "US" is a country, "us" a pronoun.
	if t.Upper {
		return !notKeywords[f]
	}
	return !lexicon.IsStop(f) && !notKeywords[f] && !lexicon.IsStop(w) && (t.Cap || !lexicon.IsVerbal(w) && !looksVerbal(w, f))
}

// looksVerbal guesses, for a word the reference articles barely know,
// whether it is a past form or an adverb ("re-emphasised", "categorically").
func looksVerbal(w, folded string) bool {
	if lexicon.IDF(folded) < lexicon.MaxIDF() {
		return false // known: IsVerbal has decided
	}
	n := utf8.RuneCountInString(w)
	return n >= 6 && strings.HasSuffix(w, "ed") || n >= 5 && strings.HasSuffix(w, "ly")
}

// isNamePrefix allows the capitals inside "McDonald" and "MacArthur".
func isNamePrefix(w string) bool {
	return strings.HasPrefix(w, "Mc") || strings.HasPrefix(w, "Mac") || strings.HasPrefix(w, "O'") || strings.HasPrefix(w, "O\u2019")
}

func addPhrase(d *doc.Doc, phrases map[string]*phrase, toks []int, fold func(int) string) {
	words := make([]string, len(toks))
	for i, ti := range toks {
		words[i] = fold(ti)
	}
	key := strings.Join(words, " ")
	p, ok := phrases[key]
	if !ok {
		p = &phrase{words: words, surfaces: map[string]int{}, first: d.Tokens[toks[0]].Start}
		phrases[key] = p
	}
	p.count++
	surface := make([]string, len(toks))
	for i, ti := range toks {
		t := d.Tokens[ti]
		w := d.Text[t.Start:t.End]
		// A capital only because the sentence starts there is not part of the term.
		if i == 0 && t.SentStart && !t.Upper && lexicon.IsCommon(w) {
			w = strings.ToLower(w)
		}
		surface[i] = w
	}
	p.surfaces[strings.Join(surface, " ")]++
}

// display returns a phrase's most frequent written form.
func display(p *phrase) string {
	best, bestN := "", 0
	for s, n := range p.surfaces {
		if n > bestN || n == bestN && s < best {
			best, bestN = s, n
		}
	}
	return best
}

// insideChosen reports whether p occurs mostly inside a longer phrase
// already chosen.
func insideChosen(p *phrase, chosen []*phrase) bool {
	for _, c := range chosen {
		if len(c.words) > len(p.words) && containsRun(c.words, p.words) && 2*c.count >= p.count {
			return true
		}
	}
	return false
}

func containsRun(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if slices.Equal(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}
