// Package tokens splits an article's text once into what every enrichment
// rule reads: word and punctuation tokens with byte offsets, paragraphs,
// sentences, and the junk the cleaner should have removed but may not have
// (style sheets, scripts, donation appeals, registration banners, share
// buttons), so that no rule ever reports a name, date, quote or keyword
// made of them.
//
// A Doc is immutable once parsed and safe to share between goroutines.
package tokens

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a half-open byte range [Start, End) of the text.
type Span struct{ Start, End int }

// Len is the span's length in bytes.
func (s Span) Len() int { return s.End - s.Start }

// Overlaps reports whether s and o share at least one byte.
func (s Span) Overlaps(o Span) bool { return s.Start < o.End && o.Start < s.End }

// Kind is a token's class.
type Kind uint8

const (
	Word       Kind = iota // letters, possibly with digits, inner hyphens, apostrophes or dots ("U.S.")
	Number                 // digits, possibly with inner "," or "." ("100,000")
	Possessive             // "'s" or "’s" split off the word before it
	Punct                  // any other single character that is not space
)

// Token is one word, number or punctuation mark.
type Token struct {
	Start, End int
	Kind       Kind
	// Para and Sent index Doc.Paragraphs and Doc.Sentences.
	Para, Sent int32
	// Cap: the first letter is upper case. Upper: every letter is, and
	// there are at least two ("NATO", "U.S."). SentStart: first word of
	// its sentence. Quoted: inside double quotation marks. Junk: inside
	// Doc.Junk.
	Cap, Upper, SentStart, Quoted, Junk bool
}

// Doc is a parsed text.
type Doc struct {
	Text       string
	Tokens     []Token
	Paragraphs []Span
	Sentences  []Span
	// Junk holds sorted, disjoint spans of markup and boilerplate.
	Junk []Span
	// paraTok[i] is the index of paragraph i's first token; the last entry is len(Tokens).
	paraTok []int
	sentTok []int
}

// Parse tokenises text and finds its paragraphs, sentences and junk.
func Parse(text string) *Doc {
	d := &Doc{Text: text}
	d.Paragraphs = paragraphs(text)
	d.Tokens = make([]Token, 0, len(text)/5)
	var code []Span
	for i, p := range d.Paragraphs {
		d.paraTok = append(d.paraTok, len(d.Tokens))
		// A style sheet or script is junk as a whole: no rule reads its
		// words, so it is not even split into them.
		if isCode(text[p.Start:p.End]) {
			code = append(code, p)
			continue
		}
		d.Tokens = tokenize(text, p, int32(i), d.Tokens)
	}
	d.paraTok = append(d.paraTok, len(d.Tokens))
	d.splitSentences()
	d.findJunk(code)
	return d
}

// TokenText returns the text of token i.
func (d *Doc) TokenText(i int) string { t := d.Tokens[i]; return d.Text[t.Start:t.End] }

// ParaTokens returns the index range [from, to) of paragraph p's tokens.
func (d *Doc) ParaTokens(p int) (from, to int) { return d.paraTok[p], d.paraTok[p+1] }

// SentTokens returns the index range [from, to) of sentence s's tokens.
func (d *Doc) SentTokens(s int) (from, to int) { return d.sentTok[s], d.sentTok[s+1] }

// TokenAt returns the index of the first token ending after offset, or
// len(Tokens) if there is none.
func (d *Doc) TokenAt(offset int) int {
	return sort.Search(len(d.Tokens), func(i int) bool { return d.Tokens[i].End > offset })
}

// IsJunk reports whether s overlaps any junk span.
func (d *Doc) IsJunk(s Span) bool {
	i := sort.Search(len(d.Junk), func(i int) bool { return d.Junk[i].End > s.Start })
	return i < len(d.Junk) && d.Junk[i].Start < s.End
}

// SentenceOf returns the index of the sentence holding offset, or -1.
func (d *Doc) SentenceOf(offset int) int {
	i := sort.Search(len(d.Sentences), func(i int) bool { return d.Sentences[i].End > offset })
	if i < len(d.Sentences) && d.Sentences[i].Start <= offset {
		return i
	}
	return -1
}

// ParagraphOf returns the index of the paragraph holding offset, or -1.
func (d *Doc) ParagraphOf(offset int) int {
	i := sort.Search(len(d.Paragraphs), func(i int) bool { return d.Paragraphs[i].End > offset })
	if i < len(d.Paragraphs) && d.Paragraphs[i].Start <= offset {
		return i
	}
	return -1
}

// paragraphs splits text at blank lines, and at single line breaks too
// unless the line is hard-wrapped: scraped pages put one block per line,
// with no blank line between them.
func paragraphs(text string) []Span {
	var out []Span
	start, lineStart := -1, 0
	for i := 0; i <= len(text); {
		if i == len(text) || text[i] == '\n' {
			wrapped := i < len(text) && isWrapped(text[lineStart:i]) && continuesLine(text, i+1)
			lineStart = i + 1
			if !wrapped {
				if start >= 0 {
					out = append(out, trimSpan(text, Span{start, i}))
				}
				start = -1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if start < 0 && !unicode.IsSpace(r) {
			start = i
		}
		i += size
	}
	return out
}

// isWrapped reports whether a line looks cut by a hard wrap: long, and
// not ending a sentence.
func isWrapped(line string) bool {
	line = strings.TrimRight(line, " \t\r")
	if utf8.RuneCountInString(line) < 40 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == ',' || r == '-'
}

// continuesLine reports whether the line starting at i continues the
// previous one: it is not blank and starts with a lower-case letter.
func continuesLine(text string, i int) bool {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
		i++
	}
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLower(r)
}

func trimSpan(text string, s Span) Span {
	for s.End > s.Start {
		r, size := utf8.DecodeLastRuneInString(text[s.Start:s.End])
		if !unicode.IsSpace(r) {
			break
		}
		s.End -= size
	}
	return s
}

// tokenize appends the tokens of paragraph p to toks.
func tokenize(text string, p Span, para int32, toks []Token) []Token {
	i := p.Start
	for i < p.End {
		r, size := utf8.DecodeRuneInString(text[i:p.End])
		switch {
		case unicode.IsSpace(r) || r == utf8.RuneError && size <= 1 || unicode.IsControl(r):
			i += size
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			end, kind := scanWord(text, i, p.End)
			// Split a possessive off: "Nato’s" is the name Nato plus "’s".
			if kind == Word {
				if pe := possessiveStart(text[i:end]); pe > 0 {
					toks = append(toks, newToken(text, i, i+pe, Word, para))
					toks = append(toks, Token{Start: i + pe, End: end, Kind: Possessive, Para: para})
					i = end
					continue
				}
			}
			toks = append(toks, newToken(text, i, end, kind, para))
			i = end
		default:
			toks = append(toks, Token{Start: i, End: i + size, Kind: Punct, Para: para})
			i += size
		}
	}
	return toks
}

func newToken(text string, start, end int, kind Kind, para int32) Token {
	t := Token{Start: start, End: end, Kind: kind, Para: para}
	if kind != Word {
		return t
	}
	letters, uppers := 0, 0
	for _, r := range text[start:end] {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			uppers++
			t.Cap = t.Cap || letters == 1
		}
	}
	t.Upper = letters >= 2 && uppers == letters
	return t
}

// scanWord returns the end of the word or number starting at i.
func scanWord(text string, i, limit int) (int, Kind) {
	kind := Number
	j := i
scan:
	for j < limit {
		r, size := utf8.DecodeRuneInString(text[j:limit])
		if unicode.IsLetter(r) || unicode.IsMark(r) {
			kind = Word
			j += size
			continue
		}
		if unicode.IsDigit(r) {
			j += size
			continue
		}
		// Inner punctuation joins two word characters.
		if j+size >= limit {
			break
		}
		next, nsize := utf8.DecodeRuneInString(text[j+size : limit])
		switch {
		case (r == '\'' || r == '\u2019') && unicode.IsLetter(next):
		case (r == '-' || r == '\u2010' || r == '\u2011') && (unicode.IsLetter(next) || unicode.IsDigit(next)):
		case (r == ',' || r == '.') && kind == Number && unicode.IsDigit(next):
		case r == '.' && kind == Word && unicode.IsLetter(next) && isInitialism(text, i, j, j+size+nsize, limit):
			// "U.S." and "a.m.": single letters joined by dots.
		default:
			break scan
		}
		j += size
	}
	// Take the final dot of an initialism ("U.S." not "U.S").
	if j < limit && text[j] == '.' && dottedLetters(text[i:j]) {
		j++
	}
	return j, kind
}

// isInitialism reports whether text[i:j] plus "." and the letter ending at
// k look like single letters joined by dots.
func isInitialism(text string, i, j, k, limit int) bool {
	// The segment before the dot must be one letter.
	segStart := i
	for x := j - 1; x > i; x-- {
		if text[x] == '.' {
			segStart = x + 1
			break
		}
	}
	if utf8.RuneCountInString(text[segStart:j]) != 1 {
		return false
	}
	// The letter after the dot must stand alone too (followed by a dot).
	return k < limit && text[k] == '.'
}

func dottedLetters(s string) bool {
	if len(s) < 3 {
		return false
	}
	dots := 0
	for _, r := range s {
		if r == '.' {
			dots++
		}
	}
	return dots > 0
}

// possessiveStart returns where a trailing "'s" or "’s" starts in w, or 0.
func possessiveStart(w string) int {
	for _, suf := range [...]string{"'s", "\u2019s", "'S", "\u2019S"} {
		if len(w) > len(suf) && w[len(w)-len(suf):] == suf {
			return len(w) - len(suf)
		}
	}
	return 0
}
