package timex

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

var months = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
	"sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// abbreviations are the month names that take a dot ("Jan."); a full
// name's dot ends the sentence.
var abbreviations = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// ambiguousMonths are also ordinary words; they count as months only next
// to a day or a year, or after a word that introduces a date ("in May").
var ambiguousMonths = map[string]bool{"may": true, "march": true, "mar": true}

// yearWords before a number make it a year ("in 1887"), and before a month
// make it that month ("in January").
var yearWords = map[string]bool{
	"in": true, "since": true, "from": true, "until": true, "till": true, "by": true, "of": true,
	"during": true, "before": true, "after": true, "year": true, "early": true, "late": true,
	"mid": true, "around": true, "circa": true, "between": true, "and": true, "to": true, "through": true,
	"last": true, "next": true, "this": true, "into": true,
}

var ordinals = map[string]int{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
	"eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
	"fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
	"nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}

// monthAt reads a month name (with an abbreviation's dot) at i.
func (f *finder) monthAt(i, to int) (time.Month, int, bool) {
	if i >= to || f.d.Tokens[i].Kind != tokens.Word {
		return 0, i, false
	}
	w := f.word(i)
	m, ok := months[w]
	if ok && !f.d.Tokens[i].Cap {
		return 0, i, false
	}
	if !ok {
		// "mid-November", "late-November": one token.
		if k := strings.IndexByte(w, '-'); k > 0 && prefixes[w[:k]] {
			t := f.d.TokenText(i)
			if m, ok = months[w[k+1:]]; ok && !abbreviations[w[k+1:]] && t[k+1] >= 'A' && t[k+1] <= 'Z' {
				return m, i + 1, true
			}
		}
		return 0, i, false
	}
	end := i + 1
	if abbreviations[w] && f.isDot(end, to) && f.d.Tokens[end].Start == f.d.Tokens[i].End {
		end++
	}
	return m, end, true
}

// dayAt reads a day of the month: "10", "10th", "eighth".
func (f *finder) dayAt(i, to int) (int, int, bool) {
	if i >= to {
		return 0, i, false
	}
	w := f.word(i)
	if n, ok := ordinals[w]; ok {
		return n, i + 1, true
	}
	if a, b, ok := strings.Cut(w, "-"); ok && a == "twenty" {
		if n, ok := ordinals[b]; ok && n < 10 {
			return 20 + n, i + 1, true
		}
	}
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		w = strings.TrimSuffix(w, suf)
	}
	if len(w) == 0 || len(w) > 2 || w[0] < '0' || w[0] > '9' {
		return 0, i, false
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 1 || n > 31 {
		return 0, i, false
	}
	return n, i + 1, true
}

// yearAt reads a year: four digits, or spoken ("nineteen ninety-six",
// "two thousand").
func (f *finder) yearAt(i, to int) (int, int, bool) {
	if i >= to {
		return 0, i, false
	}
	if f.d.Tokens[i].Kind == tokens.Word {
		return f.spokenYear(i, to)
	}
	if f.d.Tokens[i].Kind != tokens.Number {
		return 0, i, false
	}
	w := f.d.TokenText(i)
	if len(w) != 4 {
		return 0, i, false
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 1000 || n > 2199 {
		return 0, i, false
	}
	return n, i + 1, true
}

// spokenYear reads a year as broadcast transcripts write it: "nineteen
// ninety-six", "nineteen seventy", "two thousand [and] one".
func (f *finder) spokenYear(i, to int) (int, int, bool) {
	switch f.word(i) {
	case "nineteen", "eighteen":
		century := 1900
		if f.word(i) == "eighteen" {
			century = 1800
		}
		if n, j, ok := f.number(i+1, to); ok && i+1 < to && f.d.Tokens[i+1].Kind == tokens.Word && n >= 10 && n < 100 {
			return century + n, j, true
		}
	case "two":
		if f.wordIs(i+1, to, "thousand") {
			j := i + 2
			if f.wordIs(j, to, "and") {
				if n, k, ok := f.number(j+1, to); ok && n < 100 && f.d.Tokens[j+1].Kind == tokens.Word {
					return 2000 + n, k, true
				}
			}
			if n, k, ok := f.number(j, to); ok && n < 100 && j < to && f.d.Tokens[j].Kind == tokens.Word {
				return 2000 + n, k, true
			}
			return 2000, j, true
		}
	}
	return 0, i, false
}

// weekdayAt skips an optional weekday before an explicit date:
// "Tuesday 11 January 2022", "Monday, January 10".
func (f *finder) weekdayAt(i, to int) int {
	if i < to && f.d.Tokens[i].Cap {
		if _, ok := weekdays[f.word(i)]; ok {
			return f.skipComma(i+1, to)
		}
	}
	return i
}

func validDate(y int, m time.Month, d int) bool {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && t.Month() == m && t.Day() == d
}

// futureWeight makes a date ahead of publication count half again as far
// as one behind it when a year is inferred: news reports more than it
// announces. Measured on the TempEval-3 dev set (month-day and bare
// month gold, 211 mentions): 1.5 picks the annotated year 198 times,
// nearest-either-way 190.
const futureWeight = 1.5

// inferYear picks the year putting month/day nearest the publication date.
func (f *finder) inferYear(m time.Month, day int) (int, bool) {
	if !f.hasPub {
		return 0, false
	}
	best, bestCost := 0, 1e18
	for y := f.pub.Year() - 1; y <= f.pub.Year()+1; y++ {
		if !validDate(y, m, day) {
			continue
		}
		cost := time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Sub(f.pub).Hours()
		if cost < 0 {
			cost = -cost
		} else {
			cost *= futureWeight
		}
		if cost < bestCost {
			best, bestCost = y, cost
		}
	}
	return best, best != 0
}

// inferMonthYear is inferYear for a month alone, counted in months.
func (f *finder) inferMonthYear(m time.Month) (int, bool) {
	if !f.hasPub {
		return 0, false
	}
	best, bestCost := 0, 1e18
	for y := f.pub.Year() - 1; y <= f.pub.Year()+1; y++ {
		cost := float64((y-f.pub.Year())*12 + int(m) - int(f.pub.Month()))
		if cost < 0 {
			cost = -cost
		} else {
			cost *= futureWeight
		}
		if cost < bestCost {
			best, bestCost = y, cost
		}
	}
	return best, true
}

func isoDay(y int, m time.Month, d int) string { return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d) }
func isoMonth(y int, m time.Month) string      { return fmt.Sprintf("%04d-%02d", y, int(m)) }

func (f *finder) isoDate(i, to int) (match, bool) {
	w := f.d.TokenText(i)
	if len(w) != 10 || f.d.Tokens[i].Kind != tokens.Number {
		return match{}, false
	}
	t, err := time.Parse(time.DateOnly, w)
	if err != nil {
		return match{}, false
	}
	f.lastYear = t.Year()
	return match{end: i + 1, value: w}, true
}

// dayMonth reads [Weekday] 10 January [2022].
func (f *finder) dayMonth(i, to int) (match, bool) {
	j := f.weekdayAt(i, to)
	day, j, ok := f.dayAt(j, to)
	if !ok {
		return match{}, false
	}
	if j < to && f.word(j) == "of" {
		j++
	}
	m, j, ok := f.monthAt(j, to)
	if !ok {
		return match{}, false
	}
	return f.dayWithYear(j, to, m, day)
}

// dayWithYear completes a day and month read up to j with the year written
// after them ("2022", "last year"), or else the year the article's date
// implies.
func (f *finder) dayWithYear(j, to int, m time.Month, day int) (match, bool) {
	if y, k, ok := f.yearAt(f.skipComma(j, to), to); ok {
		if !validDate(y, m, day) {
			return match{}, false
		}
		f.lastYear = y
		return match{end: k, value: isoDay(y, m, day)}, true
	}
	if y, k, ok := f.relativeYear(j, to); ok && validDate(y, m, day) {
		return match{end: k, value: isoDay(y, m, day)}, true
	}
	y, ok := f.inferYear(m, day)
	if !ok {
		return match{}, false
	}
	return match{end: j, value: isoDay(y, m, day)}, true
}

// relativeYear reads "this year", "last year", "next year" after a month.
func (f *finder) relativeYear(j, to int) (int, int, bool) {
	if !f.hasPub || !f.wordIs(j+1, to, "year") {
		return 0, j, false
	}
	switch f.wordOr(j, to) {
	case "this":
		return f.pub.Year(), j + 2, true
	case "last":
		return f.pub.Year() - 1, j + 2, true
	case "next":
		return f.pub.Year() + 1, j + 2, true
	}
	return 0, j, false
}

// monthDay reads [Weekday,] January 10[, 2022] and Jan. 10.
func (f *finder) monthDay(i, to int) (match, bool) {
	j := f.weekdayAt(i, to)
	m, j, ok := f.monthAt(j, to)
	if !ok {
		return match{}, false
	}
	day, j, ok := f.dayAt(j, to)
	if !ok || j < to && f.d.Tokens[j].Kind == tokens.Number && f.d.TokenText(j) != "," {
		return match{}, false
	}
	return f.dayWithYear(j, to, m, day)
}

// monthYear reads January 2022, and "June last year".
func (f *finder) monthYear(i, to int) (match, bool) {
	m, j, ok := f.monthAt(i, to)
	if !ok {
		return match{}, false
	}
	if y, k, ok := f.yearAt(f.skipComma(j, to), to); ok {
		f.lastYear = y
		return match{end: k, value: isoMonth(y, m)}, true
	}
	if y, k, ok := f.relativeYear(j, to); ok {
		return match{end: k, value: isoMonth(y, m)}, true
	}
	return match{}, false
}

// month reads a month alone after a word introducing a date ("in
// January", "last April", "early June"), in the year nearest the
// publication date; "last April" is the last April before the
// publication month, "next April" the first after it.
func (f *finder) month(i, to int) (match, bool) {
	if !f.hasPub {
		return match{}, false
	}
	start := i
	if f.wordIs(i, to, "last", "next", "this") {
		i++
	}
	m, j, ok := f.monthAt(i, to)
	if !ok {
		return match{}, false
	}
	w := f.word(i)
	if abbreviations[w] && j == i+1 {
		return match{}, false // "Jan" without its dot is a name
	}
	prev := ""
	if start > 0 && start == i {
		prev = f.word(start - 1)
	} else if start < i {
		prev = f.word(start)
	}
	if !yearWords[prev] && prev != "for" && prev != "the" && start == i {
		return match{}, false
	}
	if ambiguousMonths[w] && (prev == "and" || prev == "the") {
		return match{}, false
	}
	p := f.pub
	var y int
	switch {
	case start < i && prev == "last":
		y = p.Year()
		if m >= p.Month() {
			y--
		}
	case start < i && prev == "next":
		y = p.Year()
		if m <= p.Month() {
			y++
		}
	case start < i && prev == "this":
		y = p.Year()
	default:
		y, _ = f.inferMonthYear(m)
	}
	return match{end: j, value: isoMonth(y, m)}, true
}

// year reads a four-digit year: after a word introducing a date ("in
// 1887"), or, from 1900 to 2099, anywhere it is not a count ("his 1996
// campaign", "1994, 1995 and 1997", but not "2019 delegates").
func (f *finder) year(i, to int) (match, bool) {
	if w := f.word(i); f.d.Tokens[i].Kind == tokens.Word && len(w) > 5 && w[len(w)-5] == '-' && prefixes[w[:len(w)-5]] {
		// "mid-1996": one token.
		if y, err := strconv.Atoi(w[len(w)-4:]); err == nil && y >= 1000 && y < 2200 {
			f.lastYear = y
			return match{end: i + 1, value: strconv.Itoa(y)}, true
		}
	}
	if f.d.Tokens[i].Kind == tokens.Word {
		// "nineteen ninety-six" is a year anywhere; "two thousand" only
		// after "the year", "in" and the like.
		y, j, ok := f.spokenYear(i, to)
		if !ok || f.word(i) == "two" && (i == 0 || !yearWords[f.word(i-1)] && f.word(i-1) != "year") {
			return match{}, false
		}
		f.lastYear = y
		return match{end: j, value: strconv.Itoa(y)}, true
	}
	y, j, ok := f.yearAt(i, to)
	if !ok {
		return match{}, false
	}
	after := i > 0 && f.d.Tokens[i-1].Kind == tokens.Word && yearWords[f.word(i-1)]
	if !after && !f.bareYear(i, j, to, y) {
		return match{}, false
	}
	f.lastYear = y
	return match{end: j, value: strconv.Itoa(y)}, true
}

// bareYear reports whether the number y at i..j reads as a year though no
// word introduces it.
func (f *finder) bareYear(i, j, to, y int) bool {
	if y < 1900 || y > 2099 {
		return false
	}
	if i > 0 {
		switch f.d.TokenText(i - 1) {
		case "$", "#", "£", "€", "No", "no", "No.", "than", "about", "some", "nearly", "almost", "over", "under":
			return false
		}
	}
	if j < to {
		n := f.d.Tokens[j]
		w := f.word(j)
		switch {
		case w == "%" || w == "percent" || w == "per":
			return false
		case n.Kind == tokens.Word && !n.Cap && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !isYearNoun(w):
			return false // "2019 delegates"
		}
	}
	return true
}

// isYearNoun: plural nouns a year may stand before ("1990 earnings").
func isYearNoun(w string) bool {
	switch w {
	case "earnings", "results", "sales", "elections", "games", "olympics", "talks", "levels", "figures", "operations", "protests":
		return true
	}
	return false
}

// decade reads "the 1990s", "1990s", "the '90s", "the nineties",
// "mid-1980s": value "199" (TimeML's decade).
func (f *finder) decade(i, to int) (match, bool) {
	j := i
	if f.wordIs(j, to, "the") {
		j++
	}
	if f.wordIs(j, to, "early", "late", "mid") {
		j++
	}
	if j >= to {
		return match{}, false
	}
	w := f.word(j)
	for _, p := range []string{"mid-", "early-", "late-"} {
		w = strings.TrimPrefix(w, p)
	}
	if len(w) == 5 && strings.HasSuffix(w, "s") {
		if n, err := strconv.Atoi(w[:4]); err == nil && n%10 == 0 && n >= 1000 && n < 2200 {
			return match{end: j + 1, value: strconv.Itoa(n / 10)}, true
		}
	}
	if w == "'" && j+1 < to && f.d.Tokens[j+1].Start == f.d.Tokens[j].End {
		w2 := f.word(j + 1)
		if len(w2) == 3 && w2[2] == 's' && w2[0] >= '0' && w2[0] <= '9' && w2[1] == '0' {
			cent := 19
			if w2[0] < '3' && f.hasPub && f.pub.Year() >= 2000 {
				cent = 20
			}
			return match{end: j + 2, value: fmt.Sprintf("%d%c", cent, w2[0])}, true
		}
	}
	if j > i { // a spelled decade needs "the": "the nineties"
		if n, ok := decadeWords[w]; ok {
			return match{end: j + 1, value: strconv.Itoa(190 + n)}, true
		}
	}
	return match{}, false
}

var decadeWords = map[string]int{
	"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
	"eighties": 8, "nineties": 9,
}

// century reads "the 21st century", "this century", "the last century":
// value "20" (TimeML's century, 2000–2099).
func (f *finder) century(i, to int) (match, bool) {
	j := i
	rel := ""
	switch f.word(j) {
	case "the":
		j++
		if f.wordIs(j, to, "last", "previous", "next") {
			rel = f.word(j)
			j++
		}
	case "this", "last", "next":
		rel = f.word(j)
		j++
	}
	if !f.wordIs(j+1, to, "century") || j >= to {
		if rel != "" && f.wordIs(j, to, "century") && f.hasPub {
			c := (f.pub.Year() - 1) / 100
			switch rel {
			case "last", "previous":
				c--
			case "next":
				c++
			}
			return match{end: j + 1, value: strconv.Itoa(c)}, true
		}
		return match{}, false
	}
	w := f.word(j)
	n, ok := ordinals[w]
	if !ok {
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			w = strings.TrimSuffix(w, suf)
		}
		v, err := strconv.Atoi(w)
		if err != nil || v < 1 || v > 22 {
			return match{}, false
		}
		n = v
	}
	return match{end: j + 2, value: fmt.Sprintf("%02d", n-1)}, true
}

// fiscalYear reads "fiscal 1989" and "the current fiscal year".
func (f *finder) fiscalYear(i, to int) (match, bool) {
	if f.wordIs(i, to, "fiscal") {
		if y, j, ok := f.yearAt(i+1, to); ok {
			f.lastYear = y
			return match{end: j, value: strconv.Itoa(y)}, true
		}
		return match{}, false
	}
	if f.hasPub && f.wordIs(i, to, "the") && f.wordIs(i+1, to, "current") {
		j := i + 2
		if f.wordIs(j, to, "fiscal") {
			j++
		}
		if f.wordIs(j, to, "year") {
			return match{end: j + 1, value: strconv.Itoa(f.pub.Year())}, true
		}
	}
	return match{}, false
}
