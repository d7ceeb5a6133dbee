package textclean

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline/boilerplate"
	"github.com/newsflow/newsflow/services/cleaner/byline"
	"github.com/newsflow/newsflow/services/cleaner/pubdate"
)

// A scraped article page starts with its header: a breadcrumb, the
// headline and the standfirst (often run together on one line), the
// byline, the dateline. They are recognised by form, before the first
// paragraph of prose, and only there: the body is never mined for them.

// headerReach is how many units may precede the first paragraph of prose
// for them to be read as a header.
const headerReach = 12

// header takes title, authors and date out of the units before the first
// paragraph of prose and returns the units to keep. A standfirst found
// with the headline is kept as the first paragraph.
func (r *Result) header(units []unit) []unit {
	start := -1
	for i, u := range units[:min(len(units), headerReach)] {
		if isProse(u.text) {
			start = i
			break
		}
	}
	if start <= 0 {
		return units
	}
	out := make([]unit, 0, len(units))
	pastTitle := false // a byline or dateline ends the place for a headline
	for _, un := range units[:start] {
		u := un.text
		switch {
		case r.Published.IsZero() && isDateLine(u):
			d, _ := pubdate.Find(u)
			r.Published = d
			pastTitle = true
		case len(r.Authors) == 0 && isBylineLine(u):
			r.Authors = byline.Names([]string{u}, "")
			pastTitle = true
		case r.Title == "" && !pastTitle && isTitleLine(u):
			title, standfirst := splitTitle(stripBreadcrumb(u))
			r.Title = title
			if standfirst != "" {
				out = append(out, unit{text: standfirst})
			}
		default:
			out = append(out, un)
		}
	}
	return append(out, units[start:]...)
}

// isProse: a paragraph of writing — a dozen words or more, closed by a
// full stop (or a quote closing one).
func isProse(u string) bool {
	if len(strings.Fields(u)) < 12 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(u, "\"'”’)»"))
	return strings.ContainsRune(".!?…。", last)
}

// isDateLine: the line is a date ("Tuesday 11 January 2022 19:51 GMT"),
// or a short stamp that holds one ("Published: 3 March 2021").
func isDateLine(u string) bool {
	if _, ok := pubdate.Parse(u); ok {
		return true
	}
	if len(strings.Fields(u)) > 8 {
		return false
	}
	_, ok := pubdate.Find(u)
	return ok
}

// bylineLeads open a byline.
var bylineLeads = []string{"By ", "BY ", "Von ", "VON ", "Por ", "Par ", "Di ", "Door ", "Written by "}

// isBylineLine: "By Jane Doe", or a short run of capitalised words with a
// role ("Kim Sengupta World Affairs Editor").
func isBylineLine(u string) bool {
	words := strings.Fields(u)
	if len(words) < 2 || len(words) > 10 || strings.ContainsAny(u, ".!?;") && !strings.Contains(u, ". ") {
		return false
	}
	for _, l := range bylineLeads {
		if strings.HasPrefix(u, l) {
			return len(byline.Names([]string{u}, "")) > 0
		}
	}
	role := false
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		if roleWords[strings.ToLower(w)] {
			role = true
		}
	}
	return role && len(byline.Names([]string{u}, "")) > 0
}

var roleWords = map[string]bool{
	"editor": true, "correspondent": true, "reporter": true, "writer": true, "columnist": true,
	"contributor": true, "journalist": true, "redakteur": true, "redakteurin": true, "autor": true,
	"autorin": true, "analyst": true, "critic": true, "photographer": true, "producer": true,
}

// isTitleLine: a headline-sized line that is not a finished sentence.
func isTitleLine(u string) bool {
	n := len(strings.Fields(u))
	if n < 4 || n > 60 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(u)
	return last != '.' && last != ':' && last != ','
}

// sections are the names of news sections, which a scraped breadcrumb
// puts in front of the headline ("News World Europe").
var sections = boilerplate.Set(boilerplate.SectionNames, boilerplate.MoreSectionNames)

// stripBreadcrumb drops section names in front of a headline. It keeps
// at least three words.
func stripBreadcrumb(u string) string {
	words := strings.Fields(u)
	i := 0
	for i < len(words)-3 && sections[strings.ToLower(words[i])] && startsUpper(words[i]) {
		i++
	}
	return strings.Join(words[i:], " ")
}

// standfirstOpeners begin a sentence; capitalised in the middle of a
// sentence-case headline they mark where the standfirst starts.
var standfirstOpeners = map[string]bool{
	"The": true, "A": true, "An": true, "In": true, "On": true, "At": true, "As": true, "After": true,
	"Before": true, "It": true, "He": true, "She": true, "They": true, "We": true, "This": true,
	"These": true, "Those": true, "There": true, "Here": true, "Why": true, "How": true, "What": true,
	"When": true, "Where": true, "Who": true, "Some": true, "Many": true, "Most": true, "Our": true,
	"Its": true, "His": true, "Her": true, "Their": true, "For": true, "From": true, "With": true,
	"While": true, "But": true, "If": true, "Despite": true, "Amid": true, "Following": true,
	"Der": true, "Die": true, "Das": true, "Ein": true, "Eine": true, "Le": true, "La": true, "Les": true,
	"Un": true, "Une": true, "El": true, "Los": true, "Las": true, "Il": true,
}

// splitTitle separates a headline from the standfirst run on after it
// ("… remain poles apart on Ukraine The next round of negotiations …"):
// in a sentence-case headline a capitalised sentence opener after a
// lower-case or capitalised word starts the standfirst. Title-case
// headlines ("How The War Began") are left whole.
func splitTitle(u string) (title, standfirst string) {
	words := strings.Fields(u)
	for k := 3; k < len(words)-2; k++ {
		opener := standfirstOpeners[words[k]] ||
			// "… two years of debate Critics say the plan …"
			startsUpper(words[k]) && !startsUpper(words[k-1]) && reportingVerbs[words[k+1]]
		if !opener {
			continue
		}
		if capitalised(words[1:k])*2 >= k-1 {
			return u, "" // Title Case: capitals say nothing
		}
		return strings.Join(words[:k], " "), strings.Join(words[k:], " ")
	}
	return u, ""
}

// reportingVerbs after a capitalised noun open a standfirst sentence
// ("Critics say …", "Officials warn …").
var reportingVerbs = map[string]bool{
	"say": true, "says": true, "said": true, "warn": true, "warns": true, "warned": true,
	"claim": true, "claims": true, "argue": true, "argues": true, "fear": true, "fears": true,
	"hope": true, "hopes": true, "believe": true, "believes": true, "insist": true, "insists": true,
	"sagen": true, "sagt": true, "warnen": true, "warnt": true, "fordern": true, "fordert": true,
	"dicen": true, "dice": true, "disent": true, "dit": true, "dicono": true, "dice,": true,
}

func capitalised(words []string) int {
	n := 0
	for _, w := range words {
		if startsUpper(w) {
			n++
		}
	}
	return n
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}
