package timex

import (
	"fmt"
	"strconv"
	"time"
)

// theUnit reads "the year", "the full year" and "the week" as a report
// writes them ("for the year, volume was flat", "for the week, the index
// fell"): the publication's year or week, as TimeML annotates them; "the
// week of March 6" is that day's week, "the end of the month" the
// publication's month. "The year before" and "the year two thousand" are
// not read here.
func (f *finder) theUnit(i, to int) (match, bool) {
	if !f.hasPub || !f.wordIs(i, to, "the") {
		return match{}, false
	}
	j := i + 1
	if f.wordIs(j, to, "full") {
		j++
	}
	switch f.wordOr(j, to) {
	case "year":
		if y, e, ok := f.spokenYear(j+1, to); ok {
			f.lastYear = y
			return match{end: e, value: strconv.Itoa(y)}, true
		}
		if f.wordIs(j+1, to, "before", "after", "earlier", "later", "'s", "’s") {
			return match{}, false
		}
		return match{end: j + 1, value: strconv.Itoa(f.pub.Year())}, true
	case "week":
		if f.wordIs(j+1, to, "of") {
			if m, ok := f.monthDay(j+2, to); ok && isDay(m.value) {
				d, _ := time.Parse(time.DateOnly, m.value)
				y, w := d.ISOWeek()
				return match{end: m.end, value: isoWeek(y, w)}, true
			}
		}
		if f.wordIs(j+1, to, "before", "after", "earlier", "later") {
			return match{}, false
		}
		return match{end: j + 1, value: f.shift("week", 0)}, true
	case "month":
		// Only as "the end of the month": "the month" alone is too often
		// another month.
		if i >= 3 && f.word(i-1) == "of" && modifierHeads[f.word(i-2)] {
			return match{end: j + 1, value: f.shift("month", 0)}, true
		}
	}
	return match{}, false
}

// modifierHeads are the nouns of "the end of", "the beginning of" …
var modifierHeads = map[string]bool{"end": true, "beginning": true, "start": true, "middle": true}

// yearEnd reads "year-end", "year end", "year's end": 31 December of the
// publication year, or of the year before after "since".
func (f *finder) yearEnd(i, to int) (match, bool) {
	if !f.hasPub {
		return match{}, false
	}
	var j int
	switch {
	case f.word(i) == "year-end":
		j = i + 1
	case f.word(i) == "year" && f.wordIs(i+1, to, "end"):
		j = i + 2
	case f.word(i) == "year" && f.wordIs(i+1, to, "'s", "’s") && f.wordIs(i+2, to, "end"):
		j = i + 3
	default:
		return match{}, false
	}
	y := f.pub.Year()
	if i > 0 && f.word(i-1) == "since" {
		y--
	}
	return match{end: j, value: isoDay(y, 12, 31)}, true
}

// holiday reads the holidays US news names as dates: Thanksgiving (Day),
// Christmas (Day, Eve), New Year's Day and Eve, Election Day; in the
// year that puts them nearest the publication date (as a month-day
// without a year), "last Thanksgiving" the last one before it.
func (f *finder) holiday(i, to int) (match, bool) {
	if !f.hasPub {
		return match{}, false
	}
	j := i
	last := false
	if f.wordIs(j, to, "last") {
		last = true
		j++
	}
	if j >= to || !f.d.Tokens[j].Cap {
		return match{}, false
	}
	var day func(y int) time.Time
	switch f.word(j) {
	case "thanksgiving":
		day = func(y int) time.Time { return nthWeekday(y, time.November, time.Thursday, 4) }
		j++
		if f.wordIs(j, to, "day") {
			j++
		}
	case "christmas":
		day = func(y int) time.Time { return time.Date(y, 12, 25, 0, 0, 0, 0, time.UTC) }
		j++
		if f.wordIs(j, to, "day") {
			j++
		} else if f.wordIs(j, to, "eve") {
			day = func(y int) time.Time { return time.Date(y, 12, 24, 0, 0, 0, 0, time.UTC) }
			j++
		}
	case "new":
		if !f.wordIs(j+1, to, "year") || !f.wordIs(j+2, to, "'s", "’s") || !f.wordIs(j+3, to, "day", "eve") {
			return match{}, false
		}
		if f.word(j+3) == "day" {
			day = func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
		} else {
			day = func(y int) time.Time { return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC) }
		}
		j += 4
	case "election":
		if !f.wordIs(j+1, to, "day") || !f.d.Tokens[j+1].Cap {
			return match{}, false
		}
		// The Tuesday after the first Monday of November.
		day = func(y int) time.Time { return nthWeekday(y, time.November, time.Monday, 1).AddDate(0, 0, 1) }
		j += 2
	default:
		return match{}, false
	}
	best, bestCost := time.Time{}, 1e18
	for y := f.pub.Year() - 1; y <= f.pub.Year()+1; y++ {
		d := day(y)
		cost := d.Sub(f.pub).Hours()
		switch {
		case last && cost >= 0:
			continue
		case cost < 0:
			cost = -cost
		default:
			cost *= futureWeight
		}
		if cost < bestCost {
			best, bestCost = d, cost
		}
	}
	return match{end: j, value: best.Format(time.DateOnly)}, true
}

// nthWeekday is the n-th given weekday of a month.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) time.Time {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 0, (int(wd)-int(first.Weekday())+7)%7+7*(n-1))
}

func isoWeek(y, w int) string { return fmt.Sprintf("%04d-W%02d", y, w) }
