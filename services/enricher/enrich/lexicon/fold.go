package lexicon

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns the key under which a word is counted: lower case, curly
// apostrophes straightened, a possessive "'s" removed and an English plural
// reduced to its singular by suffix rules. It is deliberately lighter than
// a stemmer: "talks" and "talk" meet, "national" and "nation" do not, so a
// folded key can still be shown to a reader.
func Fold(word string) string {
	w := Lower(word)
	w = strings.TrimSuffix(w, "'s")
	w = strings.TrimSuffix(w, "'")
	if len(w) <= 3 || invariantPlurals[w] {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"),
		strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"),
		strings.HasSuffix(w, "'s"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// invariantPlurals end in s but are not plurals (or have no singular in
// news use); folding them would merge unrelated words ("news", "new").
var invariantPlurals = map[string]bool{
	"news": true, "series": true, "species": true, "means": true, "politics": true,
	"economics": true, "physics": true, "headquarters": true, "whereabouts": true,
	"always": true, "perhaps": true, "afterwards": true, "towards": true, "besides": true,
	"whereas": true, "thanks": true, "arms": true, "olympics": true, "athletics": true,
	"was": true, "has": true, "does": true, "yes": true, "its": true, "his": true, "hers": true,
	"ours": true, "yours": true, "theirs": true, "this": true, "thus": true, "less": true,
	"unless": true, "across": true, "sometimes": true, "nevertheless": true, "nonetheless": true,
}

// Lower lower-cases s and straightens curly apostrophes, allocating only
// when something changes.
func Lower(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '\u2019', '\u2018', '\u02bc':
			r = '\''
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
