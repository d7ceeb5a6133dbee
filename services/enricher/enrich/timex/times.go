package timex

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// zones are time zone names written after a clock time; TimeML keeps
// them in the span ("9 a.m. EST Tuesday"). The value keeps the clock as
// written, without converting it.
var zones = map[string]bool{
	"est": true, "edt": true, "cst": true, "cdt": true, "mst": true, "mdt": true, "pst": true,
	"pdt": true, "gmt": true, "utc": true, "bst": true, "cet": true, "cest": true,
}

// clockAt reads a time of day: "10 p.m.", "9:30 a.m.", "19:51 GMT",
// "noon", "midnight", with a time zone after it. It returns the clock
// as "22:00" and the index after it.
func (f *finder) clockAt(i, to int) (string, int, bool) {
	if i >= to {
		return "", i, false
	}
	switch f.word(i) {
	case "noon":
		return "12:00", f.zoneAt(i+1, to), true
	case "midnight":
		return "24:00", f.zoneAt(i+1, to), true
	}
	if f.d.Tokens[i].Kind != tokens.Number {
		return "", i, false
	}
	h, err := strconv.Atoi(f.d.TokenText(i))
	if err != nil || h > 24 {
		return "", i, false
	}
	j, min := i+1, 0
	colon := false
	if j+1 < to && f.d.TokenText(j) == ":" && f.d.Tokens[j+1].Kind == tokens.Number && len(f.d.TokenText(j+1)) == 2 {
		min, err = strconv.Atoi(f.d.TokenText(j + 1))
		if err != nil || min > 59 {
			return "", i, false
		}
		j += 2
		colon = true
	}
	switch f.wordOr(j, to) {
	case "a.m", "am":
		if h < 1 || h > 12 {
			return "", i, false
		}
		if h == 12 {
			h = 0
		}
		j++
	case "p.m", "pm":
		if h < 1 || h > 12 {
			return "", i, false
		}
		if h != 12 {
			h += 12
		}
		j++
	default:
		// A 24-hour clock needs its colon and a zone: "19:51 GMT".
		if !colon || !zones[f.wordOr(j, to)] {
			return "", i, false
		}
	}
	return fmt.Sprintf("%02d:%02d", h, min), f.zoneAt(j, to), true
}

// zoneAt skips a time zone ("EST", "local time") and a comma or "on"
// before the day that may follow: "9 p.m. EST, Nov. 9".
func (f *finder) zoneAt(j, to int) int {
	if zones[f.wordOr(j, to)] {
		j++
	} else if f.wordIs(j, to, "local") && f.wordIs(j+1, to, "time") {
		j += 2
	}
	return j
}

// clockAlone reads a time of day with no day written next to it: the
// publication day at that time ("at 10:30 a.m."). The day after it, if
// any, is read by matchAt.
func (f *finder) clockAlone(i, to int) (match, bool) {
	if !f.hasPub {
		return match{}, false
	}
	clock, j, ok := f.clockAt(i, to)
	if !ok || strings.HasPrefix(f.word(i), "noon") || f.word(i) == "midnight" {
		return match{}, false
	}
	// The zone is the time's; a trailing comma is not.
	return match{end: j, value: f.pub.Format("2006-01-02") + "T" + clock}, true
}
