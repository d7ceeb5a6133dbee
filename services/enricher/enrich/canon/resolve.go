// Package canon turns the names a recogniser finds into canonical entities:
// one entity per real thing per article, with an id that is the same in
// every article.
//
// A name is resolved, in order, by
//
//   - the gazetteer (data/*.txt, facts written by hand): "Nato", "NATO" and
//     "North Atlantic Treaty Organization" are NATO; "US", "U.S.", "America"
//     and "United States" are the United States; "Kiev" is Kyiv;
//   - people in the same article: "Sherman", "Ms Sherman" and "Wendy R.
//     Sherman" join "Wendy Sherman" (titles, middle initials and
//     possessives are dropped when matching);
//   - near-spellings: a person whose surname is one edit (two for long
//     names) from a person named in the article or a known person, with the
//     same first name if one is given, is that person ("Sergei Rybakov" is
//     Sergei Ryabkov);
//   - acronyms: "OSCE" joins a long form in the same article whose initials
//     spell it, written anywhere, in brackets or not;
//   - sport: a place a sports article uses as a team is that team
//     ("Baltimore beat the Red Sox" is the Baltimore Orioles; teams.go);
//   - short forms: a one-word company name joins the longer name in the
//     article, and a last word joins the one name it ends ("Heat" is the
//     Miami Heat); the first or last words of one longer organisation
//     name are it ("Avco Financial", "Avco Financial Services Inc");
//   - context: a country's name before "forces" or "government" is its
//     military or government ("United States (military)").
//
// Before that, recogniser spans are repaired with the gazetteer and the
// article's other names: a hyphenated word of known names is those names
// ("US-Russia"), affixes are dropped ("Russia-backed", "pro-Western",
// "ex-Miami Dolphins"), two names in one span are split ("Peabody and Co
// and E.F. Hutton Co Inc", "Southerns Georgia Power Co": spans.go), and a
// span that stops short of a known name or an organisation word is
// completed ("Organisation for Security and Co-operation" followed by "in
// Europe", "West Virginia" by "State University").
//
// The id is a hash of the type and the canonical name's matching key, so
// "Wendy R. Sherman" in one article and "Wendy Sherman" in another share it.
// A person named only by surname gets the id of the known person with that
// surname, or else one of its own: without a first name two articles cannot
// be told to mean the same person.
package canon

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

// Mention is a name found in the text: its byte range and its type.
type Mention struct {
	Start, End int
	Type       pipeline.EntityType
}

// Entity is a resolved entity of one article.
type Entity struct {
	ID   string
	Name string
	Type pipeline.EntityType
	// Gender is set for people when a known entry, a given name or an
	// honorific says it.
	Gender lexicon.Gender
	// Known is the gazetteer entry, or nil.
	Known    *Known
	Mentions []pipeline.Mention
	Salience float64

	// Matching state while resolving.
	keys     map[string]bool // folded forms mentioned, for title matching and joins
	firsts   map[string]bool // folded first names (people)
	surnames map[string]bool // folded surnames (people)
	names    map[string]int  // display name -> count of mentions using it
	hints    [3]int          // honorific gender votes, by lexicon.Gender
}

// Context is what Resolve knows of the article besides its text.
type Context struct {
	// Title is the headline; when empty, mentions before LeadEnd (the end
	// of the first sentence) count as being in the title.
	Title   string
	LeadEnd int
}

// Resolver resolves mentions against a gazetteer. It is safe for
// concurrent use.
type Resolver struct {
	g *Gazetteer
}

// NewResolver returns a resolver using g (Default() if nil).
func NewResolver(g *Gazetteer) *Resolver {
	if g == nil {
		g = Default()
	}
	return &Resolver{g: g}
}

// Gazetteer returns the gazetteer the resolver uses.
func (r *Resolver) Gazetteer() *Gazetteer { return r.g }

// prepared is a mention after trimming, with its matching keys.
type prepared struct {
	Mention
	text   string
	key    string // Key(text)
	pkey   string // PersonKey(text), people only
	words  int
	gender lexicon.Gender
	known  *Known
	// qualified is the name with the country an article's context gives
	// it ("Senate (Nigeria)"), when the name alone does not say.
	qualified string
}

// Resolve groups mentions (which must not overlap) into entities, sorted
// by salience, highest first.
func (r *Resolver) Resolve(text string, mentions []Mention, ctx Context) []*Entity {
	mentions = r.normalize(text, mentions)
	ps := make([]prepared, 0, len(mentions))
	for _, m := range mentions {
		if p, ok := r.prepare(text, m); ok {
			ps = append(ps, p)
		}
	}
	r.countryBodies(text, ps)
	r.qualifyInstitutions(ps)
	r.teams(text, ps)
	r.ownAcronyms(text, ps)
	res := &resolution{g: r.g, text: text, byKnown: map[*Known]*Entity{}, byKey: map[string]*Entity{}}
	// Full names first, so that a bare surname finds its person wherever
	// the full name is written; then single words; then everything else.
	for pass := 0; pass < 3; pass++ {
		for i := range ps {
			p := &ps[i]
			isPerson := p.Type == pipeline.Person
			switch {
			case pass == 0 && isPerson && p.words > 1, pass == 1 && isPerson && p.words == 1:
				res.addPerson(p)
			case pass == 2 && !isPerson:
				res.addOther(p)
			}
		}
	}
	res.mergeAcronyms()
	res.joinShortForms()
	res.joinPrefixForms()
	res.joinDoubtfulPersons()
	res.joinInstrumentCodes()
	return res.finish(ctx)
}

// qualifyInstitutions decides what a bare institution name ("the Senate",
// "House of Representatives") means from the article: the gazetteer's
// institution of a country (the US Senate) when the article names that
// country or none, and otherwise the institution of the country the
// article names most ("Senate (Nigeria)"), its own entity. (A story about
// US-Russian talks that names Russia more still means the US State
// Department.)
func (r *Resolver) qualifyInstitutions(ps []prepared) {
	var main *Known
	counts := map[*Known]int{}
	for i := range ps {
		if k := ps[i].known; k != nil {
			if c := k.CountryOf(); c != nil {
				counts[c]++
				if main == nil || counts[c] > counts[main] {
					main = c
				}
			}
		}
	}
	if main == nil {
		return
	}
	for i := range ps {
		p := &ps[i]
		if p.known == nil || p.known.Of == nil || counts[p.known.Of] > 0 || r.g.countryOf(p.text) != nil {
			continue
		}
		p.known = nil
		p.qualified = p.text + " (" + main.Name + ")"
		p.key = Key(p.qualified)
	}
}

// countryBodies: a country's name before "military", "forces", "troops"
// or "government" names the country's armed forces or government, not the
// country ("U.S. forces had been in charge", "U.S. government medical
// help"): the mention takes the noun, and the entity is "United States
// (military)" or "United States (government)", one id in every article.
// Nationality words are left alone ("Russian forces" stays Russian).
func (r *Resolver) countryBodies(text string, ps []prepared) {
	for i := range ps {
		p := &ps[i]
		if p.known == nil || !p.known.country {
			continue
		}
		rest := text[p.End:]
		for _, b := range countryBodyWords {
			if len(rest) > len(b.word) && strings.EqualFold(rest[:len(b.word)], b.word) && !isWordByte(rest[len(b.word)]) ||
				len(rest) == len(b.word) && strings.EqualFold(rest, b.word) {
				p.End += len(b.word)
				p.text = text[p.Start:p.End]
				p.qualified = p.known.Name + " (" + b.body + ")"
				p.key = Key(p.qualified)
				p.known = nil
				p.Type = pipeline.Organization
				break
			}
		}
	}
}

// countryBodyWords are the nouns after a country's name that make it its
// armed forces or its government.
var countryBodyWords = []struct{ word, body string }{
	{" military", "military"}, {" armed forces", "military"}, {" forces", "military"}, {" troops", "military"},
	{" government", "government"}, {" administration", "government"},
}

// ownAcronyms: an acronym the article defines means what it defines, not
// what the gazetteer lists it as ("artificial pancreas (AP)" is not the
// Associated Press). The acronym is then named by its long form.
func (r *Resolver) ownAcronyms(text string, ps []prepared) {
	var defs map[string]string
	checked := false
	for i := range ps {
		p := &ps[i]
		if p.known == nil || acronymOf(p.text) == "" {
			continue
		}
		if !checked {
			defs, checked = definitions(text), true
		}
		long, ok := defs[acronymOf(p.text)]
		if !ok {
			continue
		}
		if k, known := r.g.Lookup(long); known && k == p.known {
			continue
		}
		p.known = nil
		p.qualified = long
		p.key = Key(long)
	}
}

// prepare trims a mention to the name itself: no honorific or office
// before a person's name, no possessive or punctuation after any name.
func (r *Resolver) prepare(text string, m Mention) (prepared, bool) {
	if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
		return prepared{}, false
	}
	p := prepared{Mention: m}
	p.Start, p.End = trimName(text, p.Start, p.End)
	if p.Start >= p.End {
		return prepared{}, false
	}
	if p.Type == pipeline.Person {
		off, g := StripTitles(r.g, text[p.Start:p.End])
		p.Start += off
		p.gender = g
		if g == lexicon.Unknown {
			p.gender = honorificBefore(text, p.Start)
		}
	}
	p.text = text[p.Start:p.End]
	p.key = Key(p.text)
	if p.key == "" {
		return prepared{}, false
	}
	p.words = len(strings.Fields(p.key))
	if p.Type == pipeline.Person {
		p.pkey = PersonKey(p.text)
	}
	if k, ok := r.g.LookupKey(p.key); ok {
		// The gazetteer knows better than a recogniser which kind of thing
		// a name is, except that "Mr Jordan" is a person whatever Jordan is.
		switch {
		case k.listed && (p.Type == pipeline.Person || p.Type == pipeline.Organization):
			// A city's name said of a person or an organisation: the
			// lists know no people, and whether "Detroit" is the city
			// or its team the article must say (teams.go).
		case p.Type == pipeline.Organization && k.Type == pipeline.Location:
			// A place the recogniser reads as an organisation is its
			// team, university or government ("Alabama beat LSU"): an
			// entity apart from the place, one per place.
			p.qualified = k.Name + orgSuffix
			p.key = Key(p.qualified)
		case k.Type == pipeline.Person && !sameGender(k.Gender, p.gender):
			// "Ms Acosta" is not a man the gazetteer knows by that name:
			// the article's own people, or a new one, decide.
		case k.Type == pipeline.Person || p.Type != pipeline.Person || p.gender == lexicon.Unknown && !hasHonorificBefore(text, p.Start):
			p.known = k
			p.Type = k.Type
		}
	}
	return p, true
}

// trimName narrows [start, end) to the name: no surrounding space or
// punctuation, no possessive "'s", but the dots of "U.S." kept.
func trimName(text string, start, end int) (int, int) {
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:end])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		start += size
	}
	for end > start {
		s := text[start:end]
		switch {
		case strings.HasSuffix(s, "'s"), strings.HasSuffix(s, "'S"):
			end -= 2
			continue
		case strings.HasSuffix(s, "\u2019s"), strings.HasSuffix(s, "\u2019S"):
			end -= len("\u2019s")
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		if r == '.' && isInitialism(s) {
			break
		}
		end -= size
	}
	return start, end
}

// isInitialism reports whether s ends in a dotted initialism ("U.S.").
func isInitialism(s string) bool {
	s = s[:len(s)-1]
	i := strings.LastIndexAny(s, " \t\n")
	last := s[i+1:]
	return strings.Contains(last, ".") || utf8.RuneCountInString(last) == 1
}

// honorificBefore returns the gender of an honorific just before offset
// ("Ms" in "Ms Sherman" when the recogniser found only "Sherman").
func honorificBefore(text string, offset int) lexicon.Gender {
	w := wordBefore(text, offset)
	g, _ := IsHonorific(w)
	return g
}

func hasHonorificBefore(text string, offset int) bool {
	_, ok := IsHonorific(wordBefore(text, offset))
	return ok
}

func wordBefore(text string, offset int) string {
	end := offset
	for end > 0 && (text[end-1] == ' ' || text[end-1] == '\t') {
		end--
	}
	if end == offset {
		return ""
	}
	start := end
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		start -= size
	}
	return text[start:end]
}

type resolution struct {
	g        *Gazetteer
	text     string
	entities []*Entity
	byKnown  map[*Known]*Entity
	byKey    map[string]*Entity // non-person entities by folded name
	persons  []*Entity
}

func (res *resolution) newEntity(t pipeline.EntityType, k *Known) *Entity {
	e := &Entity{Type: t, Known: k, keys: map[string]bool{}, names: map[string]int{}}
	if t == pipeline.Person {
		e.firsts, e.surnames = map[string]bool{}, map[string]bool{}
		res.persons = append(res.persons, e)
	}
	if k != nil {
		res.byKnown[k] = e
		e.addKnownNames(k)
	}
	res.entities = append(res.entities, e)
	return e
}

func (e *Entity) addKnownNames(k *Known) {
	for _, n := range k.Names {
		e.keys[Key(n)] = true
		if e.Type == pipeline.Person {
			e.addPersonKey(PersonKey(n))
		}
	}
}

func (e *Entity) addPersonKey(pkey string) {
	if parts := strings.Fields(pkey); len(parts) > 1 {
		e.firsts[parts[0]] = true
		e.surnames[strings.Join(surnameWords(parts), " ")] = true
	} else if len(parts) == 1 {
		e.surnames[parts[0]] = true
	}
}

func (e *Entity) add(p *prepared) {
	e.Mentions = append(e.Mentions, pipeline.Mention{Start: p.Start, End: p.End, Text: p.text})
	e.keys[p.key] = true
	e.names[displayName(p)]++
	if e.Type == pipeline.Person {
		e.addPersonKey(p.pkey)
		e.hints[p.gender]++
		// "al-Maliki" is also "Maliki": the Arabic article is written or
		// not.
		if fs := strings.Fields(p.text); len(fs) > 0 {
			last := fs[len(fs)-1]
			for _, art := range articlePrefixes {
				if len(last) > len(art)+2 && strings.EqualFold(last[:len(art)], art) {
					e.surnames[Key(last[len(art):])] = true
				}
			}
		}
	}
}

// articlePrefixes are the Arabic article as names write it before a
// surname ("al-Maliki", "el-Sissi"), which a later mention may drop.
var articlePrefixes = []string{"al-", "el-"}

// displayName is how a mention would name its entity: a person without
// middle initials, anything without line breaks.
func displayName(p *prepared) string {
	if p.qualified != "" {
		return p.qualified
	}
	fields := strings.Fields(p.text)
	if p.Type == pipeline.Person && len(fields) > 2 {
		out := fields[:1:1]
		for _, f := range fields[1 : len(fields)-1] {
			if utf8.RuneCountInString(strings.TrimSuffix(f, ".")) == 1 || suffixes[strings.ToLower(strings.TrimSuffix(f, "."))] {
				continue
			}
			out = append(out, f)
		}
		fields = append(out, fields[len(fields)-1])
	}
	return strings.Join(fields, " ")
}

func (res *resolution) known(k *Known) *Entity {
	if e, ok := res.byKnown[k]; ok {
		return e
	}
	return res.newEntity(k.Type, k)
}

func (res *resolution) addPerson(p *prepared) {
	if p.known != nil {
		res.known(p.known).add(p)
		return
	}
	parts := strings.Fields(p.pkey)
	if len(parts) == 0 {
		return
	}
	if len(parts) > 1 {
		first, sur := parts[0], strings.Join(surnameWords(parts), " ")
		// Someone already named in the article: same surname and first name,
		// or one of them a near-spelling of the other's.
		for _, e := range res.persons {
			if e.surnames[sur] && (e.firsts[first] || len(e.firsts) == 0) {
				e.add(p)
				return
			}
		}
		for _, e := range res.persons {
			if e.firsts[first] && anyNear(e.surnames, sur) {
				e.add(p)
				return
			}
		}
		// A known person, perhaps misspelt.
		if k := res.nearKnown(first, sur); k != nil {
			res.known(k).add(p)
			return
		}
		res.newEntity(pipeline.Person, nil).add(p)
		return
	}
	w := parts[0]
	// A bare surname of someone in the article. When several people share
	// it ("Gerald Ford" and "Betty Ford"), an honorific's gender chooses,
	// and otherwise the one named first: an article names its subject
	// first, and others by full name after.
	if e := res.firstPerson(func(e *Entity) bool { return e.surnames[w] && genderAgrees(e, p.gender) }); e != nil {
		e.add(p)
		return
	}
	// Failing that, a near-spelling or a first name: the most recently
	// mentioned before it wins.
	// Every step keeps to people whose gender the honorific allows: a
	// title that disagrees names someone else ("Mr. Obama" in an article
	// that so far named only Michelle Obama), the one known person of
	// that surname and gender, or else a person of their own.
	if p.gender != lexicon.Unknown && res.firstPerson(func(e *Entity) bool { return e.surnames[w] }) != nil {
		if k := res.knownBySurname(w, p.gender); k != nil {
			res.known(k).add(p)
			return
		}
		res.newEntity(pipeline.Person, nil).add(p)
		return
	}
	if e := res.lastPerson(p.Start, func(e *Entity) bool { return e.surnames[w] && genderAgrees(e, p.gender) }); e != nil {
		e.add(p)
		return
	}
	if e := res.lastPerson(p.Start, func(e *Entity) bool { return anyNear(e.surnames, w) && genderAgrees(e, p.gender) }); e != nil {
		e.add(p)
		return
	}
	if e := res.lastPerson(p.Start, func(e *Entity) bool { return e.firsts[w] && len(e.surnames) > 0 && genderAgrees(e, p.gender) }); e != nil {
		e.add(p)
		return
	}
	if k := res.knownBySurname(w, p.gender); k != nil {
		res.known(k).add(p)
		return
	}
	res.newEntity(pipeline.Person, nil).add(p)
}

// lastPerson returns the person matching ok whose latest mention before
// offset is the latest, or, when none is mentioned before, the first one
// matching.
func (res *resolution) lastPerson(offset int, ok func(*Entity) bool) *Entity {
	var best, first *Entity
	bestAt := -1
	for _, e := range res.persons {
		if !ok(e) {
			continue
		}
		if first == nil {
			first = e
		}
		for _, m := range e.Mentions {
			if m.Start < offset && m.Start > bestAt {
				best, bestAt = e, m.Start
			}
		}
	}
	if best != nil {
		return best
	}
	return first
}

// firstPerson returns the first person named in the article that ok accepts.
func (res *resolution) firstPerson(ok func(*Entity) bool) *Entity {
	for _, e := range res.persons {
		if ok(e) {
			return e
		}
	}
	return nil
}

// sameGender reports whether two genders may be one person's: equal, or
// either unknown.
func sameGender(a, b lexicon.Gender) bool {
	return a == lexicon.Unknown || b == lexicon.Unknown || a == b
}

// genderAgrees reports whether a person may be called by an honorific of
// gender g: neither the gazetteer nor their first name says otherwise.
// The titles the article gave them so far are not asked: one wrong join
// would then keep the right person from every later title.
func genderAgrees(e *Entity, g lexicon.Gender) bool {
	if g == lexicon.Unknown {
		return true
	}
	if e.Known != nil && !sameGender(e.Known.Gender, g) {
		return false
	}
	for f := range e.firsts {
		if fg, ok := lexicon.FirstName(f); ok && fg != lexicon.Unknown && fg != g {
			return false
		}
	}
	return true
}

// joinShortForms joins a one-word organisation name to the one longer
// organisation name in the article that has it as a word ("Dominion" is
// "Dominion Textile", "Philips" is "NV Philips Gloeilampenfabrieken"),
// unless several names have it. An ordinary English word, or a word the
// recogniser took for a place or a person, joins only the one longer name
// that ends with it (or, for an organisation, starts with it: "Rolls" is
// "Rolls Royce Plc"), the way a club or a brand is called by its last word
// ("Heat" is the Miami Heat, "Tide" the Crimson Tide), and not after "of"
// ("Portland" is not the "Archdiocese of Portland"). A one-word "other"
// name (the recogniser's MISC: "Dow", "Nasdaq") joins like an
// organisation's, and also a longer "other" name ("Dow Jones").
func (res *resolution) joinShortForms() {
	for _, short := range res.entities {
		if len(short.Mentions) == 0 {
			continue
		}
		if short.Known != nil {
			// A known organisation's short name that ends one longer
			// organisation name of the article is that one: "The Times"
			// after "The New York Times".
			if short.Known.Type == pipeline.Organization {
				res.joinKnownTail(short)
			}
			continue
		}
		org := short.Type == pipeline.Organization
		if !org && short.Type != pipeline.Location && short.Type != pipeline.Person && short.Type != pipeline.Misc {
			continue
		}
		var w string
		for k := range short.keys {
			if ok := OrgKey(k); ok != "" && !strings.Contains(ok, " ") && w == "" {
				w = ok
			} else {
				w = "-"
			}
		}
		if w == "" || w == "-" || utf8.RuneCountInString(w) < 3 {
			continue
		}
		strict := !org && short.Type != pipeline.Misc || lexicon.IsCommon(w)
		// Several longer names with the word: the first named of those
		// that start with it ("Dominion Textile" before "Dominion Textiles
		// Inc of Canada"), else none.
		var long, firstHead *Entity
		n := 0
		for _, l := range res.entities {
			if l == short || !(l.Type == pipeline.Organization || l.Type == pipeline.Misc && short.Type == pipeline.Misc) || len(l.Mentions) == 0 {
				continue
			}
			at := -1
			if strict {
				if !l.endsWith(w) && !(org && l.startsWith(w)) {
					continue
				}
			} else if i, ok := l.nameWord(w); ok {
				at = i
			} else {
				continue
			}
			n++
			long = l
			if at == 0 && (firstHead == nil || l.Mentions[0].Start < firstHead.Mentions[0].Start) {
				firstHead = l
			}
		}
		if n > 1 {
			if strict {
				continue
			}
			long = firstHead
		}
		if long != nil {
			long.absorb(short)
		}
	}
}

// joinDoubtfulPersons joins a "person" named by one word that is no given
// name, with no honorific and no fuller name in the article, to the one
// other thing of the article whose name of several words starts with it
// ("Sago" is the "Sago Mine" when the recogniser took it for a person).
func (res *resolution) joinDoubtfulPersons() {
	for _, p := range res.persons {
		if p.Known != nil || len(p.Mentions) == 0 || len(p.firsts) > 0 || p.hints[lexicon.Male]+p.hints[lexicon.Female] > 0 || len(p.keys) != 1 {
			continue
		}
		var w string
		for k := range p.keys {
			w = k
		}
		if strings.Contains(w, " ") || utf8.RuneCountInString(w) < 3 {
			continue
		}
		if _, given := lexicon.FirstName(w); given {
			continue
		}
		var into *Entity
		n := 0
		for _, e := range res.entities {
			if e.Type == pipeline.Person || len(e.Mentions) == 0 {
				continue
			}
			if at, ok := e.nameWord(w); ok && at == 0 {
				into = e
				n++
			}
		}
		if n == 1 {
			into.absorb(p)
		}
	}
}

// joinPrefixForms joins an organisation named by the first or the last
// words of one longer organisation name of the article to it ("Avco
// Financial" is "Avco Financial Services Inc", "Bache Securities Inc" is
// "Prudential Bache Securities Inc"), unless several longer names have
// them.
// (A short name with a corporate suffix joins too: sparing "General
// Motors Corp" from "General Motors Acceptance Corp" also spared "Pan Am
// Corp" from "Pan Am World Airways", and cost the dev set 0.0004.)
func (res *resolution) joinPrefixForms() {
	for _, short := range res.entities {
		if short.Known != nil || short.Type != pipeline.Organization || len(short.Mentions) == 0 {
			continue
		}
		key := ""
		for k := range short.keys {
			ok := OrgKey(k)
			if !strings.Contains(ok, " ") || key != "" && ok != key {
				key = ""
				break
			}
			key = ok
		}
		if key == "" {
			continue
		}
		var long *Entity
		n := 0
		for _, l := range res.entities {
			if l == short || l.Type != pipeline.Organization || len(l.Mentions) == 0 {
				continue
			}
			for k := range l.keys {
				ok := OrgKey(k)
				if len(ok) > len(key) && (strings.HasPrefix(ok, key+" ") || strings.HasSuffix(ok, " "+key)) {
					if long != l {
						n++
					}
					long = l
				}
			}
		}
		if n == 1 {
			long.absorb(short)
		}
	}
}

// endsWith reports whether one of e's names of several words ends with w,
// not after "of".
func (e *Entity) endsWith(w string) bool {
	for k := range e.keys {
		ok := OrgKey(k)
		head, found := strings.CutSuffix(ok, " "+w)
		if found && !strings.HasSuffix(head, " of") && !strings.HasSuffix(head, " de") && head != "of" && head != "de" && head != "" {
			return true
		}
	}
	return false
}

// joinKnownTail joins a known organisation named by one word to the one
// longer organisation name of the article that ends with that word.
func (res *resolution) joinKnownTail(short *Entity) {
	w := ""
	for k := range short.keys {
		if strings.Contains(OrgKey(k), " ") {
			continue
		}
		if ok := OrgKey(k); res.mentionsKey(short, k) {
			if w != "" && w != ok {
				return
			}
			w = ok
		}
	}
	if w == "" {
		return
	}
	var long *Entity
	for _, l := range res.entities {
		if l == short || l.Type != pipeline.Organization || len(l.Mentions) == 0 || !l.endsWith(w) {
			continue
		}
		if long != nil {
			return
		}
		long = l
	}
	if long != nil {
		long.absorb(short)
	}
}

// mentionsKey reports whether one of e's mentions is written with key k
// (not only listed for it by the gazetteer).
func (res *resolution) mentionsKey(e *Entity, k string) bool {
	for _, m := range e.Mentions {
		if Key(m.Text) == k {
			return true
		}
	}
	return false
}

// startsWith reports whether one of e's names of several words starts
// with w ("Rolls" of "Rolls Royce Plc").
func (e *Entity) startsWith(w string) bool {
	i, ok := e.nameWord(w)
	return ok && i == 0
}

// nameWord reports whether one of e's names of several words has w, and
// where (0 for the first word, when any name starts with it).
func (e *Entity) nameWord(w string) (int, bool) {
	at, found := -1, false
	for k := range e.keys {
		ws := strings.Fields(OrgKey(k))
		if i := slices.Index(ws, w); len(ws) > 1 && i >= 0 {
			if !found || i < at {
				at = i
			}
			found = true
		}
	}
	return at, found
}

func anyNear(set map[string]bool, w string) bool {
	for s := range set {
		if nearSpelling(s, w) {
			return true
		}
	}
	return false
}

// nearKnown finds the known person with this first name whose surname is
// the same or a near-spelling; it must be the only one.
func (res *resolution) nearKnown(first, sur string) *Known {
	for _, k := range res.g.BySurname(sur) {
		for _, f := range k.forms {
			if f.first == first || nearSpelling(f.first, first) {
				return k
			}
		}
	}
	var found *Known
	for _, k := range res.g.People() {
		for _, f := range k.forms {
			if f.first != first || !nearSpelling(f.surname, sur) {
				continue
			}
			if found != nil && found != k {
				return nil // ambiguous
			}
			found = k
		}
	}
	return found
}

// knownBySurname finds the one known person with surname w, or with a
// surname one edit away when w is long enough for that to be telling,
// among those of gender g when g is known.
func (res *resolution) knownBySurname(w string, g lexicon.Gender) *Known {
	var found *Known
	n := 0
	for _, k := range res.g.BySurname(w) {
		if sameGender(k.Gender, g) {
			found = k
		}
		n++
	}
	if n > 0 {
		if n == 1 || g != lexicon.Unknown && res.oneOfGender(w, g) {
			return found
		}
		return nil
	}
	if utf8.RuneCountInString(w) < 6 {
		return nil
	}
	for _, k := range res.g.People() {
		if !sameGender(k.Gender, g) {
			continue
		}
		for _, f := range k.forms {
			if nearSpelling(f.surname, w) {
				if found != nil && found != k {
					return nil
				}
				found = k
			}
		}
	}
	return found
}

// oneOfGender reports whether exactly one known person with surname w may
// be of gender g.
func (res *resolution) oneOfGender(w string, g lexicon.Gender) bool {
	n := 0
	for _, k := range res.g.BySurname(w) {
		if sameGender(k.Gender, g) {
			n++
		}
	}
	return n == 1
}

func (res *resolution) addOther(p *prepared) {
	if p.known != nil && p.known.Country != nil && p.words == 1 {
		// A nationality word that is the name of a person in the article
		// is that person ("Veronica Finn ... Finn said").
		for _, e := range res.persons {
			if e.Known == nil && (e.surnames[p.key] || e.firsts[p.key] && len(e.surnames) > 0) {
				e.add(p)
				return
			}
		}
	}
	if p.known != nil {
		res.known(p.known).add(p)
		return
	}
	key := p.key
	if p.Type == pipeline.Organization && p.qualified == "" {
		key = OrgKey(p.text)
	}
	if e, ok := res.byKey[key]; ok {
		e.add(p)
		return
	}
	// A recogniser that calls one mention of a person something else: an
	// exact full name or surname of a person in the article is that person.
	for _, e := range res.persons {
		if e.keys[p.key] || p.words == 1 && e.surnames[p.key] && e.Known == nil {
			e.add(p)
			return
		}
	}
	e := res.newEntity(p.Type, nil)
	res.byKey[key] = e
	e.add(p)
}

// finish names the entities, gives them ids, salience and sorted mentions.
func (res *resolution) finish(ctx Context) []*Entity {
	out := res.entities[:0]
	maxCount := 0
	for _, e := range res.entities {
		if len(e.Mentions) == 0 {
			continue
		}
		out = append(out, e)
		maxCount = max(maxCount, len(e.Mentions))
	}
	titleKeys := titleGrams(ctx.Title)
	for _, e := range out {
		slices.SortFunc(e.Mentions, func(a, b pipeline.Mention) int { return a.Start - b.Start })
		e.Name = e.canonicalName()
		e.ID = EntityID(e.Type, e.Name)
		if e.Type == pipeline.Person {
			e.Gender = e.gender()
		}
		e.Salience = salience(e, maxCount, len(res.text), ctx, titleKeys)
	}
	slices.SortStableFunc(out, func(a, b *Entity) int {
		switch {
		case a.Salience > b.Salience:
			return -1
		case a.Salience < b.Salience:
			return 1
		}
		return a.Mentions[0].Start - b.Mentions[0].Start
	})
	return out
}

func (e *Entity) canonicalName() string {
	if e.Known != nil {
		return e.Known.Name
	}
	if e.Type == pipeline.Organization || e.Type == pipeline.Misc {
		if long := e.longForm(); long != "" {
			return long
		}
	}
	best, bestN := "", 0
	for n, c := range e.names {
		// People are named by their fullest form; others by their most
		// frequent form, then the longest, then alphabetically for stability.
		better := false
		switch {
		case e.Type == pipeline.Person && len(strings.Fields(n)) != len(strings.Fields(best)):
			better = len(strings.Fields(n)) > len(strings.Fields(best))
		case c != bestN:
			better = c > bestN
		case len(n) != len(best):
			better = len(n) > len(best)
		default:
			better = n < best
		}
		if best == "" || better {
			best, bestN = n, c
		}
	}
	return best
}

// longForm is, for an organisation (or "other" name) most often called by one word
// ("Burlington") that the article also names in full ("Burlington
// Industries Inc"), the full name: most used, then shortest. The short
// form is how the article refers back; the full name is the entity's name
// in every other article too.
func (e *Entity) longForm() string {
	short, shortN := "", 0
	for n, c := range e.names {
		if !strings.Contains(n, " ") && (c > shortN || c == shortN && n < short) {
			short, shortN = n, c
		}
	}
	if short == "" {
		return ""
	}
	w := OrgKey(short)
	best, bestN := "", 0
	for n, c := range e.names {
		ws := strings.Fields(OrgKey(n))
		if len(ws) < 2 || ws[0] != w {
			continue
		}
		if c > bestN || c == bestN && (len(n) < len(best) || len(n) == len(best) && n < best) {
			best, bestN = n, c
		}
	}
	return best
}

func (e *Entity) gender() lexicon.Gender {
	if e.Known != nil && e.Known.Gender != lexicon.Unknown {
		return e.Known.Gender
	}
	for f := range e.firsts {
		if g, ok := lexicon.FirstName(f); ok && g != lexicon.Unknown {
			return g
		}
	}
	switch {
	case e.hints[lexicon.Male] > e.hints[lexicon.Female]:
		return lexicon.Male
	case e.hints[lexicon.Female] > e.hints[lexicon.Male]:
		return lexicon.Female
	}
	return lexicon.Unknown
}

// EntityID is the stable id of an entity: a hash of the matching key of
// its canonical name (PersonKey for a person, OrgKey for an organisation,
// Key otherwise), and of whether it is a person. The other types are not
// part of it: the recogniser calls one place or company a location in one
// article and an organisation or "other" in the next, and a name is rarely
// two things that are not people. A person and a place of one name
// ("Georgia") have two ids.
func EntityID(t pipeline.EntityType, name string) string {
	key := Key(name)
	switch t {
	case pipeline.Person:
		key = PersonKey(name)
	case pipeline.Organization:
		key = OrgKey(name)
	}
	if t == pipeline.Person {
		key = string(t) + "\x00" + key
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// Salience weights, documented in the package doc of enrich.
const (
	salienceFrequency = 0.5
	saliencePosition  = 0.3
	salienceTitle     = 0.2
)

// salience is 0.5·f + 0.3·p + 0.2·t: f the entity's mentions over the most
// any entity has, p how early its first mention is (1 at the start of the
// text, 0 at the end), t whether it is named in the title (or, without a
// title, in the first sentence).
func salience(e *Entity, maxCount, textLen int, ctx Context, titleKeys map[string]bool) float64 {
	f := float64(len(e.Mentions)) / float64(max(maxCount, 1))
	p := 1.0
	if textLen > 0 {
		p = 1 - float64(e.Mentions[0].Start)/float64(textLen)
	}
	t := 0.0
	if ctx.Title != "" {
		for k := range e.keys {
			if titleKeys[k] {
				t = 1
				break
			}
		}
		if t == 0 && e.Type == pipeline.Person {
			for s := range e.surnames {
				if titleKeys[s] {
					t = 1
					break
				}
			}
		}
	} else if e.Mentions[0].Start < ctx.LeadEnd {
		t = 1
	}
	s := salienceFrequency*f + saliencePosition*p + salienceTitle*t
	return float64(int(s*1000+0.5)) / 1000
}

// titleGrams returns the folded word n-grams of a title, up to five words.
func titleGrams(title string) map[string]bool {
	if title == "" {
		return nil
	}
	var ws []string
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '\'' || r == '\u2019')
	}) {
		if k := Key(w); k != "" {
			ws = append(ws, k)
		}
	}
	grams := map[string]bool{}
	for i := range ws {
		for n := 1; n <= 5 && i+n <= len(ws); n++ {
			grams[strings.Join(ws[i:i+n], " ")] = true
		}
	}
	return grams
}
