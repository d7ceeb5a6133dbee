package clean

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// ErrNotProse reports text that cannot be an article: most of it is in
// runs of characters with no word break (a 2 MB line of base64, a hash
// dump), which no language's prose has.
var ErrNotProse = fmt.Errorf("%w: text has no word breaks", ErrNoText)

// Thresholds of checkProse. A word, in any language written with spaces,
// is far shorter than maxRun characters (the longest German compounds and
// URLs are under 100 or so); scripts written without spaces (Chinese,
// Japanese, Thai, …) break at every character for this count. Text is
// refused when more than notProseShare of its characters are in runs
// longer than maxRun: one long URL or identifier in an article is fine.
// Measured on the dev inputs (go test -run TestProseCheckKeepsDevInputs,
// which reads ../shared): no article there is refused.
const (
	maxRun        = 200
	notProseShare = 0.5
)

// checkProse returns ErrNotProse, with the figures, for text that cannot
// be an article; nil otherwise.
func checkProse(text string) error {
	total, inLongRuns, run := 0, 0, 0
	flush := func() {
		if run > maxRun {
			inLongRuns += run
		}
		run = 0
	}
	for _, r := range text {
		total++
		if unicode.IsSpace(r) || noSpaceScript(r) {
			flush()
			continue
		}
		run++
	}
	flush()
	if total > 0 && float64(inLongRuns) > notProseShare*float64(total) {
		return fmt.Errorf("%w: %d of %d characters are in runs of over %d without a break", ErrNotProse, inLongRuns, total, maxRun)
	}
	return nil
}

// noSpaceScript reports a character of a script written without spaces
// between words, where any character may end a word.
func noSpaceScript(r rune) bool {
	if r < utf8.RuneSelf {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
		unicode.Khmer, unicode.Myanmar, unicode.Tibetan)
}
