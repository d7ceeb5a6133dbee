package timex

import (
	"fmt"
	"strconv"
	"strings"
)

// quarterValue renders a quarter index (year*4 + quarter-1) as "2022-Q1".
func quarterValue(q int) string { return fmt.Sprintf("%04d-Q%d", q/4, q%4+1) }

// pubQuarter is the publication's quarter index.
func (f *finder) pubQuarter() int { return f.pub.Year()*4 + (int(f.pub.Month())-1)/3 }

// ordinalPart reads a quarter's or half's ordinal: "third", "3rd",
// "last" (a half's).
func ordinalPart(w string) int {
	if n, ok := ordinals[w]; ok && n <= 4 {
		return n
	}
	switch w {
	case "1st":
		return 1
	case "2nd":
		return 2
	case "3rd":
		return 3
	case "4th":
		return 4
	}
	return 0
}

// quarter reads the quarters and halves of earnings reports: "the third
// quarter [of 1989]", "third-quarter", "this year's third quarter", "the
// fiscal first quarter", "the quarter", "the latest quarter", "the
// year-ago quarter", "the 1988 period", "the quarter a year ago", "the
// first half", "the last half of 1989", "the first two quarters of 1990".
func (f *finder) quarter(i, to int) (match, bool) {
	j := i
	det := ""
	switch f.word(j) {
	case "its":
		// "its third quarter": TimeML leaves the possessive out.
		return match{}, false
	case "this", "last", "next":
		if f.wordIs(j+1, to, "year") {
			break // "this year's third quarter": read below
		}
		fallthrough
	case "the", "that":
		det = f.word(j)
		j++
	}
	year, yearAgo, latest, current, comparable, lastOne := 0, false, false, false, false, false
	// Modifiers between the determiner and the head, at most four.
	ord, head := 0, ""
	for n := 0; n < 4 && j < to && head == ""; n++ {
		w := f.word(j)
		switch {
		case w == "latest" || w == "most-recent" || w == "recent":
			latest = true
		case w == "current":
			current = true
		case w == "year-ago" || w == "year-earlier":
			yearAgo = true
		case w == "comparable" || w == "corresponding" || w == "same" || w == "fiscal" || w == "flat":
			comparable = comparable || w != "fiscal" && w != "flat"
		case (w == "this" || w == "last" || w == "next") && f.wordIs(j+1, to, "year") && f.wordIs(j+2, to, "'s", "’s"):
			if !f.hasPub {
				return match{}, false
			}
			year = f.pub.Year() + map[string]int{"this": 0, "last": -1, "next": 1}[w]
			j += 2
		case ordinalPart(strings.TrimPrefix(w, "fiscal-")) > 0:
			ord = ordinalPart(strings.TrimPrefix(w, "fiscal-"))
		case strings.HasSuffix(w, "-quarter") || strings.HasSuffix(w, "-half"):
			a, b, _ := strings.Cut(w, "-")
			if ord = ordinalPart(a); ord == 0 {
				return match{}, false
			}
			head = b
			if det != "" || j > i {
				// "the third-quarter loss": TimeML spans the adjective alone.
				return match{}, false
			}
		case w == "quarter" || w == "period" || w == "half":
			head = w
		case len(w) == 4 && w[0] >= '1' && w[0] <= '2':
			y, err := strconv.Atoi(w)
			if err != nil || y < 1900 || y > 2099 {
				return match{}, false
			}
			year = y
		case w == "last" || w == "previous" || w == "past":
			lastOne = true // "the last half", "the last quarter"
		case w == "two" && j > i && f.wordIs(j+1, to, "quarters"):
			// "the first two quarters" is the first half.
			first := f.word(j-1) == "first"
			ord = 2
			if first {
				ord = 1
			}
			head = "half"
			j++
		default:
			return match{}, false
		}
		j++
	}
	if head == "" || j > to {
		return match{}, false
	}
	if lastOne && ord == 0 {
		if head == "half" {
			ord = 2
		} else {
			det = "last"
		}
	}
	if j < to && (f.d.TokenText(j) == "-" || f.word(j) == "-point") {
		return match{}, false
	}
	// The head needs a determiner or a modifier that makes it a date, not a
	// fraction ("a quarter of the vote") or an era ("a period of calm").
	switch {
	case head == "period" && !(latest || yearAgo || comparable || year != 0):
		return match{}, false
	case head == "half" && ord == 0:
		return match{}, false
	case head == "quarter" && ord == 0 && det == "" && !yearAgo && year == 0:
		return match{}, false
	case det == "" && ord == 0 && !yearAgo && year == 0:
		return match{}, false
	}
	// A year written after: "of 1989", "of fiscal 1990", "of next year".
	if f.wordIs(j, to, "of") {
		k := j + 1
		if f.wordIs(k, to, "fiscal") {
			k++
		}
		if y, e, ok := f.yearAt(k, to); ok {
			year, j = y, e
			f.lastYear = y
		} else if y, e, ok := f.relativeYear(k, to); ok {
			year, j = y, e
		} else if f.wordIs(k, to, "the") && f.wordIs(k+1, to, "year") && f.hasPub {
			year, j = f.pub.Year(), k+2
		} else if ord == 0 {
			return match{}, false // "the quarter of a century"
		}
	}
	// A comparison after: "the quarter a year ago", "the period last year".
	if f.wordIs(j, to, "a") && f.wordIs(j+1, to, "year") && f.wordIs(j+2, to, "ago", "earlier") {
		yearAgo, j = true, j+3
	} else if f.wordIs(j, to, "last") && f.wordIs(j+1, to, "year") && (comparable || head == "period") {
		yearAgo, j = true, j+2
	}
	if head == "half" {
		if year == 0 {
			if !f.hasPub {
				return match{}, false
			}
			year = f.pub.Year()
			if ord == 2 && f.pub.Month() < 4 {
				year--
			}
		}
		if yearAgo {
			year--
		}
		return match{end: j, value: fmt.Sprintf("%04d-H%d", year, ord)}, true
	}
	if year == 0 && !f.hasPub {
		return match{}, false
	}
	var q int
	switch {
	case year != 0 && ord != 0:
		q = year*4 + ord - 1
	case year != 0:
		// "the 1988 period": the reference quarter in that year.
		ref := f.lastQuarter
		if ref == 0 && f.hasPub {
			ref = f.pubQuarter() - 1
		}
		q = year*4 + ref%4
	case ord != 0:
		q = f.pub.Year()*4 + ord - 1
		if q-f.pubQuarter() >= 2 {
			q -= 4
		}
		if det == "next" {
			q += 4
		}
	case det == "last" && !yearAgo:
		q = f.pubQuarter() - 1
	case det == "next":
		q = f.pubQuarter() + 1
	case det == "this" && f.lastQuarter != 0:
		q = f.lastQuarter // "this quarter's loss" in a report on a quarter
	case current || det == "this":
		q = f.pubQuarter()
	case latest || f.lastQuarter == 0:
		q = f.pubQuarter() - 1
	default:
		q = f.lastQuarter
	}
	if yearAgo && year == 0 {
		ref := f.lastQuarter
		if ref == 0 {
			ref = f.pubQuarter() - 1
		}
		if ord != 0 {
			ref = ref/4*4 + ord - 1
		}
		q = ref - 4
	} else if !yearAgo && head == "quarter" {
		f.lastQuarter = q
	}
	return match{end: j, value: quarterValue(q)}, true
}

// yearAgoQuarter reads "year-earlier" and "year-ago" alone ("year-earlier
// results"): the quarter the article last named, a year before, or else
// the year before publication.
func (f *finder) yearAgoQuarter(i, to int) (match, bool) {
	if !f.wordIs(i, to, "year-earlier", "year-ago") {
		return match{}, false
	}
	if f.lastQuarter != 0 {
		return match{end: i + 1, value: quarterValue(f.lastQuarter - 4)}, true
	}
	if f.hasPub {
		return match{end: i + 1, value: strconv.Itoa(f.pub.Year() - 1)}, true
	}
	return match{}, false
}
