package furniture

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A prompt is a paragraph that talks to the reader about the site:
// subscribe, register, log in, comment, share, allow notifications or
// cookies, disable the ad blocker, support or donate. It is recognised by
// two things together — it addresses the reader (you, your, we, our,
// please, or opens with an imperative such as "Join" or "Sign up") and it
// uses the vocabulary of site actions — so a news sentence about cookies
// or newsletters, which addresses nobody, stays text. Quoted speech is
// never a prompt.
func isPrompt(p string, long bool) bool {
	if strings.ContainsAny(p, "“”«»„\"") {
		return false
	}
	var site, reader, strong, weak, words int
	first := true
	imperative := false
	var prevBuf, buf [24]byte
	var pairBuf [49]byte
	prev := prevBuf[:0]
	for raw := range wordsOf(p) {
		words++
		w, ok := lowerInto(buf[:0], raw)
		if !ok {
			prev = prev[:0]
			first = false
			continue
		}
		if first {
			imperative = imperatives[string(w)]
			first = false
		}
		switch {
		case siteWords[string(w)]:
			site++
		case readerWords[string(w)]:
			reader++
		}
		switch {
		case strongActions[string(w)] || hasStem(w, strongStems):
			strong++
		case weakActions[string(w)]:
			weak++
		}
		if len(prev) > 0 && len(prev)+1+len(w) <= len(pairBuf) {
			n := copy(pairBuf[:], prev)
			pairBuf[n] = ' '
			n++
			n += copy(pairBuf[n:], w)
			if strongPairs[string(pairBuf[:n])] {
				strong++
			}
		}
		prev = append(prevBuf[:0], w...)
	}
	evidence := 2*strong + weak
	switch {
	case long:
		// A long paragraph must be the site talking about itself.
		return strong > 0 && site+reader >= 2 && site > 0
	case words <= 6 && strong > 0:
		// "Zum Newsletter anmelden", "Jede kleine Spende": a short line
		// naming a site action is a button or a teaser.
		return true
	case words <= 12 && strong > 0 && strings.HasSuffix(strings.TrimSpace(p), "!"):
		return true // "Every small donation helps!"
	case imperative && evidence >= 1 && words <= 12:
		return true // "Follow us on Telegram", "Become a member"
	case evidence < 2:
		return false
	case imperative, site > 0:
		return true
	}
	return reader > 0 && strong > 0
}

// lowerInto lower-cases a word into buf, reporting false for words too
// long to be in any table.
func lowerInto(buf []byte, w string) ([]byte, bool) {
	if len(w) > cap(buf) {
		return nil, false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			// Non-ASCII: fall back to Unicode lower-casing.
			l := strings.ToLower(w)
			if len(l) > cap(buf) {
				return nil, false
			}
			return append(buf[:0], l...), true
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf, true
}

// wordsOf yields the letter runs of s (apostrophes inside words kept).
func wordsOf(s string) func(func(string) bool) {
	return func(yield func(string) bool) {
		start := -1
		for i, r := range s {
			letter := unicode.IsLetter(r) || r == '\''
			if letter && start < 0 {
				start = i
			} else if !letter && start >= 0 {
				if !yield(strings.Trim(s[start:i], "'")) {
					return
				}
				start = -1
			}
		}
		if start >= 0 {
			yield(strings.Trim(s[start:], "'"))
		}
	}
}

func hasStem(w []byte, stems []string) bool {
	for _, s := range stems {
		if len(w) >= len(s) && string(w[:len(s)]) == s {
			return true
		}
	}
	return false
}
