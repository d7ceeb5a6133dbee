// Package lang tells the language of a text (ISO 639-1), in pure Go and
// without a model file: by script for languages with their own (Greek,
// Cyrillic, Arabic, Hebrew, the Indic scripts, Thai, Korean, Japanese,
// Chinese), and by the frequency of each language's commonest function
// words for the Latin-script languages. Function words are a strong
// signal from a few sentences on, which is what an article is; for a
// line or two Detect may say it cannot tell ("").
package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sampleRunes is how much of a text is looked at: a few paragraphs tell
// a language as well as a whole article.
const sampleRunes = 1000

// Detect returns the language of text, or "" when it cannot tell.
func Detect(text string) string {
	if len(text) > 4*sampleRunes {
		text = text[:4*sampleRunes]
		for !utf8.ValidString(text) && len(text) > 0 {
			text = text[:len(text)-1]
		}
	}
	if l := byScript(text); l != "" {
		return l
	}
	return byWords(text)
}

// byScript counts letters per script and names the language of a
// dominant non-Latin script.
func byScript(text string) string {
	var latin, total int
	counts := map[string]int{}
	var hasKana, hasHangul bool
	var ukr, bel, srb, bul, rus, persian, urdu int
	for _, r := range text {
		if r < 0x80 {
			if 'a' <= r|0x20 && r|0x20 <= 'z' {
				total++
				latin++
			}
			continue
		}
		if !unicode.IsLetter(r) {
			continue
		}
		total++
		switch {
		case r < 0x250:
			latin++
		case unicode.Is(unicode.Hangul, r):
			counts["ko"]++
			hasHangul = true
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			counts["ja"]++
			hasKana = true
		case unicode.Is(unicode.Han, r):
			counts["han"]++
		case unicode.Is(unicode.Cyrillic, r):
			counts["cyr"]++
			switch r {
			case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
				ukr++
			case 'ў', 'Ў':
				bel++
			case 'ђ', 'ћ', 'џ', 'љ', 'њ', 'ј', 'Ђ', 'Ћ', 'Џ', 'Љ', 'Њ', 'Ј':
				srb++
			case 'ъ', 'Ъ':
				bul++
			case 'ы', 'э', 'ё', 'Ы', 'Э', 'Ё':
				rus++ // letters Bulgarian does not have
			}
		case unicode.Is(unicode.Greek, r):
			counts["el"]++
		case unicode.Is(unicode.Arabic, r):
			counts["ar"]++
			switch r {
			case 'پ', 'چ', 'ژ', 'گ', 'ی':
				persian++
			case 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے':
				urdu++
			}
		case unicode.Is(unicode.Hebrew, r):
			counts["he"]++
		case unicode.Is(unicode.Thai, r):
			counts["th"]++
		case unicode.Is(unicode.Devanagari, r):
			counts["hi"]++
		case unicode.Is(unicode.Bengali, r):
			counts["bn"]++
		case unicode.Is(unicode.Tamil, r):
			counts["ta"]++
		case unicode.Is(unicode.Telugu, r):
			counts["te"]++
		case unicode.Is(unicode.Gujarati, r):
			counts["gu"]++
		case unicode.Is(unicode.Gurmukhi, r):
			counts["pa"]++
		case unicode.Is(unicode.Kannada, r):
			counts["kn"]++
		case unicode.Is(unicode.Malayalam, r):
			counts["ml"]++
		case unicode.Is(unicode.Georgian, r):
			counts["ka"]++
		case unicode.Is(unicode.Armenian, r):
			counts["hy"]++
		case unicode.Is(unicode.Ethiopic, r):
			counts["am"]++
		case unicode.Is(unicode.Khmer, r):
			counts["km"]++
		case unicode.Is(unicode.Lao, r):
			counts["lo"]++
		case unicode.Is(unicode.Myanmar, r):
			counts["my"]++
		case unicode.Is(unicode.Sinhala, r):
			counts["si"]++
		default:
			latin++ // extended Latin
		}
	}
	if total == 0 || latin*2 >= total {
		return ""
	}
	best, n := "", 0
	for s, c := range counts {
		if c > n || (c == n && s < best) {
			best, n = s, c
		}
	}
	switch best {
	case "han":
		if hasKana {
			return "ja"
		}
		if hasHangul {
			return "ko"
		}
		return "zh"
	case "ja":
		return "ja"
	case "cyr":
		switch {
		case ukr > 0 && ukr >= bel:
			return "uk"
		case bel > 0:
			return "be"
		case srb > 0:
			return "sr"
		case rus == 0 && bul*50 > n:
			return "bg"
		}
		return "ru"
	case "ar":
		switch {
		case urdu > 0:
			return "ur"
		case persian*50 > n:
			return "fa"
		}
		return "ar"
	}
	return best
}

// byWords scores the Latin-script languages by their function words.
func byWords(text string) string {
	scores := make([]int, len(languages))
	words := 0
	for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		if len(w) > 12 {
			continue
		}
		words++
		var buf [48]byte
		for _, i := range wordIndex[string(lowerWord(buf[:0], w))] {
			scores[i]++
		}
	}
	best, second := -1, 0
	for i, s := range scores {
		switch {
		case best < 0 || s > scores[best]:
			if best >= 0 {
				second = scores[best]
			}
			best = i
		case s > second:
			second = s
		}
	}
	if best < 0 {
		return ""
	}
	top := scores[best]
	// Enough evidence, and clearly ahead of the runner-up (Danish and
	// Norwegian, Spanish and Portuguese share many words).
	if top < 3 || top*20 < words || top*4 < second*5 {
		return ""
	}
	return languages[best].code
}

// lowerWord lower-cases a short word into buf without allocating for
// ASCII.
func lowerWord(buf []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return append(buf[:0], strings.ToLower(w)...)
		}
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}
