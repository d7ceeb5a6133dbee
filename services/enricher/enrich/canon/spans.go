package canon

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

// Span repairs that need no gazetteer entry, only the article's other
// names: the recogniser joins two names into one span ("Kidder, Peabody
// and Co and E.F. Hutton Co Inc", "Moodys Investors or Standard and
// Poors"), reads an apostrophe-less possessive as part of a name
// ("Southerns Georgia Power Co", "GAFs Heyman", as Reuters' wire copy
// writes "Southern's"), or takes a sentence's first word with the name
// ("Since Sago", "CEO of Home Depot").

// articleNames are the matching keys (OrgKey) of every span the recogniser
// found in the article, for the repairs that ask whether the article names
// a part of a span on its own. They are made when first asked for: most
// articles have no span to repair.
type articleNames struct {
	text string
	ms   []Mention
	m    map[string]articleName
}

func (a *articleNames) get(k string) articleName {
	if a.m == nil {
		a.build()
	}
	return a.m[k]
}

func (a *articleNames) build() {
	names := make(map[string]articleName, len(a.ms))
	for _, m := range a.ms {
		s, e := trimName(a.text, m.Start, m.End)
		if s < e {
			k := OrgKey(a.text[s:e])
			n := names[k]
			if n.n == 0 {
				n.t = m.Type
			}
			n.n++
			names[k] = n
			if m.Type == pipeline.Person {
				// A person's surname is a name of the article too.
				if i := strings.LastIndexByte(k, ' '); i > 0 {
					sur := names[k[i+1:]]
					if sur.n == 0 && !sur.surname {
						sur.t = pipeline.Person
					}
					sur.surname = true
					names[k[i+1:]] = sur
				}
			}
		}
	}
	a.m = names
}

// articleName is how often the article writes a name, and the type of
// its first mention.
type articleName struct {
	n int
	t pipeline.EntityType
	// surname: the last word of a person's name of several words.
	surname bool
}

// timeAffixes qualify a name in time or stance without being part of it
// ("ex-Miami Dolphins", "then-West Indies", "pro-Western").
var timeAffixes = map[string]bool{"ex": true, "then": true, "former": true, "pro": true, "anti": true}

// possessive reports whether the span of text [start, end) ending in an
// apostrophe-less "s" is the possessive of a name the article has, where
// the name ends and the type the article gives it: the
// name without the "s" is named in the article, more often than the form
// with it ("Texacos" beside "Texaco Inc"; not "Reuters" beside one
// "Reuter"), and the gazetteer does not know the form with it.
func (r *Resolver) possessive(text string, start, end int, names *articleNames, self int) (int, pipeline.EntityType, bool) {
	stem, ok := possessiveStem(text[start:end])
	if !ok {
		return 0, "", false
	}
	whole := text[start:end]
	// The owner written without the "s" somewhere: a cheap test before
	// the article's names are made.
	if strings.Count(text, text[start:start+len(stem)]) <= strings.Count(text, whole) {
		return 0, "", false
	}
	owner := names.get(OrgKey(text[start : start+len(stem)]))
	if owner.n == 0 || owner.n <= names.get(OrgKey(whole)).n-self {
		return 0, "", false
	}
	if _, known := r.g.Lookup(whole); known {
		return 0, "", false
	}
	return start + len(stem), owner.t, true
}

// spanWord is a word of a span, byte offsets into the text.
type spanWord struct{ start, end int }

func spanWords(text string, m Mention) []spanWord {
	out := make([]spanWord, 0, 4)
	start := -1
	for i := m.Start; i < m.End; i++ {
		if c := text[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if start >= 0 {
				out = append(out, spanWord{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, spanWord{start, m.End})
	}
	return out
}

// splitJoined cuts a span that joins two names into them:
//
//   - after a corporate suffix that more capitalised words follow, directly
//     or after "and", "or" or "&" ("Peabody and Co and E.F. Hutton Co Inc",
//     "Avco Corp. Avco Financial");
//   - at "or" between capitalised words ("Moodys Investors or Standard and
//     Poors"): names are coordinated with "or", hardly ever named with it;
//   - after an apostrophe-less possessive whose owner the article names on
//     its own ("Southerns Georgia Power Co" where "Southern Co" is named:
//     "Southern" and "Georgia Power Co"); a span that is only such a
//     possessive ("Texacos") loses the "s".
//
// A leading lower-case affix goes ("ex-Miami Dolphins"), and a leading
// stop word or office goes when the rest is named on its own in the
// article ("Since Sago", "CEO of Home Depot"; not "First Boston Corp").
// It returns the (first) name and the names after it, if any.
func (r *Resolver) splitJoined(text string, m Mention, names *articleNames) (Mention, []Mention) {
	// "ex-Miami Dolphins": the affix is not part of the name.
	if i := strings.IndexByte(text[m.Start:m.End], '-'); i > 0 {
		if timeAffixes[text[m.Start:m.Start+i]] && m.Start+i+1 < m.End {
			c, _ := utf8.DecodeRuneInString(text[m.Start+i+1:])
			if unicode.IsUpper(c) {
				m.Start += i + 1
			}
		}
	}
	if !strings.ContainsAny(text[m.Start:m.End], " \t\n") {
		// One word: only an affix or a possessive to take off.
		if end, t, ok := r.possessive(text, m.Start, m.End, names, 1); ok {
			m.End, m.Type = end, t
		}
		return m, nil
	}
	ws := spanWords(text, m)
	if len(ws) == 0 {
		return m, nil
	}
	word := func(i int) string { return text[ws[i].start:ws[i].end] }
	// A leading stop word or office when the rest is a name of the article.
	for i := 0; i < len(ws)-1 && i < 3; i++ {
		w := strings.TrimSuffix(word(i), ",")
		if strings.EqualFold(w, "the") || !(lexicon.IsStop(w) || IsTitleWord(w)) {
			break
		}
		next := word(i + 1)
		if !isCapitalised(next) {
			continue // "CEO of": the office runs on
		}
		rest := Mention{Start: ws[i+1].start, End: m.End, Type: m.Type}
		if strings.Count(text, text[rest.Start:rest.End]) < 2 {
			break // the rest is written nowhere else
		}
		if n := names.get(OrgKey(text[rest.Start:rest.End])); n.n > 0 || n.surname {
			m = rest
			ws = ws[i+1:]
		}
		break
	}
	for i := 0; i < len(ws)-1; i++ {
		w := word(i)
		cut, rest := -1, -1 // the left part's end, the right part's start
		switch {
		case corporateSuffixes[strings.TrimRight(Key(w), ",")] && i > 0:
			// More words after a company's suffix are another name,
			// unless they are a lower-case continuation ("Co of America").
			next := word(i + 1)
			lnext := strings.ToLower(next)
			switch {
			case lnext == "and" || lnext == "or" || next == "&":
				if i+2 < len(ws) && isCapitalised(word(i+2)) && !corporateSuffixes[Key(word(i+2))] {
					cut, rest = ws[i].end, ws[i+2].start
				}
			case isCapitalised(next) && !corporateSuffixes[Key(next)]:
				cut, rest = ws[i].end, ws[i+1].start
			}
		case w == "or" && i > 0 && isCapitalised(word(i+1)):
			cut, rest = ws[i-1].end, ws[i+1].start
		case i == 0 || isCapitalised(w):
			if end, t, ok := r.possessive(text, m.Start, ws[i].end, names, 0); ok && isCapitalised(word(i+1)) {
				left := Mention{Start: m.Start, End: end, Type: t}
				right := Mention{Start: ws[i+1].start, End: m.End, Type: m.Type}
				return r.joined(text, left, right, names)
			}
		}
		if cut < 0 {
			continue
		}
		left := Mention{Start: m.Start, End: cut, Type: m.Type}
		right := Mention{Start: rest, End: m.End, Type: m.Type}
		return r.joined(text, left, right, names)
	}
	// A span that is only a possessive of a name the article has: "Texacos".
	if end, t, ok := r.possessive(text, m.Start, m.End, names, 1); ok {
		m.End, m.Type = end, t
	}
	return m, nil
}

// joined returns left and the parts of right as splitJoined does: the
// first part and the others.
func (r *Resolver) joined(text string, left, right Mention, names *articleNames) (Mention, []Mention) {
	first, rest := r.splitJoined(text, right, names)
	return left, append([]Mention{first}, rest...)
}

// possessiveStem returns w without an apostrophe-less possessive "s"
// ("Southerns" -> "Southern"), when w could be one: a capitalised word of
// three letters or more before the "s", not ending in "ss" or "'s".
func possessiveStem(w string) (string, bool) {
	if len(w) < 4 || w[len(w)-1] != 's' || w[len(w)-2] == 's' || w[len(w)-2] == '\'' || !isCapitalised(w) {
		return "", false
	}
	return w[:len(w)-1], true
}

// trimPossessives is splitJoined's last rule again, on the spans after
// splitting: a possessive of a name that a split brought out ("Avco
// Corp. Avco Financial" ... "Avco Financials").
func (r *Resolver) trimPossessives(text string, ms []Mention) {
	names := &articleNames{text: text, ms: ms}
	for i := range ms {
		if end, t, ok := r.possessive(text, ms[i].Start, ms[i].End, names, 1); ok {
			ms[i].End, ms[i].Type = end, t
		}
	}
}
