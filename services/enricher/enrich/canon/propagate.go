package canon

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

// maxPropagated bounds the names Propagate looks for, so a huge text with
// thousands of names costs no more than a long article.
const maxPropagated = 256

// Propagate adds, for every name the recogniser found, its other
// occurrences in the text that it missed (one sense per article: "Home
// Depot" found once is Home Depot everywhere in the article), with the
// type most of that name's mentions have. An occurrence must be written
// the same (case included), stand on word boundaries, overlap no mention
// and be accepted by ok (the caller's junk filter). Single words that are
// ordinary English words ("Center", "Police") are not propagated. ms must
// be sorted and not overlap; so is the result.
func Propagate(text string, ms []Mention, ok func(start, end int) bool) []Mention {
	if len(ms) == 0 {
		return ms
	}
	type name struct {
		votes [4]int
		first int
	}
	names := map[string]*name{}
	var order []string
	for _, m := range ms {
		s, e := trimName(text, m.Start, m.End)
		if s >= e {
			continue
		}
		n := text[s:e]
		if !propagatable(n) {
			continue
		}
		x := names[n]
		if x == nil {
			if len(names) >= maxPropagated {
				continue
			}
			x = &name{first: s}
			names[n] = x
			order = append(order, n)
		}
		x.votes[typeIndex(m.Type)]++
	}
	covered := func(s, e int) bool {
		i, _ := slices.BinarySearchFunc(ms, s, func(m Mention, off int) int { return m.End - off - 1 })
		return i < len(ms) && ms[i].Start < e
	}
	var added []Mention
	for _, n := range order {
		x := names[n]
		t := voteOrder[0]
		best := -1
		for i, v := range x.votes {
			if v > best {
				t, best = voteOrder[i], v
			}
		}
		for off := 0; ; {
			i := strings.Index(text[off:], n)
			if i < 0 {
				break
			}
			s, e := off+i, off+i+len(n)
			off = e
			if !boundary(text, s, e) || covered(s, e) || overlapsAny(added, s, e) || !ok(s, e) {
				continue
			}
			added = append(added, Mention{Start: s, End: e, Type: t})
		}
	}
	if len(added) == 0 {
		return ms
	}
	out := append(slices.Clone(ms), added...)
	slices.SortStableFunc(out, func(a, b Mention) int { return a.Start - b.Start })
	return out
}

func propagatable(n string) bool {
	if strings.ContainsAny(n, "\n\t") || utf8.RuneCountInString(n) < 2 {
		return false
	}
	if strings.Contains(n, " ") {
		return true
	}
	if acronymOf(n) != "" {
		return true
	}
	return utf8.RuneCountInString(n) >= 3 && !lexicon.IsCommon(n) && !lexicon.IsStop(n)
}

func boundary(text string, s, e int) bool {
	if s > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:s])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			return false
		}
	}
	if e < len(text) {
		r, _ := utf8.DecodeRuneInString(text[e:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			return false
		}
	}
	return true
}

func overlapsAny(ms []Mention, s, e int) bool {
	for _, m := range ms {
		if m.Start < e && s < m.End {
			return true
		}
	}
	return false
}

var voteOrder = [4]pipeline.EntityType{pipeline.Person, pipeline.Organization, pipeline.Location, pipeline.Misc}

func typeIndex(t pipeline.EntityType) int {
	for i, x := range voteOrder {
		if x == t {
			return i
		}
	}
	return 3
}

// maxPlaceWords is the most words PlacesAfterComma reads after a comma.
const maxPlaceWords = 3

// PlacesAfterComma adds the places news writes after a place and a comma
// that the recogniser missed: "Columbus, Ohio", "Sioux Falls, S.D.",
// "FRESNO, Calif." (the state or country that locates a city, in lists and
// datelines). The words after the comma must be a place the gazetteer
// knows, the word before it capitalised, and the place end at punctuation
// or the end of the line; overlap no mention and be accepted by ok. A
// one-word "person" before the comma is a place ("Denver, Colorado"). ms
// must be sorted and not overlap; so is the result.
func (g *Gazetteer) PlacesAfterComma(text string, ms []Mention, ok func(start, end int) bool) []Mention {
	var added []Mention
	retyped := false
	for off := 0; ; {
		i := strings.Index(text[off:], ", ")
		if i < 0 {
			break
		}
		comma := off + i
		off = comma + 2
		if comma == 0 || !capitalisedBefore(text, comma) {
			continue
		}
		s := off
		if s >= len(text) || text[s] < 'A' || text[s] > 'Z' {
			continue
		}
		// The longest known place of up to maxPlaceWords words that ends
		// at punctuation.
		best := -1
		e := s
		for w := 0; w < maxPlaceWords && e < len(text); w++ {
			sp := strings.IndexAny(text[e:], " ,;:\n()")
			if sp < 0 {
				sp = len(text) - e
			}
			e += sp
			end := e
			for end > s && text[end-1] == '.' && !strings.Contains(text[s:end-1], ".") {
				end-- // "Ohio." ends a sentence; "S.D." keeps its dots
			}
			if e == len(text) || strings.IndexByte(",;:\n()", text[e]) >= 0 || end < e || strings.HasPrefix(text[e:], " -") || strings.HasPrefix(text[e:], " —") {
				// Written as the gazetteer writes it, case and dots
				// included: "La." is not "LA" (Los Angeles).
				if g.placeForms[text[s:e]] != nil {
					best = e
				} else if g.placeForms[text[s:end]] != nil {
					best = end
				}
			}
			if e >= len(text) || text[e] != ' ' {
				break
			}
			e++
		}
		if best < 0 {
			continue
		}
		// What the place locates is a place: "Denver, Colorado" is not a
		// person called Denver.
		if j, found := slices.BinarySearchFunc(ms, comma, func(m Mention, end int) int { return m.End - end }); found &&
			ms[j].Type == pipeline.Person && !strings.ContainsAny(text[ms[j].Start:ms[j].End], " \n") {
			if !retyped {
				ms, retyped = slices.Clone(ms), true
			}
			ms[j].Type = pipeline.Location
		}
		if overlapsSorted(ms, s, best) || !ok(s, best) {
			continue
		}
		added = append(added, Mention{Start: s, End: best, Type: pipeline.Location})
	}
	if len(added) == 0 {
		return ms
	}
	out := append(slices.Clone(ms), added...)
	slices.SortStableFunc(out, func(a, b Mention) int { return a.Start - b.Start })
	return out
}

// capitalisedBefore reports whether the word ending at offset starts with
// a capital letter.
func capitalisedBefore(text string, offset int) bool {
	start := offset
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		start -= size
	}
	if start == offset {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[start:])
	return unicode.IsUpper(r)
}

func overlapsSorted(ms []Mention, s, e int) bool {
	i, _ := slices.BinarySearchFunc(ms, s, func(m Mention, off int) int { return m.End - off - 1 })
	return i < len(ms) && ms[i].Start < e
}
