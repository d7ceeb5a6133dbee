package extractbench

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scores are the three figures both benchmarks report.
type Scores struct {
	Precision, Recall, F1 float64
	// Accuracy is Scrapinghub's share of pages whose tokens match exactly;
	// the trafilatura benchmark has no such figure and leaves it zero.
	Accuracy float64
}

// shingleCounts is one page's Scrapinghub tally, already normalised so
// that tp+fp+fn == 1 (or all zero when both texts are empty).
type shingleCounts struct{ tp, fp, fn float64 }

// scrapinghubPage scores one prediction against the truth the way the
// Scrapinghub article-extraction-benchmark does: multisets of 4-token
// shingles, counts normalised per page so every page weighs the same.
func scrapinghubPage(truth, pred string) (c shingleCounts, exact bool) {
	tt, pt := wordTokens(truth), wordTokens(pred)
	exact = equalStrings(tt, pt)
	ts, ps := shingles(tt), shingles(pt)
	var tp, fp, fn int
	for k, t := range ts {
		p := ps[k]
		tp += min(t, p)
		fn += max(0, t-p)
	}
	for k, p := range ps {
		fp += max(0, p-ts[k])
	}
	if s := tp + fp + fn; s > 0 {
		c = shingleCounts{float64(tp) / float64(s), float64(fp) / float64(s), float64(fn) / float64(s)}
	}
	return c, exact
}

// scrapinghubScores combines per-page tallies: precision and recall are
// means over the pages where they are defined (an empty prediction does
// not lower precision), F1 their harmonic mean.
func scrapinghubScores(pages []shingleCounts, exact int) Scores {
	var psum, rsum float64
	var pn, rn int
	for _, c := range pages {
		if c.tp+c.fp > 0 {
			psum += c.tp / (c.tp + c.fp)
			pn++
		}
		if c.tp+c.fn > 0 {
			rsum += c.tp / (c.tp + c.fn)
			rn++
		}
	}
	var s Scores
	if pn > 0 {
		s.Precision = psum / float64(pn)
	}
	if rn > 0 {
		s.Recall = rsum / float64(rn)
	}
	s.F1 = harmonic(s.Precision, s.Recall)
	if len(pages) > 0 {
		s.Accuracy = float64(exact) / float64(len(pages))
	}
	return s
}

func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// wordTokens returns every match of Python's Unicode `\w+`: maximal runs
// of letters, numbers and underscores. Python's \w does not include
// combining marks, so neither does this.
func wordTokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// shingles counts the 4-token shingles of a token list; a list of one to
// three tokens is a single short shingle, an empty list has none.
func shingles(tokens []string) map[string]int {
	const n = 4
	m := make(map[string]int, len(tokens))
	if len(tokens) == 0 {
		return m
	}
	if len(tokens) < n {
		m[strings.Join(tokens, " ")]++
		return m
	}
	for i := 0; i+n <= len(tokens); i++ {
		m[strings.Join(tokens[i:i+n], " ")]++
	}
	return m
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// snippetCounts is the trafilatura benchmark's tally, pooled over pages.
type snippetCounts struct{ tp, fn, fp, tn int }

func (c *snippetCounts) add(o snippetCounts) {
	c.tp += o.tp
	c.fn += o.fn
	c.fp += o.fp
	c.tn += o.tn
}

// trafilaturaPage scores one extraction the way trafilatura's evaluation
// does: after collapsing whitespace, each "with" snippet found is a true
// positive, each "without" snippet found a false positive. A failed
// extraction (failed == true) finds nothing.
func trafilaturaPage(text string, with, without []string, failed bool) snippetCounts {
	var c snippetCounts
	if failed {
		c.fn, c.tn = len(with), len(without)
		return c
	}
	norm := collapseSpace(text)
	for _, s := range with {
		if strings.Contains(norm, collapseSpace(s)) {
			c.tp++
		} else {
			c.fn++
		}
	}
	for _, s := range without {
		if strings.Contains(norm, collapseSpace(s)) {
			c.fp++
		} else {
			c.tn++
		}
	}
	return c
}

func trafilaturaScores(c snippetCounts) Scores {
	var s Scores
	if c.tp+c.fp > 0 {
		s.Precision = float64(c.tp) / float64(c.tp+c.fp)
	}
	if c.tp+c.fn > 0 {
		s.Recall = float64(c.tp) / float64(c.tp+c.fn)
	}
	if d := 2*c.tp + c.fp + c.fn; d > 0 {
		s.F1 = float64(2*c.tp) / float64(d)
	}
	return s
}

// collapseSpace is Python's " ".join(s.split()): runs of Unicode
// whitespace become one space, ends trimmed.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		if isPySpace(r) {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isPySpace is Python's str.isspace: Go's Unicode White_Space plus the
// information separators U+001C..U+001F, which Python also splits on.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
