package canon

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/names"
)

// normalize repairs recogniser spans before resolution, using the
// gazetteer and the text:
//
//   - a span that joins two names is split into them, and a leading
//     affix, stop word or office is dropped (splitJoined);
//   - a hyphenated word made of known names is those names ("US-Russia"
//     is the United States and Russia), and lower-case affixes are not
//     part of a name ("Russia-backed", "US-led", "pro-Western");
//   - a place followed by capitalised words ending in an organisation word
//     is that organisation ("West Virginia" + "State University");
//   - a span that stops short of a known name is extended to it when the
//     text goes on with the name's remaining words ("Organisation for
//     Security and Co-operation" + " in Europe"), swallowing any mention
//     inside the extension.
func (r *Resolver) normalize(text string, ms []Mention) []Mention {
	names := &articleNames{text: text, ms: ms}
	var split []Mention
	for i, m := range ms {
		if !repairable(text, m) {
			if split != nil {
				split = append(split, m)
			}
			continue
		}
		first, rest := r.splitJoined(text, m, names)
		if split == nil && (rest != nil || first != m) {
			split = append(make([]Mention, 0, len(ms)+4), ms[:i]...)
		}
		if split != nil {
			split = append(split, first)
			split = append(split, rest...)
		}
	}
	if split != nil {
		ms = split
		r.trimPossessives(text, ms)
	}
	out := make([]Mention, 0, len(ms))
	for i := 0; i < len(ms); i++ {
		m := ms[i]
		s := text[m.Start:m.End]
		if strings.ContainsRune(s, '-') && !strings.ContainsAny(s, " \t\n") {
			if parts, ok := r.splitHyphenated(text, m); ok {
				out = append(out, parts...)
				continue
			}
		}
		if m.Type != pipeline.Person {
			if _, known := r.g.Lookup(s); !known {
				if end := r.complete(text, m); end > m.End {
					m.End = end
					for i+1 < len(ms) && ms[i+1].Start < end {
						i++ // inside the completed name
					}
				}
			}
		}
		if m.Type == pipeline.Location {
			if end, t := orgAfterPlace(text, m, ms[i+1:]); end > m.End {
				m.End, m.Type = end, t
			}
		}
		out = append(out, m)
	}
	return out
}

// repairable reports whether splitJoined could change m: a span of several
// words, a hyphen, or a word ending in "s".
func repairable(text string, m Mention) bool {
	s := text[m.Start:m.End]
	return strings.ContainsAny(s, " \t\n-") || strings.HasSuffix(s, "s")
}

// maxOrgAfterPlace is the most words orgAfterPlace reads after a place.
const maxOrgAfterPlace = 3

// placeHeads are the organisation words (names.OrgWords) that head a
// place, not an organisation: "Mexico City", "Laramie County".
var placeHeads = map[string]bool{"City": true, "Town": true, "County": true}

// orgWords are names.OrgWords, the words that end or head organisation
// names.
var orgWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	names.Lines(names.OrgWords, func(l string) { m[l] = true })
	return m
})

// orgAfterPlace returns the end of the organisation a place starts when
// the recogniser stopped at the place: up to maxOrgAfterPlace capitalised
// words follow it on the line, the last one an organisation word, and no
// mention starts among them ("West Virginia" + "State University",
// "Tokyo" + "Stock Exchange"), with the type of the whole (a place for
// "City", "County"); else m.End.
func orgAfterPlace(text string, m Mention, next []Mention) (int, pipeline.EntityType) {
	limit := len(text)
	if len(next) > 0 {
		limit = next[0].Start
	}
	end := m.End
	for n := 0; n < maxOrgAfterPlace; n++ {
		if end >= limit || text[end] != ' ' {
			break
		}
		s := end + 1
		e := s
		for e < limit && e < len(text) && (isWordByte(text[e]) || text[e] == '.') && text[e] != ' ' {
			e++
		}
		w := strings.TrimSuffix(text[s:e], ".")
		if w == "" || w[0] < 'A' || w[0] > 'Z' || e > limit {
			break
		}
		if orgWords()[w] {
			if placeHeads[w] {
				return e, pipeline.Location
			}
			return e, pipeline.Organization
		}
		if lexicon.IsStop(w) {
			break
		}
		end = e
	}
	return m.End, m.Type
}

// splitHyphenated returns the known names inside a hyphenated word, with
// their gazetteer types, when every capitalised part is one and the whole
// word is not itself a known name.
func (r *Resolver) splitHyphenated(text string, m Mention) ([]Mention, bool) {
	s := text[m.Start:m.End]
	if _, ok := r.g.Lookup(s); ok {
		return nil, false
	}
	var out []Mention
	off := m.Start
	for _, p := range strings.Split(s, "-") {
		start := off
		off += len(p) + 1
		if p == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(p)
		if unicode.IsLower(first) {
			continue // "backed", "led", "pro"
		}
		k, ok := r.g.Lookup(p)
		if !ok {
			return nil, false // "Jean-Pierre": a name of its own
		}
		out = append(out, Mention{Start: start, End: start + len(p), Type: k.Type})
	}
	return out, len(out) > 0
}

// complete returns the end of the longest known name that starts where m
// starts and extends past its end by up to MaxTokens words, or m.End.
func (r *Resolver) complete(text string, m Mention) int {
	best := m.End
	end := m.End
	for n := 0; n < r.g.MaxTokens(); n++ {
		// The next word: spaces, then letters, hyphens and apostrophes.
		j := end
		for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
			j++
		}
		if j == end || j >= len(text) {
			break
		}
		k := j
		for k < len(text) {
			c, size := utf8.DecodeRuneInString(text[k:])
			if !(unicode.IsLetter(c) || c == '-' || c == '\'' || c == '\u2019') {
				break
			}
			k += size
		}
		if k == j {
			break
		}
		end = k
		if _, ok := r.g.Lookup(text[m.Start:end]); ok {
			best = end
		}
	}
	return best
}
