package ner

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word or punctuation mark of raw text, tokenised the way the
// CoNLL-2003 corpus is: possessive "'s" and "n't" split off, hyphenated
// compounds ("US-led") and dotted abbreviations ("U.S.", "Mr.") kept whole,
// quotes and dashes on their own. Text == text[Start:End].
type Token struct {
	Start int
	End   int
	Text  string
}

// Tokenize splits raw text into tokens with byte offsets. Any input is
// accepted: invalid UTF-8 bytes become one-byte tokens, and the offsets
// always fall on the input's rune boundaries.
func Tokenize(text string) []Token {
	return appendTokens(make([]Token, 0, len(text)/5+1), text)
}

func appendTokens(dst []Token, text string) []Token {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isSpace(r) {
			i += size
			continue
		}
		n := tokenLen(text[i:])
		end := i + n
		if isWordRune(r) || r == '@' || r == '#' {
			dst = appendWord(dst, text, i, end)
		} else {
			dst = append(dst, Token{Start: i, End: end, Text: text[i:end]})
		}
		i = end
	}
	return dst
}

// tokenLen returns the byte length of the token starting s: a URL, e-mail
// address, handle or hashtag; a word run (before clitics are split off);
// or a punctuation mark.
func tokenLen(s string) int {
	if n := urlLen(s); n > 0 {
		return n
	}
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r == '@' || r == '#':
		// @handle, #hashtag: a word run right after the sigil.
		if n := wordRunLen(s[size:]); n > 0 {
			return size + n
		}
		return size
	case isWordRune(r):
		n := wordRunLen(s)
		if n < len(s) && s[n] == '@' { // user@example.com
			if m := domainLen(s[n+1:]); m > 0 {
				return n + 1 + m
			}
		}
		return n
	case r == '.' || r == '-' || r == '!' || r == '?' || r == '*' || r == '=' || r == '_':
		// "...", "--", "!!!": a run of the same mark is one token.
		n := size
		for n < len(s) && s[n] == byte(r) {
			n++
		}
		return n
	case r == '\'' && len(s) > 1 && s[1] == '\'', r == '`' && len(s) > 1 && s[1] == '`':
		return 2
	case r == utf8.RuneError && size == 1:
		return 1
	case isRegionalIndicator(r):
		// A flag emoji is two regional indicators.
		if r2, size2 := utf8.DecodeRuneInString(s[size:]); isRegionalIndicator(r2) {
			return size + size2
		}
	}
	// Combining marks and variation selectors stay with the symbol they modify.
	n := size
	for n < len(s) {
		r2, size2 := utf8.DecodeRuneInString(s[n:])
		if !unicode.Is(unicode.Mn, r2) && !unicode.Is(unicode.Me, r2) && r2 != 0x200d && !(r2 >= 0xfe00 && r2 <= 0xfe0f) {
			break
		}
		n += size2
	}
	return n
}

// wordRunLen returns the length of the run of word characters at the start
// of s, letting connectors join it when a word character follows them:
// hyphens ("US-led", "2022-01-10"), apostrophes ("O'Neill", "Nato's"; the
// clitics are split later), dots ("U.S.", "3.5"), commas between digits
// ("100,000"), slashes and colons between digits ("1/2", "10:30") and "&"
// between capitals ("AT&T").
func wordRunLen(s string) int {
	n := 0
	var prev rune
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if isWordRune(r) {
			n += size
			prev = r
			continue
		}
		next, nsize := utf8.DecodeRuneInString(s[n+size:])
		if n == 0 || nsize == 0 || !isWordRune(next) {
			break
		}
		ok := false
		switch r {
		case '-', '‑', '\'', '’':
			ok = true
		case '.':
			// "U.S", "a.m", "3.5", "Yahoo.com"-like runs; not "end.Next"
			// (a missing space after a full stop), which has a lowercase
			// word before and a capital after.
			ok = unicode.IsDigit(prev) && unicode.IsDigit(next) ||
				unicode.IsLetter(prev) && unicode.IsLetter(next) && !(unicode.IsLower(prev) && unicode.IsUpper(next) && n > 1)
		case ',', '/', ':':
			ok = unicode.IsDigit(prev) && unicode.IsDigit(next)
		case '&':
			ok = unicode.IsUpper(prev) && unicode.IsUpper(next)
		}
		if !ok {
			break
		}
		n += size
		prev = r
	}
	// A trailing dot belongs to an abbreviation: "U.S.", "Mr.", "R.".
	if n < len(s) && s[n] == '.' && isAbbreviation(s[:n]) {
		n++
	}
	return n
}

// appendWord appends the word text[start:end], splitting off the clitics
// CoNLL-2003 tokenises separately: "'s", "n't", "'re", "'ve", "'ll", "'d",
// "'m", and the bare apostrophe of a plural possessive ("allies'").
func appendWord(dst []Token, text string, start, end int) []Token {
	w := text[start:end]
	if cut := cliticStart(w); cut > 0 {
		dst = append(dst, Token{Start: start, End: start + cut, Text: w[:cut]})
		return append(dst, Token{Start: start + cut, End: end, Text: w[cut:]})
	}
	return append(dst, Token{Start: start, End: end, Text: w})
}

// cliticStart returns where a clitic starts in w, or 0.
func cliticStart(w string) int {
	if strings.IndexByte(w, '\'') < 0 && !strings.Contains(w, "’") {
		return 0
	}
	lw := len(w)
	for _, c := range [...]string{"'s", "'re", "'ve", "'ll", "'d", "'m", "’s", "’re", "’ve", "’ll", "’d", "’m"} {
		if lw > len(c) && strings.EqualFold(w[lw-len(c):], c) {
			cut := lw - len(c)
			// "D'm" is not a word with a clitic; the stem must be a word.
			if r, _ := utf8.DecodeLastRuneInString(w[:cut]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				return cut
			}
		}
	}
	for _, c := range [...]string{"n't", "n’t"} {
		if lw > len(c) && strings.EqualFold(w[lw-len(c):], c) {
			return lw - len(c)
		}
	}
	return 0
}

// abbreviations are the common English abbreviations written with a full
// stop, which stays part of the token (CoNLL-2003 writes "Mr.", "Jan.",
// "Corp."). Most count only when capitalised, so that "ill." or "wash." at
// the end of a sentence keeps its full stop separate; the value says
// whether lower case is accepted too.
var abbreviations = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range strings.Fields(`mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev
		hon pres supt insp det cpl pte maj brig messrs mme mlle
		jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
		inc corp ltd co cos bros plc llc assn dept univ govt no nos
		ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo mont
		neb nev okla ore pa penn tenn tex va vt wash wis wyo`) {
		m[a] = false
	}
	for _, a := range strings.Fields(`vs etc approx cf`) {
		m[a] = true
	}
	return m
}()

// isAbbreviation reports whether w followed by "." is one token: a known
// abbreviation, a single letter (an initial), or letters joined by dots
// ("U.S", "a.m").
func isAbbreviation(w string) bool {
	if w == "" {
		return false
	}
	r, size := utf8.DecodeRuneInString(w)
	if size == len(w) {
		return unicode.IsLetter(r)
	}
	if len(w) <= 6 {
		if anyCase, ok := abbreviations[strings.ToLower(w)]; ok && (anyCase || unicode.IsUpper(r)) {
			return true
		}
	}
	// Dotted letters: every other rune a dot.
	dots := 0
	for i, r := range w {
		if r == '.' {
			dots++
			continue
		}
		if !unicode.IsLetter(r) {
			return false
		}
		if i > 0 && w[i-1] != '.' {
			return false
		}
	}
	return dots > 0
}

// urlLen returns the length of a URL, bare web address or domain with a
// path ("pic.twitter.com/x") at the start of s, or 0.
func urlLen(s string) int {
	n := 0
	switch {
	case hasPrefixFold(s, "https://"):
		n = len("https://")
	case hasPrefixFold(s, "http://"):
		n = len("http://")
	case hasPrefixFold(s, "www."):
	default:
		// A bare domain counts only with a path or a www prefix, so that
		// "Yahoo.com" in prose stays an ordinary word.
		d := domainLen(s)
		if d == 0 || d >= len(s) || s[d] != '/' {
			return 0
		}
	}
	end := n
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if isSpace(r) || r == '"' || r == '<' || r == '>' || r == '“' || r == '”' || r == '‘' || r == '’' {
			break
		}
		end += size
	}
	// Trailing sentence punctuation is not part of the address.
	for end > n && strings.ContainsRune(".,;:!?)]}'", rune(s[end-1])) {
		end--
	}
	if end == n {
		return 0
	}
	return end
}

// domainLen returns the length of a domain name ("pic.twitter.com") at the
// start of s, or 0: at least two labels, the last alphabetic.
func domainLen(s string) int {
	n, labels, lastStart := 0, 0, 0
	for {
		start := n
		for n < len(s) && (isASCIIAlnum(s[n]) || s[n] == '-' && n > start) {
			n++
		}
		if n == start {
			n = start
			if labels > 0 {
				n-- // give back the dot
			}
			break
		}
		labels++
		lastStart = start
		if n < len(s) && s[n] == '.' && n+1 < len(s) && isASCIIAlnum(s[n+1]) {
			n++
			continue
		}
		break
	}
	if labels < 2 {
		return 0
	}
	for i := lastStart; i < n; i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
			return 0
		}
	}
	if n-lastStart < 2 {
		return 0
	}
	return n
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_'
}

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == 0x200b || r == 0xfeff || r == 0x200e || r == 0x200f
}

func isRegionalIndicator(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// Normalize maps a token's text to the form the model was trained on:
// CoNLL-2003 is ASCII Reuters copy, so curly quotes and apostrophes become
// straight ones and dashes become hyphens.
func Normalize(tok string) string {
	if !strings.ContainsAny(tok, "‘’“”„‟–—―‑′″«»…") {
		return tok
	}
	return normalizer.Replace(tok)
}

var normalizer = strings.NewReplacer(
	"‘", "'", "’", "'", "“", `"`, "”", `"`, "„", `"`, "‟", `"`, "«", `"`, "»", `"`,
	"′", "'", "″", `"`,
	"–", "-", "—", "--", "―", "--", "‑", "-", "…", "...",
)
