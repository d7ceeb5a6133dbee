// Package timex finds the dates and times an article writes and resolves
// them to ISO 8601 against its publication date, at the precision written,
// with spans drawn as TimeML (TIMEX3) draws them: a date keeps its
// modifiers ("early 1991", "the end of 1990", "late last week") and its
// time of day ("Friday night", "10 p.m. Wednesday").
//
// Explicit dates ("10 January 2022", "January 10, 2022", "Jan. 10",
// "2022-01-10", "January 2022", "1991", "the 1990s", "the 21st century",
// "nineteen ninety-six") resolve on their own; a day and month without a
// year, or a month alone, take the year that puts them nearest the
// publication date, a date in the future counting half again as far as
// one in the past (news reports more than it announces). Relative dates
// need the publication date, and are skipped without one:
//
//   - today, yesterday, tomorrow, tonight, last night: that day;
//   - this/last/next week: the ISO week ("2022-W02"); this/last/next month
//     and year: "2022-01", "2022"; "last April" the last April before the
//     publication month, "June last year" June of the year before;
//   - the weekend: its Saturday and Sunday as an ISO interval, the last
//     one on or before the publication date ("2022-01-08/2022-01-09");
//   - a weekday on its own ("on Monday", "Monday's talks"): news style
//     names the nearest such day within a week of publication, so it is
//     the next one on or after the publication date when its clause speaks
//     of the future ("will", "is due to", "next", …, close before the
//     weekday), and otherwise the last one on or before it: "on Monday" in
//     a Wednesday 2022-01-12 article is 2022-01-10, "will meet on
//     Thursday" is 2022-01-13. "last Monday" is strictly before, "next
//     Monday" strictly after, "this Monday" in the publication's ISO week;
//   - "N days/weeks/months/years/decades ago": that many before, at the
//     unit's precision ("three decades ago" in 2022 is "1992");
//   - "N years after/before <anchor>": the anchor's year plus or minus N
//     when the anchor holds a year ("two years after 2014" is "2016");
//     without one, "N years after <event>" describes the present as N
//     years after the event and dates the event: publication year minus N
//     ("eight years after seizing Crimea" in 2022 is "2014"); "N years
//     later" counts from the last year written before it;
//   - quarters and halves ("the third quarter", "third-quarter",
//     "2022-Q3", "the first half of 2021" "2021-H1"): a named quarter is
//     in the publication year unless that puts it two or more quarters
//     ahead; "the quarter", "the latest quarter" and "the latest period"
//     are the quarter the article last named, or else the one before
//     publication; "the year-ago quarter", "a year earlier", "a year ago"
//     and "year-earlier" after a quarter are that quarter a year before
//     (earnings reports compare quarters);
//   - seasons ("last fall" "2021-FA", "this summer" "2022-SU");
//   - "now", "currently", "these days": the present, kind "present" with
//     the publication date as value; "recently", "recent years": kind
//     "past", value "../2022-01-10"; "the (near) future": kind "future",
//     value "2022-01-10/..".
//
// A time of day written with a date gives the value a time part:
// "10 p.m. Wednesday" is "2022-01-12T22:00", "Friday night"
// "2022-01-07TNI" (TimeML's parts of day: TMO morning, TAF afternoon, TEV
// evening, TNI night).
//
// Lengths and recurrences are mentions of their own kind, read only where
// no date is: "three days", "a two-year contract" (kind "duration", value
// "P3D", "P2Y"), "every Monday", "each month" (kind "set", value
// "R/2022-01-10/P1W", "R/P1M"). A rate ("$2 million a year"), an age
// ("52 years old") and a count from another date ("13 days after the
// attack") are none of them.
package timex

import (
	"strings"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// Kinds of mention beyond a plain date (pipeline.DateMention.Kind); see
// also KindDuration and KindSet.
const (
	KindPresent = "present"
	KindPast    = "past"
	KindFuture  = "future"
)

// Find returns the dates in d, resolved against published (which may be nil).
func Find(d *tokens.Doc, published *time.Time) []pipeline.DateMention {
	f := finder{d: d, words: make([]string, len(d.Tokens)), starts: make([]uint8, len(d.Tokens))}
	if published != nil {
		p := published.UTC()
		f.pub = time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)
		f.hasPub = true
		f.pubDay = f.pub.Format(time.DateOnly)
		f.pubPast, f.pubFuture = "../"+f.pubDay, f.pubDay+"/.."
	}
	for s := range d.Sentences {
		from, to := d.SentTokens(s)
		f.sentence(from, to)
	}
	return f.out
}

type finder struct {
	d      *tokens.Doc
	pub    time.Time
	hasPub bool
	// pubDay is pub as "2022-01-10"; pubPast and pubFuture the open
	// intervals before and after it.
	pubDay, pubPast, pubFuture string
	out                        []pipeline.DateMention
	// lastYear is the last explicit year found, for "N years later".
	lastYear int
	// lastQuarter is the last quarter named (year*4 + quarter-1), for
	// "the quarter" and "a year earlier" in earnings reports; 0 if none.
	lastQuarter int
	// words caches each token's lower-case text; every matcher reads it.
	words []string
	// starts caches mayStart: 0 not yet asked, 1 no, 2 yes.
	starts []uint8
}

// match is a date read at a token: its end token, value and kind.
type match struct {
	end   int
	value string
	kind  string
}

// matcher tries to read a date at token i.
type matcher func(f *finder, i, to int) (match, bool)

// matchers are tried in order at each token; the first that reads a
// date wins, so longer forms come before the forms they start with.
var matchers = []matcher{
	(*finder).isoDate,
	(*finder).quarter,
	(*finder).yearAgoQuarter,
	(*finder).dayMonth,
	(*finder).monthDay,
	(*finder).monthYear,
	(*finder).season,
	(*finder).decade,
	(*finder).century,
	(*finder).fiscalYear,
	(*finder).theUnit,
	(*finder).yearEnd,
	(*finder).holiday,
	(*finder).ago,
	(*finder).yearsAfter,
	(*finder).relativePeriod,
	(*finder).weekend,
	(*finder).weekday,
	(*finder).deictic,
	(*finder).vague,
	(*finder).month,
	(*finder).year,
	(*finder).clockAlone,
	(*finder).set,
	(*finder).duration,
}

func (f *finder) word(i int) string {
	if f.words[i] == "" {
		w := f.d.TokenText(i)
		if f.d.Tokens[i].Kind != tokens.Punct {
			w = strings.TrimSuffix(lexicon.Lower(w), ".")
		}
		f.words[i] = w
	}
	return f.words[i]
}

// wordIs reports whether token i exists (before to) and reads w.
func (f *finder) wordIs(i, to int, w ...string) bool {
	if i >= to {
		return false
	}
	x := f.word(i)
	for _, c := range w {
		if x == c {
			return true
		}
	}
	return false
}

// emit records the mention of tokens [from, to) in a sentence ending at
// token sentEnd.
func (f *finder) emit(from, to, sentEnd int, m match) {
	t := f.d.Text
	s, e := f.d.Tokens[from].Start, f.d.Tokens[to-1].End
	if to == sentEnd && t[e-1] == '.' && (f.word(to-1) == "a.m" || f.word(to-1) == "p.m") {
		e-- // "a.m." ending its sentence: the dot is the sentence's
	}
	f.out = append(f.out, pipeline.DateMention{Text: t[s:e], Start: s, End: e, Value: m.value, Kind: m.kind})
}

func (f *finder) sentence(from, to int) {
	for i := from; i < to; {
		if f.d.Tokens[i].Junk || f.d.Tokens[i].Kind == tokens.Punct || !f.mayStart(i) {
			i++
			continue
		}
		if start, m, ok := f.matchAt(i, to); ok {
			f.emit(start, m.end, to, m)
			i = m.end
			continue
		}
		i++
	}
}

// matchAt reads a date at token i with what TimeML keeps around it: the
// modifiers before it ("early", "the end of"), a time of day before it
// ("10 p.m. Wednesday"), and a part of day after it ("Friday night").
func (f *finder) matchAt(i, to int) (int, match, bool) {
	if j := f.modifiers(i, to); j > i {
		if m, ok := f.core(j, to); ok {
			return i, m, true
		}
	}
	if clock, j, ok := f.clockAt(i, to); ok {
		if m, ok := f.core(f.skipComma(j, to), to); ok && isDay(m.value) {
			m.value += "T" + clock
			return i, m, true
		}
	}
	m, ok := f.core(i, to)
	return i, m, ok
}

// core runs the matchers at i and adds a part of day after a day.
func (f *finder) core(i, to int) (match, bool) {
	if i >= to || f.d.Tokens[i].Junk || f.d.Tokens[i].Kind == tokens.Punct || !f.mayStart(i) {
		return match{}, false
	}
	for _, mt := range matchers {
		if m, ok := mt(f, i, to); ok && m.value != "" {
			if isDay(m.value) && m.kind == "" {
				if part, ok := partsOfDay[f.wordOr(m.end, to)]; ok {
					m.value += "T" + part
					m.end++
				}
			}
			return m, true
		}
	}
	return match{}, false
}

// wordOr returns token i's word, or "" past the sentence.
func (f *finder) wordOr(i, to int) string {
	if i >= to {
		return ""
	}
	return f.word(i)
}

// isDay reports whether v is a bare calendar day.
func isDay(v string) bool { return len(v) == 10 && v[4] == '-' && v[7] == '-' }

var partsOfDay = map[string]string{
	"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
}

// prefixes modify the date they precede; TimeML keeps them in its span.
var prefixes = map[string]bool{
	"early": true, "late": true, "mid": true, "earlier": true, "later": true, "around": true,
	"nearly": true, "almost": true, "sometime": true,
}

// modifiers returns the index after the modifiers starting at i ("early",
// "late", "the end of", "the middle of", "this coming"), or i.
func (f *finder) modifiers(i, to int) int {
	if !f.mayStart(i) {
		return i
	}
	j := i
	if f.wordIs(j, to, "the") {
		switch {
		case f.wordIs(j+1, to, "end", "beginning", "start", "middle", "turn") && f.wordIs(j+2, to, "of"):
			return j + 3
		case f.wordIs(j+1, to, "early", "late", "mid"):
			return j + 2
		}
		return i
	}
	for j < to && prefixes[f.word(j)] {
		j++
	}
	return j
}

// skipComma returns the index after a comma at i, or i.
func (f *finder) skipComma(i, to int) int {
	if i < to && f.d.TokenText(i) == "," {
		return i + 1
	}
	return i
}

func (f *finder) isDot(i, to int) bool { return i < to && f.d.TokenText(i) == "." }

// startWords are the words a date may start with, other than numbers,
// month and weekday names and hyphenated words ("third-quarter",
// "mid-November"): a token that is none of them starts no date, and the
// matchers are not run on it (most tokens of a text).
var startWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the its this that last next previous past current coming
		a an several many fiscal latest most-recent comparable corresponding same flat year-earlier
		year-ago quarter period half now right currently these recently recent today tonight
		yesterday tomorrow noon midnight spring summer fall autumn winter year year-end
		thanksgiving christmas new election every each daily weekly monthly quarterly annually
		yearly hourly nightly`) {
		startWords[w] = true
	}
	for _, set := range []map[string]bool{prefixes} {
		for w := range set {
			startWords[w] = true
		}
	}
	for w := range numberWords {
		startWords[w] = true
	}
	for w := range months {
		startWords[w] = true
	}
	for w := range weekdays {
		startWords[w] = true
	}
	for w := range ordinals {
		startWords[w] = true
	}
}

// mayStart reports whether a date may start at token i; the answer is
// cached, as every token is asked up to three times.
func (f *finder) mayStart(i int) bool {
	if c := f.starts[i]; c != 0 {
		return c == 2
	}
	ok := f.d.Tokens[i].Kind == tokens.Number
	if !ok {
		w := f.word(i)
		ok = w != "" && w[0] >= '0' && w[0] <= '9' || strings.IndexByte(w, '-') >= 0 || startWords[w]
		// The commonest start words start a date only before a few words.
		switch {
		case !ok || i+1 >= len(f.d.Tokens):
		case w == "the":
			ok = f.mayFollowThe(i + 1)
		case w == "a" || w == "an":
			_, unit := durationUnits[f.word(i+1)]
			ok = unit || f.word(i+1) == "few" || f.word(i+1) == "couple"
		}
	}
	f.starts[i] = 1
	if ok {
		f.starts[i] = 2
	}
	return ok
}

// afterThe are the words after "the" that may make a date of it ("the
// third quarter", "the late 1980s", "the end of", "the weekend"), besides
// numbers, ordinals, number words and hyphenated words.
var afterThe = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`latest most-recent recent current comparable corresponding same
		fiscal flat quarter period half last past previous coming following next early late mid end
		beginning start middle turn weekend near distant future year full week month spring summer
		fall autumn winter twenties thirties forties fifties sixties seventies eighties nineties '`) {
		afterThe[w] = true
	}
	for w := range ordinals {
		afterThe[w] = true
	}
	for w := range numberWords {
		afterThe[w] = true
	}
}

// mayFollowThe reports whether token i, after "the", may continue a date.
func (f *finder) mayFollowThe(i int) bool {
	if f.d.Tokens[i].Kind == tokens.Number {
		return true
	}
	w := f.word(i)
	return w != "" && w[0] >= '0' && w[0] <= '9' || strings.IndexByte(w, '-') >= 0 || afterThe[w]
}
