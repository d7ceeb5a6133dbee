// Package pubdate reads publication dates as pages write them: in metadata
// (RFC 3339 and its many near-misses, RFC 1123) and in running text
// ("Tuesday 11 January 2022 19:51 GMT", "Nov. 19, 2019, 10:43 AM EST",
// "19.11.2019, 09:01 Uhr"), in the main languages of the web.
//
// Every result carries its precision, so a caller can tell a day from a
// moment: a feed's "2022-01-11" and a page's "2022-01-11T19:51Z" are the
// same date, the second more precisely.
package pubdate

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Precision is how much of a date-time was written.
type Precision uint8

const (
	// None: no date.
	None Precision = iota
	Day
	Minute
	Second
)

// Date is a parsed date-time in UTC.
type Date struct {
	Time      time.Time
	Precision Precision
	// Zoned says the text gave a time zone or offset; a time without one
	// is read as UTC.
	Zoned bool
}

// IsZero reports whether d holds no date.
func (d Date) IsZero() bool { return d.Precision == None }

// Parse reads s as a date, ignoring a leading weekday and trailing
// words it does not know only when the date itself is complete; it fails
// on anything ambiguous (01/02/2022) or implausible (years before 1990 or
// more than a year ahead of now).
func Parse(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 120 {
		return Date{}, false
	}
	if d, ok := parseISO(s); ok {
		return d, plausible(d)
	}
	d, rest, ok := scan(tokenize(s))
	if !ok || !allNoise(rest) {
		return Date{}, false
	}
	return d, plausible(d)
}

// Find returns the first date written in text (a dateline, a byline
// line), and whether there was one.
func Find(text string) (Date, bool) {
	if len(text) > 400 {
		text = text[:400]
	}
	if d, ok := findISO(text); ok && plausible(d) {
		return d, true
	}
	toks := tokenize(text)
	for i := range toks {
		if d, _, ok := scan(toks[i:]); ok && plausible(d) {
			return d, true
		}
	}
	return Date{}, false
}

// now is replaceable in tests.
var now = time.Now

func plausible(d Date) bool {
	y := d.Time.Year()
	return y >= 1990 && d.Time.Before(now().AddDate(1, 0, 0))
}

// parseISO reads RFC 3339 and the forms sites write instead of it.
func parseISO(s string) (Date, bool) {
	if len(s) < 10 || !isDigits(s[:4]) || (s[4] != '-' && s[4] != '/') {
		return Date{}, false
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return Date{Time: t.UTC(), Precision: l.prec, Zoned: l.zoned}, true
		}
	}
	return Date{}, false
}

var isoLayouts = []struct {
	layout string
	prec   Precision
	zoned  bool
}{
	{time.RFC3339Nano, Second, true},
	{"2006-01-02T15:04:05Z0700", Second, true},
	{"2006-01-02T15:04:05.999999999Z0700", Second, true},
	{"2006-01-02T15:04Z07:00", Minute, true},
	{"2006-01-02T15:04Z0700", Minute, true},
	{"2006-01-02 15:04:05Z07:00", Second, true},
	{"2006-01-02 15:04:05 Z07:00", Second, true},
	{"2006-01-02 15:04:05 -0700", Second, true},
	{"2006-01-02 15:04:05 -0700 MST", Second, true},
	{"2006-01-02 15:04:05 MST", Second, true},
	{"2006-01-02T15:04:05.999999999", Second, false},
	{"2006-01-02T15:04:05", Second, false},
	{"2006-01-02T15:04", Minute, false},
	{"2006-01-02 15:04:05.999999999", Second, false},
	{"2006-01-02 15:04:05", Second, false},
	{"2006-01-02 15:04", Minute, false},
	{"2006-01-02", Day, false},
	{"2006/01/02 15:04:05", Second, false},
	{"2006/01/02 15:04", Minute, false},
	{"2006/01/02", Day, false},
}

// findISO finds an ISO date inside text.
func findISO(text string) (Date, bool) {
	for i := 0; i+10 <= len(text); i++ {
		if !isDigit(text[i]) || (i > 0 && isDigit(text[i-1])) {
			continue
		}
		if !isDigits(text[i:i+4]) || text[i+4] != '-' || !isDigits(text[i+5:i+7]) || text[i+7] != '-' || !isDigits(text[i+8:i+10]) {
			continue
		}
		// The longest stretch that parses: a time may follow after a
		// space or a 'T', punctuation after it is dropped.
		for e := min(len(text), i+35); e >= i+10; e-- {
			if d, ok := parseISO(text[i:e]); ok {
				return d, true
			}
		}
	}
	return Date{}, false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// token is a number, a word or a separator of a human-written date.
type token struct {
	s    string // lower-cased for words
	num  int    // value for numbers, -1 otherwise
	sep  byte   // for separators: the separator character
	size int    // digits in a number
}

func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isDigit(s[i]):
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			v, _ := strconv.Atoi(s[i:min(j, i+9)])
			out = append(out, token{s: s[i:j], num: v, size: j - i})
			i = j
		case unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += n2
			}
			out = append(out, token{s: strings.ToLower(s[i:j]), num: -1})
			i = j
		case unicode.IsSpace(r):
			i += n
		default:
			if r < utf8.RuneSelf {
				out = append(out, token{num: -1, sep: s[i]})
			} else {
				out = append(out, token{num: -1, sep: '?'})
			}
			i += n
		}
	}
	return out
}

// allNoise reports whether leftover tokens are only punctuation and
// filler words ("Uhr", "local time").
func allNoise(toks []token) bool {
	for _, t := range toks {
		if t.sep != 0 {
			continue
		}
		if t.num >= 0 || !fillers[t.s] {
			return false
		}
	}
	return true
}

var fillers = map[string]bool{
	"uhr": true, "h": true, "hrs": true, "local": true, "time": true, "et": true, "at": true, "um": true,
	"published": true, "updated": true, "on": true, "the": true, "of": true, "de": true, "del": true,
	"le": true, "à": true, "a": true, "às": true, "alle": true, "ore": true, "am": true, "pm": true,
}
