// Package names is the one source of the name lists that both the
// recogniser (package ner, as gazetteer features) and the resolver
// (packages canon and lexicon) use: countries with their other names,
// demonyms and capitals, nationality-like group words, given names with
// the gender they signal, cities and regions, the words of organisation
// names, sports clubs with the sport they play, and the words that say a
// text is about a sport.
//
// The files here are the source. The recogniser's flat lists
// ner/gazetteer/loc.country.txt, misc.nationality.txt, per.given.txt,
// loc.city.txt, loc.region.txt, cue.orgsuffix.txt and org.sport.txt are
// generated from them (make names, which runs ./names/gen; a test checks
// they match), and the model is trained with those (make model). canon and
// lexicon read these files directly.
//
// Provenance: facts written by hand for newsflow from general knowledge
// (country names and their capitals, demonyms, common given names), never
// extracted from an annotated corpus. No list holds people: who a person
// is, and how else they are spelt, the entity memory learns from the news
// (see canon.Memory).
package names

import (
	"bufio"
	_ "embed"
	"strings"
)

var (
	// Countries holds one country or territory a line:
	// "name ; other names ; demonyms ; capital", "|" between alternatives.
	//
	//go:embed countries.txt
	Countries string
	// Groups holds one nationality-like word a line that is not a
	// country's demonym ("Arab", "Catholic", "Basque").
	//
	//go:embed groups.txt
	Groups string
	// USStates holds one state of the United States a line:
	// "name ; abbreviations".
	//
	//go:embed usstates.txt
	USStates string
	// GivenNames holds lines "g name name ...", g one of m, f or u (either).
	//
	//go:embed givennames.txt
	GivenNames string
	// Teams holds sports clubs and teams, one a line, under "@ sport"
	// lines naming the sport the teams below play ("-": none).
	//
	//go:embed teams.txt
	Teams string
	// Cities holds capitals and large cities, one spelling a line.
	//
	//go:embed cities.txt
	Cities string
	// Regions holds continents, regions, US states, seas, rivers,
	// mountains and landmarks, one a line.
	//
	//go:embed regions.txt
	Regions string
	// OrgWords holds the words that end or head organisation names
	// ("Inc", "University", "Exchange"), one a line.
	//
	//go:embed orgwords.txt
	OrgWords string
	// Sports holds "sport ; words" lines: the words that say a text is
	// about that sport; the line of sport "sport" says only that it is
	// about sport.
	//
	//go:embed sports.txt
	Sports string
)

// Lines calls f with each non-blank line of data that is not a comment,
// trimmed.
func Lines(data string, f func(line string)) {
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' {
			continue
		}
		f(l)
	}
}

// Fields splits a "a ; b | c ; d" record into its fields and their
// alternatives; missing trailing fields are empty.
func Fields(line string, n int) [][]string {
	fields := make([][]string, n)
	for j, p := range strings.SplitN(line, ";", n) {
		for _, alt := range strings.Split(p, "|") {
			if alt = strings.TrimSpace(alt); alt != "" {
				fields[j] = append(fields[j], alt)
			}
		}
	}
	return fields
}

// RecogniserLists returns the recogniser's gazetteer files generated from
// this package: file name (in ner/gazetteer) to content.
func RecogniserLists() map[string]string {
	header := func(what string) string {
		return "# " + what + "\n# Generated from services/enricher/names by `make names`; edit the source there.\n"
	}
	var country, nationality, given, teams strings.Builder
	country.WriteString(header("Countries, territories and former states with their other names."))
	nationality.WriteString(header("Nationalities and demonyms, peoples, ethnic and religious groups, languages."))
	given.WriteString(header("Given names."))
	teams.WriteString(header("Sports clubs and teams (football, US leagues, rugby, cricket), and governing bodies."))
	seen := map[string]bool{}
	add := func(b *strings.Builder, list, name string) {
		k := list + "\x00" + strings.ToLower(name)
		if !seen[k] {
			seen[k] = true
			b.WriteString(name)
			b.WriteByte('\n')
		}
	}
	Lines(Countries, func(l string) {
		f := Fields(l, 4)
		for _, n := range append(f[0], f[1]...) {
			add(&country, "c", n)
		}
		for _, n := range f[2] {
			add(&nationality, "n", n)
		}
	})
	Lines(Groups, func(l string) { add(&nationality, "n", l) })
	Lines(GivenNames, func(l string) {
		for _, n := range strings.Fields(l)[1:] {
			add(&given, "g", n)
		}
	})
	// Cities and regions keep their section comments, not the file's
	// header (the comments before the first entry).
	var cities, regions strings.Builder
	cities.WriteString(header("Capitals and large or newsworthy cities, with common alternative spellings."))
	regions.WriteString(header("Continents, world regions, US states, seas, rivers, mountains and landmarks."))
	body := func(b *strings.Builder, data string) {
		inBody := false
		for l := range strings.SplitSeq(data, "\n") {
			l = strings.TrimSpace(l)
			if l != "" && (inBody || l[0] != '#') {
				inBody = true
				b.WriteString(l)
				b.WriteByte('\n')
			}
		}
	}
	body(&cities, Cities)
	body(&regions, Regions)
	var orgWords strings.Builder
	orgWords.WriteString(header("Words that end or head organisation names."))
	body(&orgWords, OrgWords)
	// Teams keep their section comments, not the file's header (the
	// comments before the first sport line) or the sport lines, which are
	// the resolver's.
	inBody := false
	for l := range strings.SplitSeq(Teams, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case l[0] == '@':
			inBody = true
		case inBody:
			teams.WriteString(l)
			teams.WriteByte('\n')
		}
	}
	return map[string]string{
		"org.sport.txt":        teams.String(),
		"loc.country.txt":      country.String(),
		"misc.nationality.txt": nationality.String(),
		"per.given.txt":        given.String(),
		"loc.city.txt":         cities.String(),
		"loc.region.txt":       regions.String(),
		"cue.orgsuffix.txt":    orgWords.String(),
	}
}
