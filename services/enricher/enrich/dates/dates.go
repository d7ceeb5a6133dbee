// Package dates finds the dates an article writes and resolves them to
// ISO 8601 against its publication date.
//
// Explicit dates ("10 January 2022", "January 10, 2022", "Jan. 10",
// "2022-01-10", "January 2022", "in 2014") resolve on their own; a day and
// month without a year takes the year that puts it nearest the publication
// date. Relative dates need the publication date, and are skipped without
// one:
//
//   - today, yesterday, tomorrow, tonight, last night: that day;
//   - this/last/next week: the ISO week ("2022-W02"); this/last/next month
//     and year: "2022-01", "2022";
//   - the weekend: its Saturday and Sunday as an ISO interval, the last
//     one on or before the publication date ("2022-01-08/2022-01-09");
//   - a weekday on its own ("on Monday", "Monday's talks"): news style
//     names the nearest such day within a week of publication, so it is
//     the next one on or after the publication date when its clause speaks
//     of the future ("will", "is due to", "next", "later this week", …
//     between the sentence start and the weekday, nearest first), and
//     otherwise the last one on or before it: "on Monday" in a Wednesday
//     2022-01-12 article is 2022-01-10, "will meet on Thursday" is
//     2022-01-13. "last Monday" is strictly before, "next Monday" strictly
//     after, "this Monday" in the publication's ISO week;
//   - "N days/weeks/months/years/decades ago": that many before, at the
//     unit's precision ("three decades ago" in 2022 is "1992");
//   - "N years after/before <anchor>": the anchor's year plus or minus N
//     when the anchor holds a year ("two years after 2014" is "2016");
//     without one, "N years after <event>" describes the present as N
//     years after the event and dates the event: publication year minus N
//     ("eight years after seizing Crimea" in 2022 is "2014"); "N years
//     later" counts from the last year written before it.
package dates

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

var months = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
	"sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// ambiguousMonths are also ordinary words; they count as months only next
// to a day or a year.
var ambiguousMonths = map[string]bool{"may": true, "march": true, "mar": true}

var weekdays = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
	"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	"hundred": 100,
}

// yearWords before a four-digit number make it a year ("in 2014").
var yearWords = map[string]bool{
	"in": true, "since": true, "from": true, "until": true, "till": true, "by": true, "of": true,
	"during": true, "before": true, "after": true, "year": true, "early": true, "late": true,
	"mid": true, "around": true, "circa": true, "between": true, "and": true, "to": true, "through": true,
}

// futureMarkers make a weekday's clause speak of the future.
var futureMarkers = map[string]bool{
	"will": true, "shall": true, "won't": true, "due": true, "expected": true, "going": true,
	"plans": true, "planned": true, "scheduled": true, "upcoming": true, "next": true, "set": true,
	"later": true, "ahead": true, "until": true,
}

// pastMarkers make it speak of the past.
var pastMarkers = map[string]bool{
	"was": true, "were": true, "had": true, "did": true, "said": true, "met": true, "began": true,
	"held": true, "took": true, "made": true, "told": true, "came": true, "went": true, "saw": true,
	"gave": true, "left": true, "ago": true, "last": true, "earlier": true, "spoke": true, "won": true,
	"lost": true, "broke": true,
}

// Find returns the dates in d, resolved against published (which may be nil).
func Find(d *doc.Doc, published *time.Time) []pipeline.DateMention {
	f := finder{d: d, words: make([]string, len(d.Tokens))}
	if published != nil {
		p := published.UTC()
		f.pub = time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)
		f.hasPub = true
	}
	for s := range d.Sentences {
		from, to := d.SentTokens(s)
		f.sentence(from, to)
	}
	return f.out
}

type finder struct {
	d      *doc.Doc
	pub    time.Time
	hasPub bool
	out    []pipeline.DateMention
	// lastYear is the last explicit year found, for "N years later".
	lastYear int
	// words caches each token's lower-case text; every matcher reads it.
	words []string
}

func (f *finder) word(i int) string {
	if f.words[i] == "" {
		w := f.d.TokenText(i)
		if f.d.Tokens[i].Kind != doc.Punct {
			w = strings.TrimSuffix(lexicon.Lower(w), ".")
		}
		f.words[i] = w
	}
	return f.words[i]
}

func (f *finder) emit(from, to int, value string) {
	t := f.d.Text
	s, e := f.d.Tokens[from].Start, f.d.Tokens[to-1].End
	f.out = append(f.out, pipeline.DateMention{Text: t[s:e], Start: s, End: e, Value: value})
}

// matcher tries to read a date at token i, returning the end token and
// the value, or ok=false.
type matcher func(f *finder, i, to int) (end int, value string, ok bool)

var matchers = []matcher{
	(*finder).isoDate,
	(*finder).dayMonth,
	(*finder).monthDay,
	(*finder).monthYear,
	(*finder).ago,
	(*finder).yearsAfter,
	(*finder).relativePeriod,
	(*finder).weekend,
	(*finder).weekday,
	(*finder).deictic,
	(*finder).month,
	(*finder).year,
}

func (f *finder) sentence(from, to int) {
	for i := from; i < to; {
		if f.d.Tokens[i].Junk || f.d.Tokens[i].Kind == doc.Punct {
			i++
			continue
		}
		matched := false
		for _, m := range matchers {
			if end, v, ok := m(f, i, to); ok && v != "" {
				f.emit(i, end, v)
				i, matched = end, true
				break
			}
		}
		if !matched {
			i++
		}
	}
}

// skipComma returns the index after a comma at i, or i.
func (f *finder) skipComma(i, to int) int {
	if i < to && f.d.TokenText(i) == "," {
		return i + 1
	}
	return i
}

func (f *finder) isDot(i, to int) bool { return i < to && f.d.TokenText(i) == "." }

// monthAt reads a month name (with an optional abbreviation dot) at i.
func (f *finder) monthAt(i, to int) (time.Month, int, bool) {
	if i >= to || f.d.Tokens[i].Kind != doc.Word || !f.d.Tokens[i].Cap {
		return 0, i, false
	}
	w := f.word(i)
	m, ok := months[w]
	if !ok {
		return 0, i, false
	}
	end := i + 1
	if len(w) <= 4 && f.isDot(end, to) && f.d.Tokens[end].Start == f.d.Tokens[i].End {
		end++
	}
	return m, end, true
}

// dayAt reads a day of the month: "10", "10th".
func (f *finder) dayAt(i, to int) (int, int, bool) {
	if i >= to {
		return 0, i, false
	}
	w := f.word(i)
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

// yearAt reads a four-digit year.
func (f *finder) yearAt(i, to int) (int, int, bool) {
	if i >= to || f.d.Tokens[i].Kind != doc.Number {
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

// inferYear picks the year putting month/day nearest the publication date.
func (f *finder) inferYear(m time.Month, day int) (int, bool) {
	if !f.hasPub {
		return 0, false
	}
	best, bestDiff := 0, time.Duration(1<<62)
	for y := f.pub.Year() - 1; y <= f.pub.Year()+1; y++ {
		if !validDate(y, m, day) {
			continue
		}
		diff := time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Sub(f.pub)
		if diff < 0 {
			diff = -diff
		}
		if diff < bestDiff {
			best, bestDiff = y, diff
		}
	}
	return best, best != 0
}

func isoDay(y int, m time.Month, d int) string { return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d) }

func (f *finder) isoDate(i, to int) (int, string, bool) {
	w := f.d.TokenText(i)
	if len(w) != 10 || f.d.Tokens[i].Kind != doc.Number {
		return 0, "", false
	}
	t, err := time.Parse(time.DateOnly, w)
	if err != nil {
		return 0, "", false
	}
	f.lastYear = t.Year()
	return i + 1, w, true
}

// dayMonth reads [Weekday] 10 January [2022].
func (f *finder) dayMonth(i, to int) (int, string, bool) {
	j := f.weekdayAt(i, to)
	day, j, ok := f.dayAt(j, to)
	if !ok {
		return 0, "", false
	}
	if j < to && f.word(j) == "of" {
		j++
	}
	m, j, ok := f.monthAt(j, to)
	if !ok {
		return 0, "", false
	}
	return f.dayWithYear(j, to, m, day)
}

// dayWithYear completes a day and month read up to j with the year written
// after them, or else the year the article's date implies.
func (f *finder) dayWithYear(j, to int, m time.Month, day int) (int, string, bool) {
	if y, k, ok := f.yearAt(f.skipComma(j, to), to); ok {
		if !validDate(y, m, day) {
			return 0, "", false
		}
		f.lastYear = y
		return k, isoDay(y, m, day), true
	}
	y, ok := f.inferYear(m, day)
	if !ok {
		return 0, "", false
	}
	return j, isoDay(y, m, day), true
}

// monthDay reads [Weekday,] January 10[, 2022] and Jan. 10.
func (f *finder) monthDay(i, to int) (int, string, bool) {
	j := f.weekdayAt(i, to)
	m, j, ok := f.monthAt(j, to)
	if !ok {
		return 0, "", false
	}
	day, j, ok := f.dayAt(j, to)
	if !ok || j < to && f.d.Tokens[j].Kind == doc.Number {
		return 0, "", false
	}
	return f.dayWithYear(j, to, m, day)
}

// monthYear reads January 2022.
func (f *finder) monthYear(i, to int) (int, string, bool) {
	m, j, ok := f.monthAt(i, to)
	if !ok {
		return 0, "", false
	}
	y, k, ok := f.yearAt(f.skipComma(j, to), to)
	if !ok {
		return 0, "", false
	}
	f.lastYear = y
	return k, fmt.Sprintf("%04d-%02d", y, int(m)), true
}

// month reads a month alone after a preposition ("in January"), in the
// year nearest the publication date.
func (f *finder) month(i, to int) (int, string, bool) {
	m, j, ok := f.monthAt(i, to)
	if !ok || ambiguousMonths[f.word(i)] || i == 0 || !yearWords[f.word(i-1)] && f.word(i-1) != "last" && f.word(i-1) != "next" {
		return 0, "", false
	}
	if !f.hasPub {
		return 0, "", false
	}
	y, ok := f.inferYear(m, 1)
	if !ok {
		return 0, "", false
	}
	return j, fmt.Sprintf("%04d-%02d", y, int(m)), true
}

// year reads a four-digit year after a preposition ("in 2014", "since 2019").
func (f *finder) year(i, to int) (int, string, bool) {
	y, j, ok := f.yearAt(i, to)
	if !ok || i == 0 || f.d.Tokens[i-1].Kind != doc.Word || !yearWords[f.word(i-1)] {
		return 0, "", false
	}
	f.lastYear = y
	return j, strconv.Itoa(y), true
}

// number reads a count: digits or a number word ("three", "a").
func (f *finder) number(i, to int) (int, int, bool) {
	if i >= to {
		return 0, i, false
	}
	w := f.word(i)
	if n, ok := numberWords[w]; ok {
		// "twenty-five" is one token.
		return n, i + 1, true
	}
	if a, b, ok := strings.Cut(w, "-"); ok {
		if x, ok1 := numberWords[a]; ok1 && x >= 20 {
			if y, ok2 := numberWords[b]; ok2 && y < 10 {
				return x + y, i + 1, true
			}
		}
	}
	if len(w) == 0 || w[0] < '0' || w[0] > '9' {
		return 0, i, false
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 0 || n > 5000 {
		return 0, i, false
	}
	return n, i + 1, true
}

var units = map[string]string{
	"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
	"year": "year", "years": "year", "decade": "decade", "decades": "decade", "century": "century", "centuries": "century",
}

// unitAt reads a time unit: day(s), week(s), month(s), year(s), decade(s), century/centuries.
func (f *finder) unitAt(i, to int) (string, int, bool) {
	if i >= to {
		return "", i, false
	}
	if u, ok := units[f.word(i)]; ok {
		return u, i + 1, true
	}
	return "", i, false
}

// shift moves the publication date back (n < 0) or forward by n units and
// renders it at the unit's precision.
func (f *finder) shift(unit string, n int) string {
	p := f.pub
	switch unit {
	case "day":
		return p.AddDate(0, 0, n).Format(time.DateOnly)
	case "week":
		y, w := p.AddDate(0, 0, 7*n).ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case "month":
		t := time.Date(p.Year(), p.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))
	case "year":
		return strconv.Itoa(p.Year() + n)
	case "decade":
		return strconv.Itoa(p.Year() + 10*n)
	case "century":
		return strconv.Itoa(p.Year() + 100*n)
	}
	return ""
}

// ago reads "three decades ago".
func (f *finder) ago(i, to int) (int, string, bool) {
	n, j, ok := f.number(i, to)
	if !ok || !f.hasPub {
		return 0, "", false
	}
	unit, j, ok := f.unitAt(j, to)
	if !ok || j >= to || f.word(j) != "ago" {
		return 0, "", false
	}
	return j + 1, f.shift(unit, -n), true
}

// yearsAfter reads "eight years after …", "two years before 2014", "N years later".
func (f *finder) yearsAfter(i, to int) (int, string, bool) {
	n, j, ok := f.number(i, to)
	if !ok {
		return 0, "", false
	}
	unit, j, ok := f.unitAt(j, to)
	if !ok || unit != "year" && unit != "decade" || j >= to {
		return 0, "", false
	}
	years := n
	if unit == "decade" {
		years = 10 * n
	}
	rel := f.word(j)
	switch rel {
	case "after", "before":
		// An anchor year in the next few tokens?
		for k := j + 1; k < to && k <= j+6; k++ {
			if y, _, ok := f.yearAt(k, to); ok {
				if rel == "before" {
					years = -years
				}
				return j + 1, strconv.Itoa(y + years), true
			}
		}
		if rel == "after" && f.hasPub {
			return j + 1, strconv.Itoa(f.pub.Year() - years), true
		}
	case "later", "earlier":
		if f.lastYear != 0 {
			if rel == "earlier" {
				years = -years
			}
			return j + 1, strconv.Itoa(f.lastYear + years), true
		}
	}
	return 0, "", false
}

// relativePeriod reads this/last/next week, month, year.
func (f *finder) relativePeriod(i, to int) (int, string, bool) {
	if !f.hasPub || i+1 >= to {
		return 0, "", false
	}
	dir := 0
	switch f.word(i) {
	case "this", "current":
	case "last", "past", "previous":
		dir = -1
	case "next", "coming":
		dir = 1
	default:
		return 0, "", false
	}
	switch u := f.word(i + 1); u {
	case "week", "month", "year":
		return i + 2, f.shift(u, dir), true
	}
	return 0, "", false
}

// weekend reads "the weekend", "this/last/next weekend".
func (f *finder) weekend(i, to int) (int, string, bool) {
	if !f.hasPub || i+1 >= to || f.word(i+1) != "weekend" {
		return 0, "", false
	}
	// The last weekend on or before publication (Saturday counts the
	// weekend as begun).
	p := f.pub
	back := (int(p.Weekday()) - int(time.Saturday) + 7) % 7
	sat := p.AddDate(0, 0, -back)
	switch f.word(i) {
	case "the", "last", "this":
	case "next", "coming":
		sat = sat.AddDate(0, 0, 7)
	default:
		return 0, "", false
	}
	return i + 2, sat.Format(time.DateOnly) + "/" + sat.AddDate(0, 0, 1).Format(time.DateOnly), true
}

// deictic reads today, yesterday, tomorrow, tonight, last night, this morning.
func (f *finder) deictic(i, to int) (int, string, bool) {
	if !f.hasPub {
		return 0, "", false
	}
	switch f.word(i) {
	case "today", "tonight":
		return i + 1, f.shift("day", 0), true
	case "yesterday":
		return i + 1, f.shift("day", -1), true
	case "tomorrow":
		return i + 1, f.shift("day", 1), true
	case "last":
		if i+1 < to && f.word(i+1) == "night" {
			return i + 2, f.shift("day", -1), true
		}
	case "this":
		if i+1 < to {
			switch f.word(i + 1) {
			case "morning", "afternoon", "evening":
				return i + 2, f.shift("day", 0), true
			}
		}
	}
	return 0, "", false
}

// weekday reads a weekday on its own, resolved as the package doc says.
func (f *finder) weekday(i, to int) (int, string, bool) {
	j := i
	mod := ""
	switch f.word(i) {
	case "last", "next", "this":
		mod = f.word(i)
		j++
	}
	if j >= to || !f.d.Tokens[j].Cap {
		return 0, "", false
	}
	wd, ok := weekdays[f.word(j)]
	if !ok || !f.hasPub {
		return 0, "", false
	}
	p := f.pub
	back := (int(p.Weekday()) - int(wd) + 7) % 7 // days since the last such day (0 = today)
	var day time.Time
	switch {
	case mod == "last":
		if back == 0 {
			back = 7
		}
		day = p.AddDate(0, 0, -back)
	case mod == "next":
		fwd := (int(wd) - int(p.Weekday()) + 7) % 7
		if fwd == 0 {
			fwd = 7
		}
		day = p.AddDate(0, 0, fwd)
	case mod == "this":
		// Same ISO week: Monday first.
		iso := func(d time.Weekday) int { return (int(d) + 6) % 7 }
		day = p.AddDate(0, 0, iso(wd)-iso(p.Weekday()))
	case f.future(i):
		fwd := (int(wd) - int(p.Weekday()) + 7) % 7
		day = p.AddDate(0, 0, fwd)
	default:
		day = p.AddDate(0, 0, -back)
	}
	return j + 1, day.Format(time.DateOnly), true
}

// future reports whether the clause before token i speaks of the future:
// the nearest tense marker between the sentence start and i decides.
func (f *finder) future(i int) bool {
	from, _ := f.d.SentTokens(int(f.d.Tokens[i].Sent))
	for k := i - 1; k >= from; k-- {
		if f.d.Tokens[k].Kind != doc.Word {
			continue
		}
		w := f.word(k)
		switch {
		case futureMarkers[w] || strings.HasSuffix(w, "'ll"):
			return true
		case pastMarkers[w] || isPastParticiple(w):
			return false
		}
	}
	return false
}

// isPastParticiple guesses a past-tense verb from its "-ed" ending.
func isPastParticiple(w string) bool {
	if len(w) < 5 || !strings.HasSuffix(w, "ed") {
		return false
	}
	switch w {
	case "united", "based", "need", "speed", "proceed", "exceed", "indeed", "hundred", "armed", "alleged",
		"scheduled", "planned", "expected", "concerned", "related", "detailed", "limited", "advanced":
		return false
	}
	return true
}
