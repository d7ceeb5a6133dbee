// Package byline reads author names out of bylines, as pages and feeds
// write them: "By Jane Doe and John Roe, Staff Writers", "Kim Sengupta
// World Affairs Editor", "TOM KRISHER AP Auto Writer", "Von Anna Schmidt".
package byline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names turns byline strings into a list of names: "By Jane Doe and
// John Roe, Staff Writers" gives [Jane Doe, John Roe]. URLs, e-mail
// addresses, handles, placeholders ("Admin"), the site's own name and
// anything that does not look like a name are dropped; duplicates are
// removed.
func Names(raw []string, site string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		for i, name := range splitNames(r) {
			if i > 0 && hasRole(name) {
				continue // "Jane Doe, Staff Writer": the role of the name before
			}
			name = titleCaseShouting(tidyName(name))
			key := strings.ToLower(name)
			if name == "" || seen[key] || notNames[key] || (site != "" && strings.EqualFold(name, site)) || !looksLikeName(name) {
				continue
			}
			seen[key] = true
			out = append(out, name)
			if len(out) == 10 {
				return out
			}
		}
	}
	return out
}

// notNames are placeholders sites put where a name should be.
var notNames = map[string]bool{
	"unknown": true, "admin": true, "administrator": true, "anonymous": true, "staff": true,
	"editor": true, "editors": true, "guest": true, "redaktion": true, "team": true, "webmaster": true,
	"user": true, "newsroom": true, "news desk": true, "web desk": true, "desk": true,
}

// bylineLeads open a byline ("By", "Von", "Por", "Par", "Di", "Door").
var bylineLeads = []string{"by ", "von ", "por ", "par ", "di ", "door ", "written by ", "text: ", "text von "}

func splitNames(s string) []string {
	s = collapse(s)
	for _, l := range bylineLeads {
		if len(s) > len(l) && strings.EqualFold(s[:len(l)], l) {
			s = s[len(l):]
			break
		}
	}
	// A byline ends where the date, role or separator starts.
	for _, stop := range []string{" | ", " • ", " · ", "\n", " - ", " — ", " – ", " on ", " am ", "Published", "Updated", "Veröffentlicht", "Aktualisiert"} {
		if i := strings.Index(s, stop); i > 0 {
			s = s[:i]
		}
	}
	f := func(r rune) bool { return r == ',' || r == ';' || r == '&' || r == '/' }
	var out []string
	for _, part := range strings.FieldsFunc(s, f) {
		for _, and := range []string{" and ", " und ", " y ", " et ", " e ", " en "} {
			part = strings.ReplaceAll(part, and, ",")
		}
		out = append(out, strings.Split(part, ",")...)
	}
	return out
}

// roleWords end a byline with the author's role ("Jane Doe Staff
// Writer"), which is not part of the name.
var roleWords = map[string]bool{
	"editor": true, "correspondent": true, "reporter": true, "writer": true, "columnist": true,
	"contributor": true, "staff": true, "journalist": true, "redakteur": true, "redakteurin": true,
	"autor": true, "autorin": true, "chief": true, "senior": true, "deputy": true, "associate": true,
	"photographer": true, "producer": true, "analyst": true, "critic": true,
}

func hasRole(s string) bool {
	for _, w := range strings.Fields(s) {
		if roleWords[strings.ToLower(strings.Trim(w, ".,"))] {
			return true
		}
	}
	return false
}

// titleCaseShouting writes an all-capitals name ("TOM KRISHER") as a
// name ("Tom Krisher").
func titleCaseShouting(s string) string {
	if s == "" || strings.ToUpper(s) != s || strings.ToLower(s) == s {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

func tidyName(s string) string {
	s = strings.TrimSpace(strings.Trim(s, " .:|-–—()[]\"'"))
	words := strings.Fields(s)
	// Drop a trailing role: "Kim Sengupta World Affairs Editor".
	for i, w := range words {
		if i >= 2 && roleWords[strings.ToLower(strings.Trim(w, ".,"))] {
			// Role phrases are capitalised words up to the role word;
			// keep the first two or three words as the name.
			words = words[:nameLength(words[:i])]
			break
		}
	}
	return strings.Join(words, " ")
}

// nameLength guesses how many leading words of a byline are the name
// when a role follows: two, or three with a middle initial or particle.
func nameLength(words []string) int {
	if len(words) >= 3 {
		w := strings.ToLower(words[1])
		if len(strings.Trim(w, ".")) == 1 || particles[w] {
			return 3
		}
	}
	return min(2, len(words))
}

var particles = map[string]bool{"van": true, "von": true, "de": true, "der": true, "del": true, "da": true, "di": true, "le": true, "la": true, "bin": true, "al": true, "el": true, "ben": true}

// looksLikeName accepts one to five words, mostly capitalised, no digits,
// no URLs, handles or e-mail addresses.
func looksLikeName(s string) bool {
	if len(s) > 60 || strings.ContainsAny(s, "@/:0123456789?!=<>") {
		return false
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	capital := 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || !unicode.IsLetter(r) && r != '\'' {
			capital++
		} else if !particles[strings.ToLower(w)] {
			return false
		}
	}
	return capital > 0
}

// collapse normalises whitespace.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
