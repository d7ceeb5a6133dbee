package tokens

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline/boilerplate"
)

// Boilerplate cues, as lower-case word sequences. A sentence holding a
// phrase cue outside quotation marks is boilerplate; when the cue starts
// with a capital in mid-sentence (scraped blocks run together without a
// full stop: "(AFP/Getty) Your support helps us…") only the part from the
// cue on is. Label cues are the text of buttons and headings and count only
// in a sentence of at most four words, so "in comments to reporters" stays.
// Weak cues — the publisher speaking to the reader — make a sentence
// boilerplate only next to one that already is.
var (
	phraseCues = cueIndex(boilerplate.ReaderAppeals...)
	labelCues  = cueIndex(boilerplate.InlineLabels...)
	// sectionWords make up the breadcrumb a scraped page puts before its
	// headline ("News World Europe Jaw jaw better than war war…").
	sectionWords = boilerplate.Set(boilerplate.SectionNames)
	// leadLabels head a sentence whose rest is content ("Read more The
	// first round of talks…"): only the label itself is junk.
	leadLabels = cueIndex(boilerplate.LeadLabels...)
	weakCues   = boilerplate.Set(boilerplate.WeakAppealWords)
)

type cue []string

func cueIndex(phrases ...string) map[string][]cue {
	idx := map[string][]cue{}
	for _, p := range phrases {
		words := strings.Fields(p)
		idx[words[0]] = append(idx[words[0]], words)
	}
	for k := range idx {
		slices.SortFunc(idx[k], func(a, b cue) int { return len(b) - len(a) })
	}
	return idx
}

// matchCue returns the number of tokens of the longest cue in idx starting
// at token i of lower-cased words ws, or 0.
func matchCue(idx map[string][]cue, ws []string, i int) int {
	for _, c := range idx[ws[i]] {
		if i+len(c) <= len(ws) && slices.Equal(ws[i:i+len(c)], c) {
			return len(c)
		}
	}
	return 0
}

// findJunk fills d.Junk and the tokens' Junk flags; code holds the
// paragraphs already found to be style sheets or scripts.
func (d *Doc) findJunk(code []Span) {
	junk := append([]Span(nil), code...)
	junk = append(junk, d.linkSpans()...)
	junk = append(junk, d.breadcrumbs()...)
	junk = append(junk, d.boilerplate(junk)...)
	d.Junk = mergeSpans(junk)
	for i := range d.Tokens {
		d.Tokens[i].Junk = d.IsJunk(Span{d.Tokens[i].Start, d.Tokens[i].End})
	}
}

// isCode reports whether a paragraph is a style sheet or script rather
// than prose: prose almost never has braces, and semicolons are rare.
func isCode(p string) bool {
	braces, semis, other := 0, 0, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '{', '}':
			braces++
		case ';':
			semis++
		case '<', '>', '=', '|', '\\':
			other++
		}
	}
	return braces >= 2 && (braces+semis+other)*1000 >= 5*len(p) ||
		semis+other >= 8 && (semis+other)*1000 >= 30*len(p)
}

// linkSpans finds URLs, @handles and #hashtags: runs of non-space text
// that are addresses, not words.
func (d *Doc) linkSpans() []Span {
	var out []Span
	text := d.Text
	for _, p := range d.Paragraphs {
		for i := p.Start; i < p.End; {
			r, size := utf8.DecodeRuneInString(text[i:p.End])
			if unicode.IsSpace(r) {
				i += size
				continue
			}
			j := i
			for j < p.End {
				r, size := utf8.DecodeRuneInString(text[j:p.End])
				if unicode.IsSpace(r) {
					break
				}
				j += size
			}
			if w := text[i:j]; maybeLink(w) && isLink(strings.TrimRight(strings.TrimLeft(w, "(["), ").,;:!?]")) {
				out = append(out, Span{i, j})
			}
			i = j
		}
	}
	return out
}

// maybeLink is a cheap test most words fail: a link has "@", "#" or "/",
// or starts with "www".
func maybeLink(w string) bool {
	return strings.ContainsAny(w, "@#/") || len(w) > 4 && (w[0] == 'w' || w[0] == 'W' || w[1] == 'w' || w[1] == 'W')
}

func isLink(w string) bool {
	if len(w) < 2 {
		return false
	}
	if (w[0] == '@' || w[0] == '#') && isWordStart(w[1:]) {
		return true
	}
	lw := strings.ToLower(w)
	if strings.Contains(lw, "://") || strings.HasPrefix(lw, "www.") {
		return true
	}
	// A dotted host with a path: "pic.twitter.com/QkYlu1HdhU", "bbc.co.uk/news".
	host, _, hasPath := strings.Cut(lw, "/")
	return hasPath && strings.Count(host, ".") >= 1 && !strings.ContainsAny(host, "'\u2019\"") &&
		isHostname(host)
}

func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

func isHostname(h string) bool {
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return len(tld) >= 2 && tld[0] >= 'a'
}

// breadcrumbs finds section paths at the start of a paragraph: at least
// two capitalised section names, the first "News" or "Home", or three.
func (d *Doc) breadcrumbs() []Span {
	var out []Span
	for p := range d.Paragraphs {
		from, to := d.ParaTokens(p)
		i := from
		for i < to && d.Tokens[i].Kind == Word && d.Tokens[i].Cap && sectionWords[lowerASCII(d.TokenText(i))] {
			i++
		}
		n := i - from
		if n >= 3 || n == 2 && (lowerASCII(d.TokenText(from)) == "news" || lowerASCII(d.TokenText(from)) == "home") {
			out = append(out, Span{d.Tokens[from].Start, d.Tokens[i-1].End})
		}
	}
	return out
}

// boilerplate finds sentences (or sentence tails) that address the reader
// instead of reporting: donation appeals, registration banners, buttons.
func (d *Doc) boilerplate(known []Span) []Span {
	n := len(d.Sentences)
	if n == 0 {
		return nil
	}
	state := make([]uint8, n) // 0 content, 1 weak cue, 2 boilerplate
	var out []Span
	var ws []string
	var wi []int
	for s := range n {
		from, to := d.SentTokens(s)
		ws, wi = ws[:0], wi[:0]
		for i := from; i < to; i++ {
			t := d.Tokens[i]
			// "US" is not "us": a word in capitals is never a cue.
			if t.Kind == Word && !t.Quoted && !t.Upper {
				ws = append(ws, lowerASCII(d.Text[t.Start:t.End]))
				wi = append(wi, i)
			}
		}
		if len(ws) == 0 {
			continue
		}
		for k := 0; k < len(ws); k++ {
			if m := matchCue(phraseCues, ws, k); m > 0 {
				t := d.Tokens[wi[k]]
				if k > 0 && (t.Cap || startsLine(d.Text, t.Start)) {
					out = append(out, Span{t.Start, d.Sentences[s].End})
				} else {
					state[s] = 2
				}
				break
			}
		}
		if state[s] == 2 {
			continue
		}
		if len(ws) <= 4 {
			for k := 0; k < len(ws); k++ {
				if matchCue(labelCues, ws, k) > 0 {
					state[s] = 2
					break
				}
			}
			if state[s] == 2 {
				continue
			}
		}
		if m := matchCue(leadLabels, ws, 0); m > 0 && wi[0] == from {
			out = append(out, Span{d.Tokens[wi[0]].Start, d.Tokens[wi[m-1]].End})
		}
		for _, w := range ws {
			if weakCues[w] {
				state[s] = 1
				break
			}
		}
	}
	// A sentence whose tail is boilerplate counts as boilerplate for its
	// neighbours, and so does one inside a junk paragraph.
	isJunk := func(s int) bool {
		if state[s] == 2 {
			return true
		}
		end := d.Sentences[s].End
		for _, sp := range out {
			if sp.End == end {
				return true
			}
		}
		for _, sp := range known {
			if sp.Start <= d.Sentences[s].Start && d.Sentences[s].End <= sp.End {
				return true
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for s := range n {
			if isJunk(s) {
				continue
			}
			prev, next := s > 0 && isJunk(s-1), s+1 < n && isJunk(s+1)
			if state[s] == 1 && (prev || next) || prev && next {
				state[s] = 2
				changed = true
			}
		}
	}
	for s := range n {
		if state[s] == 2 {
			out = append(out, d.Sentences[s])
		}
	}
	return out
}

// startsLine reports whether only spaces stand between offset and the
// previous line break.
func startsLine(text string, offset int) bool {
	for i := offset - 1; i >= 0; i-- {
		switch text[i] {
		case '\n':
			return true
		case ' ', '\t', '\r':
			continue
		}
		return false
	}
	return true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return strings.ToLower(strings.ReplaceAll(s, "\u2019", "'"))
		}
	}
	return s
}

// mergeSpans sorts spans and merges overlapping or touching ones.
func mergeSpans(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			last.End = max(last.End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}
