package ner

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitSentences groups the tokens of text (as returned by Tokenize) into
// sentences. The sentences are sub-slices of tokens, in order, covering
// every token.
//
// A sentence ends at a blank line; at a line break unless the next line
// carries on in lower case (hard-wrapped prose); and after ".", "!", "?" or
// "..." (with any closing quotes or brackets) when the next token starts a
// new sentence: a capital, a digit or an opening quote. Titles and initials
// ("Mr.", "R.") never end a sentence; other abbreviations ("U.S.", "Inc.")
// end one only before a word that usually starts one ("The", "He", ...).
func SplitSentences(text string, tokens []Token) [][]Token {
	var out [][]Token
	start := 0
	for i := 1; i <= len(tokens); i++ {
		if i == len(tokens) || sentenceBreak(text, tokens, i) {
			out = append(out, tokens[start:i])
			start = i
		}
	}
	return out
}

// sentenceBreak reports whether a sentence ends between tokens[i-1] and
// tokens[i].
func sentenceBreak(text string, tokens []Token, i int) bool {
	prev, next := tokens[i-1], tokens[i]
	if gap := text[prev.End:next.Start]; strings.IndexByte(gap, '\n') >= 0 {
		if strings.Count(gap, "\n") > 1 || !continuesLine(prev.Text, next.Text) {
			return true
		}
	}
	// Walk back over closing quotes and brackets that hug the terminator:
	// `said."` or `(see below.)`.
	j := i - 1
	for j > 0 && isCloser(tokens[j].Text) && tokens[j].Start == tokens[j-1].End {
		j--
	}
	term := tokens[j].Text
	switch {
	case isTerminator(term):
	case strings.HasSuffix(term, ".") && len(term) > 1:
		// An abbreviation that kept its full stop.
		if neverEndsSentence(term) || !sentenceStarters[next.Text] {
			return false
		}
		return true
	default:
		return false
	}
	// After a terminator anything but lower case, a closer or more
	// punctuation starts a new sentence.
	r, _ := utf8.DecodeRuneInString(next.Text)
	return !unicode.IsLower(r) && !isCloser(next.Text) && !isTerminator(next.Text) &&
		!strings.ContainsRune(",;:%", r)
}

// continuesLine reports whether a line ending in prev and a line starting
// with next are one hard-wrapped sentence.
func continuesLine(prev, next string) bool {
	if isTerminator(prev) || isCloser(prev) || strings.HasSuffix(prev, ":") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(r)
}

func isTerminator(s string) bool {
	if s == "" {
		return false
	}
	if s == "…" {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && c != '!' && c != '?' {
			return false
		}
	}
	return true
}

func isCloser(s string) bool {
	switch s {
	case `"`, "'", "”", "’", "»", ")", "]", "''":
		return true
	}
	return false
}

func isOpener(s string) bool {
	switch s {
	case `"`, "'", "“", "‘", "«", "(", "[", "``":
		return true
	}
	return false
}

// neverEndsSentence reports whether an abbreviation is a title or an
// initial, which a name always follows.
func neverEndsSentence(abbr string) bool {
	w := strings.TrimSuffix(abbr, ".")
	if utf8.RuneCountInString(w) == 1 {
		return true
	}
	switch strings.ToLower(w) {
	case "mr", "mrs", "ms", "dr", "prof", "st", "mt", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
		"gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "cpl", "pte", "maj", "brig",
		"messrs", "mme", "mlle", "no", "nos", "vs":
		return true
	}
	return false
}

// sentenceStarters are words that, capitalised after an abbreviation such
// as "U.S.", almost always begin a new sentence.
var sentenceStarters = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`The A An He She It They We I You This That These Those There Here
		But And Or So Yet However Meanwhile In On At For If When While After Before As Its His Her Their Our
		What Why How Who Where Some Many Most No Not One Two Three`) {
		m[w] = true
	}
	return m
}()
