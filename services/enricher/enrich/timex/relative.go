package timex

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

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

// futureMarkers make a weekday's clause speak of the future.
var futureMarkers = map[string]bool{
	"will": true, "shall": true, "won't": true, "due": true, "expected": true, "going": true,
	"plans": true, "planned": true, "scheduled": true, "upcoming": true, "next": true, "set": true,
	"later": true, "ahead": true, "until": true, "soon": true, "would": true, "might": true,
	"could": true, "plan": true, "planning": true,
}

// pastMarkers make it speak of the past.
var pastMarkers = map[string]bool{
	"was": true, "were": true, "had": true, "did": true, "said": true, "met": true, "began": true,
	"held": true, "took": true, "made": true, "told": true, "came": true, "went": true, "saw": true,
	"gave": true, "left": true, "ago": true, "last": true, "earlier": true, "spoke": true, "won": true,
	"lost": true, "broke": true, "says": true, "say": true,
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
		return isoMonth(t.Year(), t.Month())
	case "year":
		return strconv.Itoa(p.Year() + n)
	case "decade":
		return strconv.Itoa(p.Year() + 10*n)
	case "century":
		return strconv.Itoa(p.Year() + 100*n)
	}
	return ""
}

// ago reads "three decades ago", "a few years ago", "several years ago".
func (f *finder) ago(i, to int) (match, bool) {
	if !f.hasPub {
		return match{}, false
	}
	var n, j int
	switch {
	case f.wordIs(i, to, "a") && f.wordIs(i+1, to, "few"):
		n, j = 3, i+2
	case f.wordIs(i, to, "several", "many"):
		n, j = 3, i+1
	default:
		var ok bool
		if n, j, ok = f.number(i, to); !ok {
			return match{}, false
		}
	}
	unit, j, ok := f.unitAt(j, to)
	if !ok || !f.wordIs(j, to, "ago") {
		return match{}, false
	}
	if n == 1 && unit == "year" && f.lastQuarter != 0 && f.word(i) == "a" {
		// Earnings reports compare a quarter with the same one a year before.
		return match{end: j + 1, value: quarterValue(f.lastQuarter - 4)}, true
	}
	return match{end: j + 1, value: f.shift(unit, -n)}, true
}

// yearsAfter reads "eight years after …", "two years before 2014", "N years later".
func (f *finder) yearsAfter(i, to int) (match, bool) {
	n, j, ok := f.number(i, to)
	if !ok {
		return match{}, false
	}
	unit, j, ok := f.unitAt(j, to)
	if !ok || unit != "year" && unit != "decade" || j >= to {
		return match{}, false
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
				return match{end: j + 1, value: strconv.Itoa(y + years)}, true
			}
		}
		if rel == "after" && f.hasPub {
			return match{end: j + 1, value: strconv.Itoa(f.pub.Year() - years)}, true
		}
	case "later", "earlier":
		if n == 1 && rel == "earlier" && f.lastQuarter != 0 && f.word(i) == "a" {
			return match{end: j + 1, value: quarterValue(f.lastQuarter - 4)}, true
		}
		if f.lastYear != 0 {
			if rel == "earlier" {
				years = -years
			}
			return match{end: j + 1, value: strconv.Itoa(f.lastYear + years)}, true
		}
		if rel == "earlier" && f.hasPub {
			return match{end: j + 1, value: strconv.Itoa(f.pub.Year() - years)}, true
		}
	}
	return match{}, false
}

// relativePeriod reads this/last/next week, month, year, and "the past
// year", "the current year".
func (f *finder) relativePeriod(i, to int) (match, bool) {
	if !f.hasPub || i+1 >= to {
		return match{}, false
	}
	j := i
	if f.word(j) == "the" {
		j++
		if !f.wordIs(j, to, "past", "current", "last", "previous", "coming") {
			return match{}, false
		}
	}
	dir := 0
	switch f.wordOr(j, to) {
	case "this", "current":
	case "last", "past", "previous":
		dir = -1
	case "next", "coming":
		dir = 1
	default:
		return match{}, false
	}
	// A programme's name ("This Week With David Brinkley") is no date.
	if f.d.Tokens[j].Cap && !f.d.Tokens[j].SentStart && j+1 < to && f.d.Tokens[j+1].Cap {
		return match{}, false
	}
	switch u := f.wordOr(j+1, to); u {
	case "week", "month", "year":
		if j > i && dir == -1 && u == "week" {
			dir = 0 // "the last week" is the seven days to publication
		}
		return match{end: j + 2, value: f.shift(u, dir)}, true
	}
	return match{}, false
}

// weekend reads "the weekend", "this/last/next weekend".
func (f *finder) weekend(i, to int) (match, bool) {
	if !f.hasPub || !f.wordIs(i+1, to, "weekend") {
		return match{}, false
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
		return match{}, false
	}
	return match{end: i + 2, value: sat.Format(time.DateOnly) + "/" + sat.AddDate(0, 0, 1).Format(time.DateOnly)}, true
}

// deictic reads today, yesterday, tomorrow, tonight, last night, this
// morning, overnight.
func (f *finder) deictic(i, to int) (match, bool) {
	if !f.hasPub {
		return match{}, false
	}
	switch f.word(i) {
	case "today":
		return match{end: i + 1, value: f.shift("day", 0)}, true
	case "tonight":
		return match{end: i + 1, value: f.shift("day", 0) + "TNI"}, true
	case "yesterday":
		return match{end: i + 1, value: f.shift("day", -1)}, true
	case "tomorrow":
		return match{end: i + 1, value: f.shift("day", 1)}, true
	case "last":
		if f.wordIs(i+1, to, "night") {
			return match{end: i + 2, value: f.shift("day", -1) + "TNI"}, true
		}
	case "this":
		if part, ok := partsOfDay[f.wordOr(i+1, to)]; ok {
			return match{end: i + 2, value: f.shift("day", 0) + "T" + part}, true
		}
	}
	return match{}, false
}

// weekday reads a weekday on its own, resolved as the Package tokens says.
func (f *finder) weekday(i, to int) (match, bool) {
	j := i
	mod := ""
	switch f.word(i) {
	case "last", "next", "this", "previous":
		mod = f.word(i)
		j++
	case "the":
		if !f.wordIs(i+1, to, "previous", "following") {
			return match{}, false
		}
		mod = f.word(i + 1)
		j += 2
	}
	if mod == "this" && f.wordIs(j, to, "coming") {
		mod = "next"
		j++
	}
	if j >= to || !f.d.Tokens[j].Cap {
		return match{}, false
	}
	wd, ok := weekdays[f.word(j)]
	if !ok || !f.hasPub {
		return match{}, false
	}
	p := f.pub
	back := (int(p.Weekday()) - int(wd) + 7) % 7 // days since the last such day (0 = today)
	fwd := (int(wd) - int(p.Weekday()) + 7) % 7
	var day time.Time
	switch {
	case mod == "last" || mod == "previous":
		if back == 0 {
			back = 7
		}
		day = p.AddDate(0, 0, -back)
		if mod == "previous" {
			day = day.AddDate(0, 0, -7)
		}
	case mod == "next" || mod == "following":
		if fwd == 0 {
			fwd = 7
		}
		day = p.AddDate(0, 0, fwd)
	case mod == "this":
		// Same ISO week: Monday first.
		iso := func(d time.Weekday) int { return (int(d) + 6) % 7 }
		day = p.AddDate(0, 0, iso(wd)-iso(p.Weekday()))
	case f.future(i):
		day = p.AddDate(0, 0, fwd)
	default:
		day = p.AddDate(0, 0, -back)
	}
	end := j + 1
	// "this coming Sunday, March eighth": the date written after it.
	if k := f.skipComma(end, to); k > end {
		if m, ok := f.monthDay(k, to); ok {
			return m, true
		}
	}
	return match{end: end, value: day.Format(time.DateOnly)}, true
}

// future reports whether the clause before token i speaks of the future:
// the nearest tense marker between the sentence start and i decides.
func (f *finder) future(i int) bool {
	from, _ := f.d.SentTokens(int(f.d.Tokens[i].Sent))
	for k := i - 1; k >= from; k-- {
		if f.d.Tokens[k].Kind != tokens.Word {
			continue
		}
		w := f.word(k)
		switch {
		case futureMarkers[w] || strings.HasSuffix(w, "'ll"):
			if !f.futureMarker(k) {
				continue
			}
			return true
		case pastMarkers[w] || isPastParticiple(w):
			return false
		}
	}
	return false
}

// futureMarker checks a future marker at k in its context: "next to"
// and "three days later" place, not announce; "had been due" and
// "previously planned" report a plan of the past; "is set to" announces
// but "set Friday as the deadline" reports.
func (f *finder) futureMarker(k int) bool {
	_, to := f.d.SentTokens(int(f.d.Tokens[k].Sent))
	switch f.word(k) {
	case "next":
		if f.wordIs(k+1, to, "to") {
			return false
		}
	case "later", "ahead":
		if !f.wordIs(k+1, to, "this", "in", "that", "on") {
			return false
		}
	case "set":
		if !f.wordIs(k+1, to, "to", "for") {
			return false
		}
	}
	from, _ := f.d.SentTokens(int(f.d.Tokens[k].Sent))
	for b := k - 1; b >= from && b >= k-2; b-- {
		if f.wordIs(b, to, "had", "previously") {
			return false
		}
	}
	return true
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

// vague reads references to the present, past and future that TimeML
// annotates: "now", "right now", "currently", "these days" (the present,
// valued as the publication date), "recently", "recent years" (the past),
// "the future", "the near future" (the future).
func (f *finder) vague(i, to int) (match, bool) {
	if !f.hasPub {
		return match{}, false
	}
	day := f.pubDay
	present := match{value: day, kind: KindPresent}
	past := match{value: f.pubPast, kind: KindPast}
	future := match{value: f.pubFuture, kind: KindFuture}
	switch f.word(i) {
	case "now":
		present.end = i + 1
		return present, true
	case "right":
		if f.wordIs(i+1, to, "now") {
			present.end = i + 2
			return present, true
		}
	case "currently":
		present.end = i + 1
		return present, true
	case "these":
		if f.wordIs(i+1, to, "days") {
			present.end = i + 2
			return present, true
		}
	case "recently":
		past.end = i + 1
		return past, true
	case "recent":
		if f.wordIs(i+1, to, "years", "months", "weeks", "days", "decades", "quarters") {
			past.end = i + 2
			return past, true
		}
	case "the":
		j := i + 1
		if f.wordIs(j, to, "near", "distant") {
			j++
		}
		if f.wordIs(j, to, "future") && !f.wordIs(j+1, to, "of") {
			future.end = j + 1
			return future, true
		}
	}
	return match{}, false
}

var seasons = map[string]string{
	"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI",
}

// seasonStart is the month a season begins (winter: December).
var seasonStart = map[string]time.Month{"SP": 3, "SU": 6, "FA": 9, "WI": 12}

// season reads "last fall", "this summer", "the winter of 1994", "summer
// 1998", "the summer": value "1994-WI" (TimeML's season; winter is named
// by the year of its December).
func (f *finder) season(i, to int) (match, bool) {
	j := i
	rel := ""
	switch f.word(j) {
	case "last", "this", "next", "the":
		rel = f.word(j)
		j++
		if rel == "this" && f.wordIs(j, to, "past") {
			rel = "last"
			j++
		}
		if rel == "the" && f.wordIs(j, to, "early", "late") {
			j++
		}
	}
	s, ok := seasons[f.wordOr(j, to)]
	if !ok {
		return match{}, false
	}
	j++
	// "the winter of 1994", "summer 1998"
	k := j
	if f.wordIs(k, to, "of") {
		k++
	}
	if y, e, ok := f.yearAt(k, to); ok && (rel == "the" || rel == "") {
		f.lastYear = y
		return match{end: e, value: fmt.Sprintf("%04d-%s", y, s)}, true
	}
	if rel == "" {
		// A bare season only after a word introducing a date ("in summer").
		if i == 0 || !yearWords[f.word(i-1)] || f.word(i) == "fall" {
			return match{}, false
		}
	}
	if !f.hasPub || rel == "the" && f.wordIs(j, to, "of") {
		return match{}, false
	}
	start := func(y int) time.Time { return time.Date(y, seasonStart[s], 1, 0, 0, 0, 0, time.UTC) }
	// cur: the start year of this season's latest instance begun by publication.
	cur := f.pub.Year()
	if start(cur).After(f.pub) {
		cur--
	}
	inSeason := f.pub.Before(start(cur).AddDate(0, 3, 0))
	y := cur
	switch rel {
	case "last":
		if inSeason {
			y--
		}
	case "next":
		y++
	case "this":
		if !inSeason && start(cur+1).Sub(f.pub) < 183*24*time.Hour {
			y++
		}
	default:
		if !inSeason && start(cur+1).Sub(f.pub) < 60*24*time.Hour {
			y++
		}
	}
	return match{end: j, value: fmt.Sprintf("%04d-%s", y, s)}, true
}
