package quotes

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// markKind says which pair a quotation mark belongs to.
type markKind uint8

const (
	noMark markKind = iota
	double          // “ ” „ « » and straight "
	single          // ‘ ’ and straight '
)

// segment is a quotation inside one paragraph: content between the marks,
// as token indexes, and how it is bounded.
type segment struct {
	open, close int // token indexes of the marks; open = -1 when the opening mark is missing, close = -1 when the quote runs on
	start, end  int // byte range of the content, trimmed
	para        int
	// next links a quotation that runs on into the following paragraph.
	next, prev int
}

// findSegments finds the quotations of each paragraph. Double marks are
// paired as written (straight ones by what they touch); single marks only
// as UK-style quotations: ‘ opening at a word start, ’ closing where it
// cannot be an apostrophe. Marks of the other kind inside a quotation are
// nested quotes and belong to it. A paragraph that opens a quotation
// without closing it runs on; one that closes a quotation it never opened
// (a rewrite that lost the mark) starts it at the paragraph's start.
func findSegments(d *tokens.Doc) []segment {
	var segs []segment
	for p := range d.Paragraphs {
		from, to := d.ParaTokens(p)
		start := len(segs)
		// ignored: single opening marks that never closed in a paragraph
		// the next one does not continue with a single mark: apostrophes
		// ("the '90s", "a ‘D-‘ rating"), read again without them so that
		// they do not swallow the paragraph's double-quoted quotations.
		var ignored []int
	scan:
		outer := noMark
		open := -1
		lastCloser := lastSingleCloser(d, from, to)
		for i := from; i < to; i++ {
			t := d.Tokens[i]
			if t.Kind != tokens.Punct || slices.Contains(ignored, i) {
				continue
			}
			var k markKind
			var opens, closes bool
			markEnd := i // the last token of the mark: i+1 for a doubled apostrophe
			if isDoubledApostrophe(d, i, to) {
				// NYT style ''…'': one double mark of two tokens.
				markEnd = i + 1
				k, opens, closes = classifyStraight(d, i, markEnd, from, to, outer)
			} else {
				k, opens, closes = classify(d, i, from, to, outer, lastCloser)
			}
			if k == noMark {
				continue
			}
			switch {
			case outer == noMark && opens:
				outer, open = k, markEnd
				i = markEnd
			case outer == k && closes:
				segs = appendSegment(segs, d, open, i, p)
				outer, open = noMark, -1
				i = markEnd
			case outer == noMark && closes && k == double && !hasSegmentIn(segs, p):
				// A closing mark with no opening one: the quotation started
				// with the paragraph.
				segs = appendSegment(segs, d, -1, i, p)
				i = markEnd
			}
		}
		if outer == single && len(ignored) < 3 && !opensWithSingle(d, p+1) {
			segs = segs[:start]
			ignored = append(ignored, open)
			goto scan
		}
		if outer != noMark {
			segs = appendSegment(segs, d, open, -1, p)
		}
	}
	// Link quotations that run on into the next paragraph's quotation.
	for i := range segs {
		segs[i].next, segs[i].prev = -1, -1
	}
	for i := range segs {
		if segs[i].close != -1 || i+1 >= len(segs) {
			continue
		}
		n := &segs[i+1]
		if n.para == segs[i].para+1 && opensParagraph(d, n) {
			segs[i].next, n.prev = i+1, i
		}
	}
	return dropEmpty(d, segs)
}

// opensWithSingle reports whether paragraph p exists and starts with a
// single quotation mark (a UK-style quotation running on into it).
func opensWithSingle(d *tokens.Doc, p int) bool {
	if p >= len(d.Paragraphs) {
		return false
	}
	from, to := d.ParaTokens(p)
	if from >= to {
		return false
	}
	switch d.TokenText(from) {
	case "\u2018", "'":
		return true
	}
	return false
}

// opensParagraph reports whether quotation s starts its paragraph: no
// opening mark, or the paragraph's first token is its mark (both tokens
// of NYT's doubled apostrophes).
func opensParagraph(d *tokens.Doc, s *segment) bool {
	from, to := d.ParaTokens(s.para)
	return s.open == -1 || s.open == from || s.open == from+1 && isDoubledApostrophe(d, from, to)
}

func hasSegmentIn(segs []segment, p int) bool {
	return len(segs) > 0 && segs[len(segs)-1].para == p
}

func appendSegment(segs []segment, d *tokens.Doc, open, close, p int) []segment {
	para := d.Paragraphs[p]
	start, end := para.Start, para.End
	if open >= 0 {
		start = d.Tokens[open].End
	}
	if close >= 0 {
		end = d.Tokens[close].Start
	}
	start, end = trimContent(d.Text, start, end)
	return append(segs, segment{open: open, close: close, start: start, end: end, para: p})
}

// trimContent trims spaces and doubled opening marks ("““We had…") from
// the content of a quotation.
func trimContent(text string, start, end int) (int, int) {
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) && r != '\u201c' && r != '"' && r != '\u2018' {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return start, end
}

// dropEmpty removes quotations with no letters or digits (a stray
// formatting character between marks), fixing the links.
func dropEmpty(d *tokens.Doc, segs []segment) []segment {
	keep := make([]int, len(segs))
	out := segs[:0]
	for i, s := range segs {
		keep[i] = -1
		if s.end > s.start && strings.IndexFunc(d.Text[s.start:s.end], isLetterOrDigit) >= 0 {
			keep[i] = len(out)
			out = append(out, s)
		}
	}
	for i := range out {
		if out[i].next >= 0 {
			out[i].next = keep[out[i].next]
		}
		if out[i].prev >= 0 {
			out[i].prev = keep[out[i].prev]
		}
	}
	return out
}

// classify says whether punctuation token i is a quotation mark, of which
// kind, and whether it can open or close a quotation here. outer is the
// kind of the quotation open, if any.
func classify(d *tokens.Doc, i, from, to int, outer markKind, lastCloser int) (k markKind, opens, closes bool) {
	t := d.Tokens[i]
	text := d.Text
	before, after := attached(d, i, from, to)
	switch text[t.Start:t.End] {
	case "\u201c", "\u201e", "\u00ab":
		// A second “ right after the first ("““We") is a typo, not a nested quote.
		if outer == double && i > from && d.Tokens[i-1].End == t.Start && isMark(text, d.Tokens[i-1]) {
			return noMark, false, false
		}
		// An opening mark closing a quotation ("…for her here,“ said
		// Jim Clyburn"): a typo for ”, attached to the words before it
		// and followed by a space.
		if outer == double && before && !after && !isMark(text, d.Tokens[i-1]) {
			return double, false, true
		}
		return double, true, false
	case "\u201d", "\u00bb":
		return double, false, true
	case "\"":
		return classifyStraight(d, i, i, from, to, outer)
	case "\u2018":
		if outer == double {
			return noMark, false, false // nested
		}
		return single, !before && after, false
	case "\u2019", "'":
		if outer != single {
			if text[t.Start:t.End] == "'" && !before && after && outer == noMark {
				return single, true, false
			}
			return noMark, false, false
		}
		// An apostrophe is inside a word (the tokenizer keeps those) or
		// ends a plural possessive ("the allies’ demands"): a closing mark
		// is followed by a space or punctuation, and a plural possessive
		// by a lower-case word.
		if !before || after && nextIsLetter(text, t.End) {
			return noMark, false, false
		}
		if possessivePlural(d, i, to) && lastCloser > i {
			return noMark, false, false
		}
		return single, false, true
	}
	return noMark, false, false
}

func isMark(text string, t tokens.Token) bool {
	switch text[t.Start:t.End] {
	case "\u201c", "\u201d", "\u201e", "\"", "\u2018", "\u2019", "'", "\u00ab", "\u00bb":
		return true
	}
	return false
}

// attached reports whether token i touches the token before and after it.
func attached(d *tokens.Doc, i, from, to int) (before, after bool) {
	t := d.Tokens[i]
	before = i > from && d.Tokens[i-1].End == t.Start && !isOpenBracket(d.Text, d.Tokens[i-1])
	after = i+1 < to && d.Tokens[i+1].Start == t.End
	return before, after
}

func isOpenBracket(text string, t tokens.Token) bool {
	s := text[t.Start:t.End]
	return s == "(" || s == "[" || s == "\u2014" || s == "\u2013"
}

func nextIsLetter(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// possessivePlural reports whether ’ at token i follows a word ending in
// "s" and precedes a lower-case word: "the allies’ demands".
func possessivePlural(d *tokens.Doc, i, to int) bool {
	prev := d.Tokens[i-1]
	w := d.Text[prev.Start:prev.End]
	if prev.Kind != tokens.Word || len(w) == 0 || (w[len(w)-1] != 's' && w[len(w)-1] != 'S') {
		return false
	}
	if i+1 >= to {
		return false
	}
	n := d.Tokens[i+1]
	r, _ := utf8.DecodeRuneInString(d.Text[n.Start:])
	return n.Kind == tokens.Word && unicode.IsLower(r)
}

// lastSingleCloser returns the index of the last ’ in tokens [from, to)
// that could close a quotation, or -1: a possessive ’ before it may be
// taken for an apostrophe.
func lastSingleCloser(d *tokens.Doc, from, to int) int {
	for j := to - 1; j >= from; j-- {
		t := d.Tokens[j]
		if t.Kind == tokens.Punct && (d.Text[t.Start:t.End] == "\u2019" || d.Text[t.Start:t.End] == "'") && !nextIsLetter(d.Text, t.End) {
			return j
		}
	}
	return -1
}

// isDoubledApostrophe reports whether tokens i and i+1 are two touching
// straight apostrophes, which NYT texts write as a double quotation mark.
func isDoubledApostrophe(d *tokens.Doc, i, to int) bool {
	if i+1 >= to || d.Tokens[i+1].Start != d.Tokens[i].End {
		return false
	}
	return d.TokenText(i) == "'" && d.TokenText(i+1) == "'"
}

// classifyStraight classifies a straight double mark over tokens
// [first, last] by what it touches: it opens before a word, closes after
// one, and otherwise toggles.
func classifyStraight(d *tokens.Doc, first, last, from, to int, outer markKind) (k markKind, opens, closes bool) {
	before, _ := attached(d, first, from, to)
	_, after := attached(d, last, from, to)
	switch {
	case !before && after:
		return double, true, false
	case before && !after:
		return double, false, true
	}
	return double, outer != double, outer == double
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
