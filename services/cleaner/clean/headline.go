package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Headline gives an article that came without a title (plain text, a page
// with no headline the extractor could find) a headline made from its
// text, so that no reader sees "(untitled)":
//
//  1. the first line, when it is a paragraph by itself and reads as a
//     headline: headline-sized (3 to
//     25 words, at most 160 bytes) and not a finished sentence (it does
//     not end in a full stop, colon, comma or semicolon);
//  2. else the last line, when it reads as a headline and echoes the top
//     of the article: at least half of its words of four letters or more
//     are among the words of the first three paragraphs. Syndicated text
//     sometimes carries its headline at the end, after the body and the
//     credit line;
//  3. else the lead sentence, shortened to at most headlineWords words at
//     a word boundary and marked "…" when cut.
//
// The text is not changed: a headline found in it stays where it is (the
// article id of an article without a URL is made from its text). It
// returns "" for a text with no words.
func Headline(text string) string {
	paras := paragraphs(text)
	if len(paras) == 0 {
		return ""
	}
	// A first paragraph of one line: a wrapped first line of a longer
	// paragraph is the start of a sentence, not a headline.
	if first := oneSpaced(paras[0]); !strings.Contains(paras[0], "\n") && readsAsHeadline(first) {
		return first
	}
	if len(paras) > 1 {
		last := paras[len(paras)-1]
		if !strings.Contains(last, "\n") {
			last = oneSpaced(last)
			if readsAsHeadline(last) && echoes(last, paras[:min(3, len(paras)-1)]) {
				return last
			}
		}
	}
	return shorten(leadSentence(oneSpaced(paras[0])), headlineWords)
}

// headlineWords is how long a headline made from the lead sentence may be:
// news headlines run to about a dozen words.
const headlineWords = 14

// paragraphs are the text's non-blank paragraphs (the cleaner separates
// them with a blank line), trimmed.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func oneSpaced(s string) string { return strings.Join(strings.Fields(s), " ") }

// readsAsHeadline: headline-sized, starting with a capital, a digit or a
// quote, and not a finished sentence.
func readsAsHeadline(s string) bool {
	n := len(strings.Fields(s))
	if n < 3 || n > 25 || len(s) > 160 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) && !strings.ContainsRune("\"'“‘«", r) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return !strings.ContainsRune(".:,;…", last)
}

// echoes reports whether most of line's longer words occur in paras.
func echoes(line string, paras []string) bool {
	words := longWords(line)
	if len(words) < 3 {
		return false
	}
	top := map[string]bool{}
	for _, p := range paras {
		for _, w := range longWords(p) {
			top[w] = true
		}
	}
	shared := 0
	for _, w := range words {
		if top[w] {
			shared++
		}
	}
	return 2*shared >= len(words)
}

// longWords are s's words of four letters or more, folded, each once.
func longWords(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) >= 4 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// leadSentence is s up to the end of its first sentence: a full stop,
// question or exclamation mark (with any closing quote) before a space,
// not after an initial or an abbreviation with a dot in it ("U.S.").
func leadSentence(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		end := i + 1
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if !strings.ContainsRune("\"')”’»", r) {
				break
			}
			end += size
		}
		if end < len(s) && s[end] != ' ' {
			continue
		}
		if c == '.' {
			w := strings.LastIndexByte(s[:i], ' ') + 1
			if word := s[w:i]; utf8.RuneCountInString(word) <= 1 || strings.Contains(word, ".") {
				continue
			}
		}
		return s[:end]
	}
	return s
}

// shorten keeps at most n words of s, ending the cut on a word that is
// not a short function word ("of", "the"), and marks the cut with "…". A
// sentence that fits loses its final full stop, as headlines do.
func shorten(s string, n int) string {
	words := strings.Fields(s)
	if len(words) <= n {
		return strings.TrimSuffix(strings.Join(words, " "), ".")
	}
	words = words[:n]
	for len(words) > n/2 && utf8.RuneCountInString(strings.Trim(words[len(words)-1], ",;:—–-")) <= 3 {
		words = words[:len(words)-1]
	}
	return strings.TrimRight(strings.Join(words, " "), ",;:—–- ") + "…"
}
