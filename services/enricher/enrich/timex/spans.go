package timex

import (
	"fmt"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"strconv"
	"strings"
	"time"
)

// Kinds of mention that are not points in time.
const (
	KindDuration = "duration"
	KindSet      = "set"
)

// durationUnits maps a unit to its ISO 8601 duration designator; hours
// and minutes are time units (after "T").
var durationUnits = map[string]string{
	"minute": "TM", "minutes": "TM", "hour": "TH", "hours": "TH", "day": "D", "days": "D",
	"week": "W", "weeks": "W", "month": "M", "months": "M", "year": "Y", "years": "Y",
	"decade": "0Y", "decades": "0Y", "century": "00Y", "centuries": "00Y",
}

// isoDuration renders n units as ISO 8601: "P3Y", "PT5H", "P20Y" (two decades).
func isoDuration(n int, unit string) string {
	d := durationUnits[unit]
	switch {
	case strings.HasPrefix(d, "T"):
		return "PT" + strconv.Itoa(n) + d[1:]
	case d == "0Y":
		return "P" + strconv.Itoa(10*n) + "Y"
	case d == "00Y":
		return "P" + strconv.Itoa(100*n) + "Y"
	}
	return "P" + strconv.Itoa(n) + d
}

// duration reads a length of time: "three years", "the first nine
// months", "the past two weeks", "a week", "five hours", and the
// adjective "two-year" ("a two-year contract"): kind "duration", value
// ISO 8601 ("P3Y"). It runs after every date matcher, so "three years
// ago" and "two years after 2014" stay dates.
func (f *finder) duration(i, to int) (match, bool) {
	j := i
	if f.wordIs(j, to, "the") {
		j++
		if f.wordIs(j, to, "first", "last", "past", "next", "previous", "coming") {
			j++
		}
	} else if f.wordIs(j, to, "the", "past", "next", "last") && j+1 < to && f.d.Tokens[j+1].Kind == tokens.Number {
		j++
	}
	// "two-year": one token.
	if j < to {
		w := f.word(j)
		if k := strings.LastIndexByte(w, '-'); k > 0 && j == i {
			if _, ok := durationUnits[w[k+1:]]; ok && !strings.HasSuffix(w, "s") {
				if n, _, ok := f.countWord(w[:k]); ok {
					return match{end: j + 1, value: isoDuration(n, w[k+1:]), kind: KindDuration}, true
				}
			}
		}
	}
	n, k, ok := f.number(j, to)
	if !ok {
		return match{}, false
	}
	if k < to && f.word(j) == "a" && f.wordIs(k, to, "few", "couple") {
		return match{}, false // no count to write
	}
	if k >= to {
		return match{}, false
	}
	unit := f.word(k)
	if _, ok := durationUnits[unit]; !ok || n == 0 || f.d.Tokens[k].Cap && !f.d.Tokens[k].SentStart {
		return match{}, false // "60 Minutes" is a programme
	}
	switch {
	case f.wordIs(k+1, to, "old", "after", "before", "later", "earlier", "ago", "from"):
		// An age ("52 years old"), or a date counted from another that
		// is not written here ("13 days after the bombing").
		return match{}, false
	case j == i && (f.word(j) == "a" || f.word(j) == "an") && (i == 0 || !durationIntro[f.word(i-1)]):
		// "$2 million a year", "four flights a week": a rate.
		return match{}, false
	case j == i && f.word(j) == "one" && unit == "day" && (i == 0 || !durationIntro[f.word(i-1)]):
		// "he hopes one day to lead": some day, not a length.
		return match{}, false
	}
	return match{end: k + 1, value: isoDuration(n, unit), kind: KindDuration}, true
}

// countWord reads the number of a hyphenated adjective: "two", "10", "twenty-five".
func (f *finder) countWord(w string) (int, bool, bool) {
	if n, ok := numberWords[w]; ok && w != "a" && w != "an" {
		return n, true, true
	}
	if n, err := strconv.Atoi(w); err == nil && n > 0 && n < 1000 {
		return n, true, true
	}
	return 0, false, false
}

// durationIntro are the words after which "a week" is a length ("for a
// week", "within a year"), not a rate ("700 seats a week").
var durationIntro = map[string]bool{"for": true, "within": true, "over": true, "during": true, "nearly": true, "almost": true}

var setUnits = map[string]string{
	"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M", "annually": "P1Y",
	"yearly": "P1Y", "hourly": "PT1H", "nightly": "P1D",
}

// set reads a recurrence: "daily", "weekly", "every day", "each year",
// "every Monday": kind "set", value an ISO 8601 repeating interval,
// "R/P1D", or "R/2022-01-10/P1W" for a weekday (its last occurrence on or
// before publication, then weekly).
func (f *finder) set(i, to int) (match, bool) {
	w := f.word(i)
	if p, ok := setUnits[w]; ok {
		// An adverb ("trading is settled daily."), not an adjective or a
		// noun ("daily volume", "the party daily Granma", "annually
		// since 1980"): only before a punctuation mark.
		if i+1 < to && f.d.Tokens[i+1].Kind != tokens.Punct {
			return match{}, false
		}
		return match{end: i + 1, value: "R/" + p, kind: KindSet}, true
	}
	if w != "every" && w != "each" || i+1 >= to {
		return match{}, false
	}
	u := f.word(i + 1)
	switch u {
	case "day", "week", "month", "year":
		return match{end: i + 2, value: "R/" + isoDuration(1, u), kind: KindSet}, true
	case "quarter":
		return match{end: i + 2, value: "R/P3M", kind: KindSet}, true
	}
	if wd, ok := weekdays[u]; ok && f.d.Tokens[i+1].Cap {
		if !f.hasPub {
			return match{end: i + 2, value: "R/P1W", kind: KindSet}, true
		}
		back := (int(f.pub.Weekday()) - int(wd) + 7) % 7
		day := f.pub.AddDate(0, 0, -back).Format(time.DateOnly)
		return match{end: i + 2, value: fmt.Sprintf("R/%s/P1W", day), kind: KindSet}, true
	}
	return match{}, false
}
