package canon

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/names"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

//go:embed data/entities.txt
var entitiesTxt string

// Known is an entity the gazetteer knows by name.
type Known struct {
	Type pipeline.EntityType
	// Name is the canonical name: the entity's Name in every article, and
	// with Type the source of its stable id.
	Name string
	// Gender is set for people.
	Gender lexicon.Gender
	// Nominals are common nouns that refer back to the entity ("alliance").
	Nominals []string
	// Names are every form the gazetteer lists, canonical name first.
	Names []string
	// Country is, for a nationality, its country ("Russian" -> Russia):
	// "the Russian delegation said" is Russia speaking.
	Country *Known
	// Of is, for an institution of one country whose other names do not
	// say which ("US Senate", also "Senate"), that country: a bare
	// "Senate" is only the US Senate in an article about the US.
	Of *Known
	// country marks a country (countries.txt's first field).
	country bool
	// listed marks a place known only from the city and region lists,
	// which say nothing of people: a person the recogniser finds with
	// that name ("Houston said") stays a person.
	listed bool
	// forms are a person's names split for matching.
	forms []personForm
}

// personForm is one name of a known person, folded: "sergei", "ryabkov".
type personForm struct{ first, surname string }

// Gazetteer maps the names of known organisations, places, nationalities
// and people to their canonical entity.
type Gazetteer struct {
	byKey map[string]*Known
	// people indexed by folded surname, for "Ms Sherman" and near-spellings.
	bySurname map[string][]*Known
	people    []*Known
	// byNominal maps a nominal ("alliance") to the entities it can mean.
	byNominal map[string][]*Known
	// maxTokens is the most tokens any listed name has; byFirst the most
	// a name starting with a given folded word has.
	maxTokens int
	byFirst   map[string]int
	// placeForms holds every place name as written ("Ohio", "Calif."),
	// for PlacesAfterComma.
	placeForms map[string]*Known
}

// Default returns the gazetteer built from the embedded data files. It is
// built once and shared; it is read-only.
var Default = sync.OnceValue(func() *Gazetteer {
	g, err := parseGazetteer(names.Countries, entitiesTxt, "")
	if err != nil {
		panic(err) // the data is embedded: a parse error is a build defect, caught by the tests
	}
	return g
})

func parseGazetteer(countries, entities, people string) (*Gazetteer, error) {
	g := &Gazetteer{byKey: map[string]*Known{}, bySurname: map[string][]*Known{}, byNominal: map[string][]*Known{}, byFirst: map[string]int{}}
	err := eachRecord(countries, 4, func(f [][]string) error {
		country := &Known{Type: pipeline.Location, Names: append(f[0], f[1]...), country: true}
		if err := g.add(country); err != nil {
			return err
		}
		if len(f[2]) > 0 {
			if err := g.add(&Known{Type: pipeline.Misc, Names: f[2], Country: country}); err != nil {
				return err
			}
		}
		if len(f[3]) > 0 {
			if err := g.add(&Known{Type: pipeline.Location, Names: f[3]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("countries.txt: %w", err)
	}
	err = eachRecord(names.USStates, 2, func(f [][]string) error {
		return g.add(&Known{Type: pipeline.Location, Names: append(f[0], f[1]...)})
	})
	if err != nil {
		return nil, fmt.Errorf("names/usstates.txt: %w", err)
	}
	err = eachRecord(entities, 4, func(f [][]string) error {
		if len(f[0]) != 1 || len(f[1]) != 1 {
			return fmt.Errorf("want TYPE ; name ; aliases ; nominals")
		}
		t := pipeline.EntityType(f[0][0])
		if !t.Valid() || t == pipeline.Person {
			return fmt.Errorf("bad type %q", t)
		}
		k := &Known{Type: t, Names: append(f[1], f[2]...), Nominals: f[3]}
		k.Of = g.countryOf(f[1][0])
		return g.add(k)
	})
	if err != nil {
		return nil, fmt.Errorf("entities.txt: %w", err)
	}
	// Cities and regions, the recogniser's place lists: a place each line
	// that no fuller record above names.
	for _, list := range []string{names.Cities, names.Regions} {
		var err error
		names.Lines(list, func(l string) {
			if _, known := g.byKey[Key(l)]; known || err != nil {
				return
			}
			err = g.add(&Known{Type: pipeline.Location, Names: []string{l}, listed: true})
		})
		if err != nil {
			return nil, fmt.Errorf("names/cities.txt, regions.txt: %w", err)
		}
	}
	err = eachRecord(people, 4, func(f [][]string) error {
		if len(f[0]) != 1 || len(f[1]) != 1 {
			return fmt.Errorf("want gender ; name ; aliases ; role")
		}
		k := &Known{Type: pipeline.Person, Names: append(f[1], f[2]...)}
		switch f[0][0] {
		case "m":
			k.Gender = lexicon.Male
		case "f":
			k.Gender = lexicon.Female
		case "u":
		default:
			return fmt.Errorf("bad gender %q", f[0][0])
		}
		if err := g.add(k); err != nil {
			return err
		}
		g.people = append(g.people, k)
		for _, n := range k.Names {
			if s := surname(n); s != "" && s != Key(n) {
				g.bySurname[s] = appendOnce(g.bySurname[s], k)
				k.forms = append(k.forms, personForm{first: firstName(PersonKey(n)), surname: s})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("people.txt: %w", err)
	}
	return g, nil
}

func (g *Gazetteer) add(k *Known) error {
	if len(k.Names) == 0 || k.Names[0] == "" {
		return fmt.Errorf("entity without a name")
	}
	k.Name = k.Names[0]
	for _, n := range k.Names {
		key := Key(n)
		if key == "" {
			return fmt.Errorf("%q: empty name", k.Name)
		}
		if prev, ok := g.byKey[key]; ok && prev != k {
			return fmt.Errorf("%q is listed for both %q and %q", n, prev.Name, k.Name)
		}
		g.byKey[key] = k
		if k.Type == pipeline.Location {
			if g.placeForms == nil {
				g.placeForms = map[string]*Known{}
			}
			g.placeForms[n] = k
		}
		fields := strings.Fields(key)
		g.maxTokens = max(g.maxTokens, len(fields))
		g.byFirst[fields[0]] = max(g.byFirst[fields[0]], len(fields))
	}
	for _, nom := range k.Nominals {
		g.byNominal[strings.ToLower(nom)] = append(g.byNominal[strings.ToLower(nom)], k)
	}
	return nil
}

// countryOf returns the country a name starts with ("US Senate",
// "Russian Foreign Ministry"), or nil.
func (g *Gazetteer) countryOf(name string) *Known {
	w, _, _ := strings.Cut(Key(name), " ")
	k, ok := g.byKey[w]
	switch {
	case !ok:
		return nil
	case k.country:
		return k
	}
	return k.Country
}

// withoutCountry returns name without a first word that is a country's
// name ("U.S. Food and Drug Administration" is "Food and Drug
// Administration"), and whether it had one.
func (g *Gazetteer) withoutCountry(name string) (string, bool) {
	first, rest, ok := strings.Cut(name, " ")
	if !ok {
		return name, false
	}
	if k, known := g.byKey[Key(first)]; !known || !k.country {
		return name, false
	}
	return strings.TrimSpace(rest), true
}

// Listed reports whether k is a place known only from the city and region
// lists (names.Cities, names.Regions), which say nothing of people or
// organisations of that name.
func (k *Known) Listed() bool { return k.listed }

// CountryOf returns the country a known place or nationality is or
// belongs to, or nil.
func (k *Known) CountryOf() *Known {
	if k.country {
		return k
	}
	return k.Country
}

func appendOnce(ks []*Known, k *Known) []*Known {
	for _, x := range ks {
		if x == k {
			return ks
		}
	}
	return append(ks, k)
}

// eachRecord parses " ; "-separated records of n fields whose fields hold
// "|"-separated alternatives. Missing trailing fields are empty.
func eachRecord(data string, n int, f func([][]string) error) error {
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		parts := strings.Split(line, ";")
		if len(parts) > n {
			return fmt.Errorf("line %d: %d fields, want at most %d", i+1, len(parts), n)
		}
		fields := make([][]string, n)
		for j, p := range parts {
			for _, alt := range strings.Split(p, "|") {
				if alt = strings.TrimSpace(alt); alt != "" {
					fields[j] = append(fields[j], alt)
				}
			}
		}
		if err := f(fields); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}

// Lookup returns the known entity named name, in any of its listed forms.
func (g *Gazetteer) Lookup(name string) (*Known, bool) {
	k, ok := g.byKey[Key(name)]
	return k, ok
}

// LookupKey is Lookup for a name already folded by Key.
func (g *Gazetteer) LookupKey(key string) (*Known, bool) {
	k, ok := g.byKey[key]
	return k, ok
}

// MaxTokens is the largest number of words in any listed name.
func (g *Gazetteer) MaxTokens() int { return g.maxTokens }

// MaxTokensFrom is the largest number of words in a listed name whose
// first word folds (Key) to first; 0 when no name starts with it.
func (g *Gazetteer) MaxTokensFrom(first string) int { return g.byFirst[first] }

// BySurname returns the known people with that folded surname.
func (g *Gazetteer) BySurname(key string) []*Known { return g.bySurname[key] }

// People returns every known person.
func (g *Gazetteer) People() []*Known { return g.people }

// ByNominal returns the entities a nominal such as "alliance" can refer to.
func (g *Gazetteer) ByNominal(nominal string) []*Known { return g.byNominal[strings.ToLower(nominal)] }

// Key folds a name for matching: lower case, accents removed, apostrophes
// straightened, dots and hyphens dropped ("U.S." = "US", "Co-operation" =
// "Cooperation"), a possessive removed, spaces collapsed and a leading
// "the" dropped.
func Key(name string) string {
	if !isASCII(name) {
		name = stripAccents(name)
	} else if foldedASCII(name) {
		// Most names reach here already folded (keys of keys, lower-case
		// words): no copy to make.
		return trimKey(name)
	}
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for _, r := range name {
		switch {
		case r == '.' || r == '-' || r == '\u2010' || r == '\u2011':
			continue
		case r == '\u2019' || r == '\u2018' || r == '`':
			r = '\''
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return trimKey(b.String())
}

// trimKey drops a possessive and a leading "the" from a folded name.
func trimKey(k string) string {
	k = strings.TrimSuffix(k, "'s")
	k = strings.TrimSuffix(k, "'")
	k = strings.TrimPrefix(k, "the ")
	return k
}

// foldedASCII reports whether Key's folding loop would return the ASCII
// string s unchanged: no capitals, dots, hyphens or backquotes, and single
// spaces between words only.
func foldedASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z', c == '.', c == '-', c == '`', c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// accentStrippers reuses the chains stripAccents runs (transform.String
// resets one before use): building a chain per name cost an allocation
// per non-ASCII name.
var accentStrippers = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

func stripAccents(s string) string {
	t := accentStrippers.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	accentStrippers.Put(t)
	if err != nil {
		return s
	}
	return out
}

// corporateSuffixes end a company's name without changing which company
// it is: "Avnet Inc" is Avnet, "Rolls-Royce Plc" Rolls-Royce.
var corporateSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true,
	"plc": true, "ltd": true, "limited": true, "llc": true, "lp": true, "ag": true, "nv": true, "sa": true,
	"spa": true, "gmbh": true, "bv": true, "ab": true, "asa": true, "oyj": true, "kk": true, "holdings": true,
	"group": true, "& co": true,
}

// orgCore is name, as written, without the corporate suffixes at its end
// ("International Business Machines Corp" is "International Business
// Machines"); a name that is only a suffix keeps it.
func orgCore(name string) string {
	for {
		i := strings.LastIndexByte(name, ' ')
		if i < 0 || !corporateSuffixes[strings.TrimSuffix(Key(name[i+1:]), ",")] {
			return name
		}
		name = strings.TrimSuffix(strings.TrimSpace(name[:i]), ",")
		name = strings.TrimSuffix(name, " &")
		name = strings.TrimSuffix(name, " and")
	}
}

// OrgKey is Key without the corporate suffixes at the end of a name
// ("Dominion Textile Inc" = "Dominion Textile"); a name that is only a
// suffix keeps it.
func OrgKey(name string) string {
	k := Key(name)
	if strings.Contains(k, ", ") {
		// "Goldman, Sachs and Co" is "Goldman Sachs".
		k = strings.ReplaceAll(k, ", ", " ")
	}
	for {
		i := strings.LastIndexByte(k, ' ')
		if i < 0 || !corporateSuffixes[strings.TrimSuffix(k[i+1:], ",")] {
			return strings.TrimSuffix(k, ",")
		}
		k = strings.TrimSuffix(k[:i], ",")
		k = strings.TrimSuffix(k, " &")
		k = strings.TrimSuffix(k, " and")
	}
}
