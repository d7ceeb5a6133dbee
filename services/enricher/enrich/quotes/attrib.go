package quotes

import (
	_ "embed"
	"strings"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// speechVerbs introduce or follow reported speech: a hand-written core
// of common English reporting verbs and their inflections (the list
// below; earlier sessions extended it by hand from a one-off count of
// PolNeAR cue words, commit b4bde2a), and the verbs ./gencues derives
// from the PolNeAR attributions' cues (data/cues.txt, rebuilt by go
// generate; see its header for the rule).
var speechVerbs = cueWords(coreSpeechVerbs, cuesTxt)

//go:embed data/cues.txt
var cuesTxt string

//go:generate go run ./gencues -gold ../../../../../shared/enrich/quotes/gold.jsonl -out data/cues.txt

// cueWords is the core list and the generated one (one word a line, #
// comments) as one set.
func cueWords(core, generated string) map[string]bool {
	m := wordSet(core)
	for _, l := range strings.Split(generated, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}

var coreSpeechVerbs = `said say says saying told tell tells telling added adds adding
	stated stating warned warn warns warning declared declare declares insisted insist insists
	argued argue argues explained explain explains noted wrote writes tweeted
	asked asks replied continued complained complain complains
	maintained maintains claimed urged urges announced announce announces
	acknowledged acknowledges admitted admits conceded concedes stressed stress
	stresses emphasised emphasise emphasises emphasized emphasize emphasizes suggested suggests
	predicted predicts recalled remarked observed observes
	agreed agrees concluded concludes confirmed confirms denied denies
	vowed pledged promised cautioned cautions threatened threatens demanded reiterated reiterate
	reiterates responded responds hoped believes believed posted commented countered quipped joked
	reported reports pointed points echoed echoes charged charges proclaimed proclaims shouted yelled
	chanted testified recounted recounts noting notes mentioned blasted criticized criticised accused
	praised questioned defended denounced dismissed blamed revealed indicated cited citing lamented
	laments answered answers repeated repeats retaliated opined mused boasted bragged scoffed remembered pressed barked interjected retorted snapped read reads tweeting writing explaining
	insisting arguing declaring announcing warning`

// phrasalCues are reporting verbs of two words ("Trump shot back"), by
// their first word, whose own meaning is not speech.
var phrasalCues = map[string]string{"shot": "back", "fired": "back", "hit": "back", "pushed": "back", "went": "on", "chimed": "in", "weighed": "in"}

// describeVerbs put a label in quotation marks that "by X" attributes.
var describeVerbs = wordSet(`described describes called calls dubbed termed branded labelled labeled`)

// skippable words between a subject and its verb: auxiliaries and adverbs.
var skippable = wordSet(`had has have was is are were would will also later then earlier again previously
	once repeatedly further not just only recently reportedly separately publicly privately firmly flatly
	wanted wants want to went on had did does do could can may might must should shall`)

// clauseBreakers end the noun phrase before a verb.
var clauseBreakers = wordSet(`and but while whereas that when after before because if as though although
	since so yet or nor which where whom whose than`)

// prepositions cut a noun phrase to its head: "Denmark's delegation | to Nato".
var prepositions = wordSet(`of to in at for from with on over about by into against between among`)

// roleNouns name a person by office: "the deputy under secretary warned".
var roleNouns = wordSet(`secretary minister president spokesman spokeswoman spokesperson official
	ambassador envoy representative diplomat chief head leader adviser advisor director chairman
	chairwoman chair commander general negotiator premier chancellor governor mayor senator
	negotiator deputy counterpart officer analyst expert source`)

// institutionNouns name a country's or organisation's voice: "the
// Russian delegation said".
var institutionNouns = wordSet(`delegation government ministry embassy mission side administration
	team officials authorities leadership cabinet presidency military army statement`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

type attributor struct {
	d    *tokens.Doc
	ents []*canon.Entity
	// ment[i] is the entity whose mention covers token i, or -1.
	ment []int32
	// titles caches title: each person's role as the article gives it.
	titles map[*canon.Entity]string
	// starts caches personStarts.
	starts []int32
	// cue caches cueAt: 0 not known yet, 1 a speech verb, 2 not.
	cue []int8
}

func newAttributor(d *tokens.Doc, ents []*canon.Entity) *attributor {
	a := &attributor{d: d, ents: ents, ment: make([]int32, len(d.Tokens)), titles: map[*canon.Entity]string{}}
	for i := range a.ment {
		a.ment[i] = -1
	}
	for ei, e := range ents {
		for _, m := range e.Mentions {
			for ti := d.TokenAt(m.Start); ti < len(d.Tokens) && d.Tokens[ti].Start < m.End; ti++ {
				a.ment[ti] = int32(ei)
			}
		}
	}
	return a
}

func (a *attributor) word(i int) string { return lexicon.Lower(a.d.TokenText(i)) }

func (a *attributor) isPunct(i int, s ...string) bool {
	t := a.d.Tokens[i]
	if t.Kind != tokens.Punct {
		return false
	}
	txt := a.d.Text[t.Start:t.End]
	for _, x := range s {
		if txt == x {
			return true
		}
	}
	return false
}

func (a *attributor) isQuoteMark(i int) bool {
	return a.isPunct(i, "\u201c", "\u201d", "\u201e", "\"", "\u2018", "\u2019", "'", "\u00ab", "\u00bb")
}

// context returns the token ranges before and after a quotation within
// its sentence, stopping at other quotations.
func (a *attributor) context(s *segment) (lFrom, lTo, rFrom, rTo int) {
	d := a.d
	open, close := s.open, s.close
	pFrom, pTo := d.ParaTokens(s.para)
	if open >= 0 {
		sf, _ := d.SentTokens(int(d.Tokens[open].Sent))
		lFrom, lTo = max(sf, pFrom), open
		// Start after any quotation closed earlier in the sentence.
		for i := lTo - 1; i >= lFrom; i-- {
			if a.isQuoteMark(i) && (a.isPunct(i, "\u201d", "\u00bb") || i > lFrom && d.Tokens[i-1].End == d.Tokens[i].Start && d.Tokens[i-1].Kind != tokens.Punct && !a.isPluralPossessive(i, lFrom)) {
				lFrom = i + 1
				break
			}
		}
	} else {
		lFrom, lTo = pFrom, pFrom
	}
	if close >= 0 {
		// NYT's doubled apostrophes close with two tokens.
		closeEnd := close
		if isDoubledApostrophe(d, close, pTo) {
			closeEnd = close + 1
		}
		_, st := d.SentTokens(int(d.Tokens[closeEnd].Sent))
		if st == closeEnd+1 && st < pTo && !a.isPunct(close-1, ".") {
			// “… small?” Trump asked: the words after a quotation ending
			// its own sentence still tell who said it.
			_, st = d.SentTokens(int(d.Tokens[st].Sent))
		}
		rFrom, rTo = close+1, min(st, pTo)
		for i := rFrom; i < rTo; i++ {
			if a.isPunct(i, "\u201c", "\u201e", "\u2018", "\u00ab") || a.isPunct(i, "\"") && i+1 < rTo && d.Tokens[i+1].Start == d.Tokens[i].End {
				rTo = i
				break
			}
		}
	} else {
		rFrom, rTo = pTo, pTo
	}
	return
}

// isPluralPossessive reports whether the single mark at token i is the
// apostrophe of a plural possessive ("the United States' allies",
// "Sanders' passion"), not a closing quotation mark: it follows a word
// ending in s and no single mark opens a quotation in [from, i).
func (a *attributor) isPluralPossessive(i, from int) bool {
	d := a.d
	if !a.isPunct(i, "'", "\u2019") || i == 0 || d.Tokens[i-1].Kind != tokens.Word {
		return false
	}
	if w := d.TokenText(i - 1); w[len(w)-1] != 's' && w[len(w)-1] != 'S' {
		return false
	}
	for k := from; k < i; k++ {
		if a.isPunct(k, "\u2018") || a.isPunct(k, "'") && (k == 0 || d.Tokens[k-1].End < d.Tokens[k].Start) {
			return false
		}
	}
	return true
}

// attribute finds the speaker of one quotation.
func (a *attributor) attribute(s *segment) speaker {
	lFrom, lTo, rFrom, rTo := a.context(s)
	after := a.after(rFrom, rTo)
	if after.found() && after.isPerson() && !after.pronoun {
		return after
	}
	if after.pronoun {
		// “…,” she said, after "Feinstein said": the name in the
		// sentence is surer than a pronoun resolved from far back.
		if before := a.before(lFrom, lTo); before.isPerson() && !before.pronoun {
			return before
		}
		return after
	}
	if sp := a.accordingTo(rFrom, rTo); sp.found() {
		return sp
	}
	if sp := a.accordingTo(lFrom, lTo); sp.found() {
		return sp
	}
	before := a.before(lFrom, lTo)
	switch {
	case before.isPerson():
		return before
	case after.found():
		return after
	case before.found():
		return before
	}
	if sp := a.byAgent(lFrom, lTo, rFrom, rTo); sp.found() {
		return sp
	}
	if sp := a.colon(lFrom, lTo); sp.found() {
		return sp
	}
	if sp := a.laterClause(rFrom, rTo); sp.found() {
		return sp
	}
	if sp := a.nextParagraphSignature(s); sp.found() {
		return sp
	}
	return a.previousSentence(s)
}

// nextParagraphSignature reads a quotation's speaker from a paragraph of
// its own right after it that is only a dash and a name, as fact-checks
// and collected reactions set them: “…” / - Bernie Sanders.
func (a *attributor) nextParagraphSignature(s *segment) speaker {
	d := a.d
	if s.close < 0 || s.para+1 >= len(d.Paragraphs) {
		return speaker{}
	}
	if _, pTo := d.ParaTokens(s.para); pTo > s.close+2 || pTo == s.close+2 && !a.isPunct(s.close+1, ".") {
		return speaker{}
	}
	from, to := d.ParaTokens(s.para + 1)
	if to-from < 2 || to-from > 8 || !a.isPunct(from, "-", "\u2013", "\u2014", "\u2015") {
		return speaker{}
	}
	return a.signature(from+1, to)
}

// colon reads a name and a colon right before the quotation, with no
// verb: HuffPollster: “…”, PENCE: “…”.
func (a *attributor) colon(from, to int) speaker {
	if to-1 <= from || !a.isPunct(to-1, ":") {
		return speaker{}
	}
	start := to - 1
	for start > from && to-1-start < 6 && (a.d.Tokens[start-1].Kind == tokens.Word && a.d.Tokens[start-1].Cap || a.isNameDot(start-1)) {
		start--
	}
	if start == to-1 {
		return speaker{}
	}
	return a.phrase(start, to-1, false)
}

func (s speaker) isPerson() bool { return s.entity != nil && s.entity.Type == pipeline.Person }

// after reads “…,” X said / “…,” said X right after the closing mark.
// npStart reports whether token i can begin the subject of an "X said"
// after a quotation: a name, a pronoun or a determiner, not "with Russia".
func (a *attributor) npStart(i int) bool {
	t := a.d.Tokens[i]
	if t.Kind != tokens.Word {
		return false
	}
	if a.ment[i] >= 0 || t.Cap {
		return true
	}
	switch w := a.word(i); w {
	case "the", "a", "an", "his", "her", "its", "their", "our", "he", "she", "they", "it", "we", "i", "you", "who":
		return true
	default:
		// "columnist Ai Jun wrote", "former adviser Jake Sullivan said"
		return titleNouns[w] || isModifier(w)
	}
}

func (a *attributor) after(from, to int) speaker {
	i := from
	dash := false
	for i < to && (a.isPunct(i, ",", "\u2013", "\u2014", "\u2015", "-") || a.isQuoteMark(i)) {
		dash = dash || !a.isPunct(i, ",") && !a.isQuoteMark(i)
		i++
	}
	if i >= to {
		return speaker{}
	}
	if dash {
		// “…” ― Carla Sanchez: a signature.
		if sp := a.signature(i, to); sp.found() {
			return sp
		}
	}
	// said X; not "adding that Trump …", whose subject is elided.
	if w := a.word(i); speechVerbs[w] && a.d.Tokens[i].Kind == tokens.Word {
		if strings.HasSuffix(w, "ing") || i+1 < to && clauseBreakers[a.word(i+1)] {
			return speaker{}
		}
		end := i + 1
		for end < to && end-i <= 12 && !a.isPunct(end, ",", ".", ";", ":", "!", "?") || end < to && a.isNameDot(end) {
			end++
		}
		return a.phrase(i+1, end, true)
	}
	// X said
	if !a.npStart(i) {
		// "super PAC spokeswoman Kellyanne Conway said": a description
		// in lower case opening with no determiner, then the person.
		k := i
		for k < to && k-i < 4 && a.d.Tokens[k].Kind == tokens.Word && a.ment[k] < 0 && !prepositions[a.word(k)] &&
			!clauseBreakers[a.word(k)] && !speechVerbs[a.word(k)] && !skippable[a.word(k)] {
			k++
		}
		if k == i || k >= to || a.speakerAt(k) == nil || a.speakerAt(k).Type != pipeline.Person {
			return speaker{}
		}
		i = k
	}
	for v := i; v < to && v-i <= 8; v++ {
		if a.d.Tokens[v].Kind == tokens.Word && clauseBreakers[a.word(v)] && a.ment[v] < 0 {
			break
		}
		if a.d.Tokens[v].Kind != tokens.Word {
			if a.isNameDot(v) || a.isPunct(v, "'s", "\u2019s") || a.d.Tokens[v].Kind == tokens.Possessive {
				continue
			}
			// Sen. Marco Rubio (R-Fla.) said
			if a.isPunct(v, "(") {
				if c := a.closingParen(v, min(to, v+10)); c > 0 {
					v = c
					continue
				}
			}
			// X, a former adviser who …, said
			if a.isPunct(v, ",") && v > i {
				if sp := a.apposedSubject(i, v, to); sp.found() {
					return sp
				}
			}
			break
		}
		if (speechVerbs[a.word(v)] || v+1 < to && phrasalCues[a.word(v)] == a.word(v+1)) && a.ment[v] < 0 {
			np := v
			for np > i && skippable[a.word(np-1)] {
				np--
			}
			if np > i && a.isPunct(np-1, ")") {
				for k := np - 2; k > i; k-- {
					if a.isPunct(k, "(") {
						np = k
						break
					}
				}
			}
			return a.phrase(i, np, false)
		}
	}
	return speaker{}
}

// accordingTo reads "according to X" anywhere in [from, to).
func (a *attributor) accordingTo(from, to int) speaker {
	for i := from; i+2 < to; i++ {
		if a.word(i) == "according" && a.word(i+1) == "to" {
			end := i + 2
			for end < to && !a.isPunct(end, ",", ".", ";", ":", "!", "?") && !a.isQuoteMark(end) {
				end++
			}
			return a.phrase(i+2, end, true)
		}
	}
	return speaker{}
}

// before finds the speech verb nearest before the quotation and its
// subject; when that verb has none of its own ("…, adding: “…”", "but
// said “…”"), an earlier verb of the sentence lends its subject.
func (a *attributor) before(from, to int) speaker {
	if to > from {
		if sf, _ := a.d.SentTokens(int(a.d.Tokens[to-1].Sent)); sf < from {
			from = sf
		}
	}
	for v := to - 1; v >= from; v-- {
		if a.d.Tokens[v].Kind != tokens.Word || !speechVerbs[a.word(v)] || a.ment[v] >= 0 {
			continue
		}
		if sp := a.subject(from, v); sp.found() {
			return sp
		}
	}
	return speaker{}
}

// subject finds the subject of the verb at token v, looking no further
// back than from.
func (a *attributor) subject(from, v int) speaker {
	i := v - 1
	for i >= from && a.d.Tokens[i].Kind == tokens.Word && skippable[a.word(i)] && a.ment[i] < 0 {
		i--
	}
	// An apposition: "Julianne Smith, the US ambassador to Nato, said". If
	// the apposition is the name ("Its foreign policy chief, Josep
	// Borrell, maintained"), it is the subject.
	if i >= from && a.isPunct(i, ",") {
		// "Cory James, 22, of Flint, Mich., said": the first person
		// named and set off by a comma heads the appositions.
		for t := from; t < i; t++ {
			e := a.speakerAt(t)
			if e == nil || e.Type != pipeline.Person || t > from && (a.ment[t-1] == a.ment[t] || a.d.Tokens[t-1].Kind == tokens.Word && prepositions[a.word(t-1)]) {
				continue
			}
			end := t
			for end+1 < i && a.ment[end+1] == a.ment[t] {
				end++
			}
			if end+1 < i && a.isPunct(end+1, ",") {
				return speaker{entity: e}
			}
		}
		k := i - 1
		for k >= from && !a.isPunct(k, ",") && !a.isQuoteMark(k) {
			k--
		}
		if k >= from && a.isPunct(k, ",") {
			if e := a.firstOfType(k+1, i, pipeline.Person); e != nil {
				return speaker{entity: e}
			}
			i = k - 1
		} else {
			return speaker{}
		}
	}
	end := i + 1
	j := i
	for j >= from {
		t := a.d.Tokens[j]
		if t.Kind == tokens.Punct && !a.isPunct(j, ".") || t.Kind == tokens.Word && clauseBreakers[a.word(j)] && a.ment[j] < 0 {
			break
		}
		if t.Kind == tokens.Word && j < i && speechVerbs[a.word(j)] && a.ment[j] < 0 {
			break
		}
		j--
	}
	return a.phrase(j+1, end, false)
}

// phrase resolves the noun phrase in tokens [from, to). verbFirst says the
// phrase follows its verb ("said the alliance's Assistant Secretary General
// Baiba Braze"), where the first person named is the speaker.
func (a *attributor) phrase(from, to int, verbFirst bool) speaker {
	if from >= to {
		return speaker{}
	}
	// Pronouns.
	if to-from == 1 || a.d.Tokens[from].Kind == tokens.Word && isPronoun(a.word(from)) && (to-from == 1 || verbFirst) {
		switch a.word(from) {
		case "he":
			sp := a.pronoun(a.d.Tokens[from].Start, lexicon.Male)
			sp.pronoun = true
			return sp
		case "she":
			sp := a.pronoun(a.d.Tokens[from].Start, lexicon.Female)
			sp.pronoun = true
			return sp
		case "who":
			return a.lastNamed(a.d.Tokens[from].Start, pipeline.Person)
		case "they", "it", "which", "i", "we", "you":
			return speaker{}
		}
	}
	if verbFirst {
		// "said in a statement", "said on Tuesday": no speaker here.
		if a.d.Tokens[from].Kind == tokens.Word && prepositions[a.word(from)] {
			return speaker{}
		}
		// "said Clinton’s top foreign policy aide Jake Sullivan": the
		// person, not the possessor.
		if e := a.firstNonPossessor(from, to); e != nil {
			return speaker{entity: e}
		}
		if e := a.firstOfType(from, to, pipeline.Person); e != nil {
			return speaker{entity: e}
		}
	} else if e := a.speakerAt(to - 1); e != nil && e.Type == pipeline.Person {
		// Offices come before names: "US Secretary of State Antony Blinken".
		return speaker{entity: e}
	}
	// Cut at the first preposition: the head comes before it.
	head := to
	for i := from + 1; i < to; i++ {
		if a.d.Tokens[i].Kind == tokens.Word && prepositions[a.word(i)] && a.ment[i] < 0 {
			head = i
			break
		}
	}
	last := head - 1
	for last > from && a.d.Tokens[last].Kind != tokens.Word {
		last--
	}
	if e := a.speakerAt(last); e != nil {
		return speaker{entity: e}
	}
	lw := a.word(last)
	// "Denmark's delegation": the possessor speaks.
	for i := from; i < head; i++ {
		if a.d.Tokens[i].Kind == tokens.Possessive && i > from {
			if e := a.speakerAt(i - 1); e != nil {
				return speaker{entity: e}
			}
		}
	}
	// "the alliance": the entity that nominal names.
	if e := a.nominal(lw, a.d.Tokens[last].Start); e != nil {
		return speaker{entity: e}
	}
	// "the Russian delegation": the country of a nationality.
	if institutionNouns[lw] {
		for i := from; i < head; i++ {
			if e := a.countryAt(i); e != nil {
				return speaker{entity: e}
			}
		}
	}
	// "the deputy under secretary": the person named just before.
	if titleNouns[lw] {
		// "the former Mexican president": the person given that role.
		if sp := a.personWithTitle(lw, a.d.Tokens[from].Start); sp.found() {
			return sp
		}
	}
	if roleNouns[lw] && !verbFirst {
		if sp := a.recentPerson(a.d.Tokens[from].Start); sp.found() {
			return sp
		}
	}
	if e := a.firstSpeaker(from, head); e != nil {
		return speaker{entity: e}
	}
	if roleNouns[lw] || institutionNouns[lw] {
		return speaker{text: a.phraseText(from, head)}
	}
	// A name the recogniser missed ("Mr. Turry said", "Nance said") is
	// still a name: capitalised words ending the phrase, not opened by a
	// function word ("In declaring …", "Like Corker"), nor a day ("a
	// statement Tuesday").
	if t := a.d.Tokens[last]; t.Kind == tokens.Word && t.Cap && !isPronoun(lw) && !calendarWords[lw] &&
		!prepositions[a.word(from)] && !clauseBreakers[a.word(from)] && !skippable[a.word(from)] && a.word(from) != "like" {
		return speaker{text: a.phraseText(from, head)}
	}
	return speaker{}
}

func isPronoun(w string) bool {
	switch w {
	case "he", "she", "they", "it", "who", "which", "i", "we", "you":
		return true
	}
	return false
}

func (a *attributor) phraseText(from, to int) string {
	return strings.Join(strings.Fields(a.d.Text[a.d.Tokens[from].Start:a.d.Tokens[to-1].End]), " ")
}

// speakerAt returns the entity mentioned at token i if it can speak:
// people, organisations, places (for their governments).
func (a *attributor) speakerAt(i int) *canon.Entity {
	if i < 0 || a.ment[i] < 0 {
		return nil
	}
	e := a.ents[a.ment[i]]
	if e.Type == pipeline.Misc {
		return nil
	}
	return e
}

// countryAt returns the country entity of a nationality mentioned at
// token i, if the article names that country.
func (a *attributor) countryAt(i int) *canon.Entity {
	if a.ment[i] < 0 {
		return nil
	}
	e := a.ents[a.ment[i]]
	if e.Type == pipeline.Location {
		return e
	}
	if e.Known == nil || e.Known.Country == nil {
		return nil
	}
	for _, c := range a.ents {
		if c.Known == e.Known.Country {
			return c
		}
	}
	return nil
}

func (a *attributor) firstOfType(from, to int, t pipeline.EntityType) *canon.Entity {
	for i := from; i < to; i++ {
		if a.ment[i] >= 0 && a.ents[a.ment[i]].Type == t {
			return a.ents[a.ment[i]]
		}
	}
	return nil
}

// firstNonPossessor returns the first person in [from, to) not followed
// by a possessive ('s, ’s, or the apostrophe of "Sanders’").
func (a *attributor) firstNonPossessor(from, to int) *canon.Entity {
	for i := from; i < to; i++ {
		if a.ment[i] < 0 || i > from && a.ment[i-1] == a.ment[i] {
			continue
		}
		e := a.ents[a.ment[i]]
		end := i
		for end+1 < to && a.ment[end+1] == a.ment[i] {
			end++
		}
		if e.Type != pipeline.Person {
			continue
		}
		if n := end + 1; n < len(a.d.Tokens) && (a.d.Tokens[n].Kind == tokens.Possessive || a.isPunct(n, "\u2019", "'") && a.d.Tokens[n].Start == a.d.Tokens[end].End) {
			continue
		}
		return e
	}
	return nil
}

// firstSpeaker returns the first person, organisation or place in [from, to).
func (a *attributor) firstSpeaker(from, to int) *canon.Entity {
	if e := a.firstOfType(from, to, pipeline.Person); e != nil {
		return e
	}
	for i := from; i < to; i++ {
		if e := a.speakerAt(i); e != nil {
			return e
		}
	}
	return nil
}

// nominal returns the entity of the article a nominal ("alliance") refers
// to, the one mentioned last before offset.
func (a *attributor) nominal(w string, offset int) *canon.Entity {
	var best *canon.Entity
	bestAt := -1
	for _, e := range a.ents {
		if e.Known == nil {
			continue
		}
		for _, n := range e.Known.Nominals {
			if n != w && !strings.HasSuffix(n, " "+w) {
				continue
			}
			at := lastMentionBefore(e, offset)
			if best == nil || at > bestAt {
				best, bestAt = e, at
			}
		}
	}
	return best
}

func lastMentionBefore(e *canon.Entity, offset int) int {
	at := -1
	for _, m := range e.Mentions {
		if m.Start < offset {
			at = m.Start
		}
	}
	return at
}

// pronoun resolves he or she to the most recently mentioned person of that
// gender (or of unknown gender, if none of it is mentioned before).
func (a *attributor) pronoun(offset int, g lexicon.Gender) speaker {
	var best, unknown *canon.Entity
	bestAt, unknownAt := -1, -1
	for _, e := range a.ents {
		if e.Type != pipeline.Person {
			continue
		}
		at := lastMentionBefore(e, offset)
		if at < 0 {
			continue
		}
		switch e.Gender {
		case g:
			if at > bestAt {
				best, bestAt = e, at
			}
		case lexicon.Unknown:
			if at > unknownAt {
				unknown, unknownAt = e, at
			}
		}
	}
	if best != nil {
		return speaker{entity: best}
	}
	if unknown != nil {
		return speaker{entity: unknown}
	}
	return speaker{}
}

// lastNamed returns the entity of type t mentioned last before offset in
// the same sentence.
func (a *attributor) lastNamed(offset int, t pipeline.EntityType) speaker {
	s := a.d.SentenceOf(offset)
	var best *canon.Entity
	bestAt := -1
	for _, e := range a.ents {
		if e.Type != t {
			continue
		}
		at := lastMentionBefore(e, offset)
		if at >= 0 && a.d.SentenceOf(at) == s && at > bestAt {
			best, bestAt = e, at
		}
	}
	if best == nil {
		return speaker{}
	}
	return speaker{entity: best}
}

// recentPerson returns the person mentioned last before offset, within
// this sentence and the two before it.
func (a *attributor) recentPerson(offset int) speaker {
	s := a.d.SentenceOf(offset)
	var best *canon.Entity
	bestAt := -1
	for _, e := range a.ents {
		if e.Type != pipeline.Person {
			continue
		}
		at := lastMentionBefore(e, offset)
		if at >= 0 && s-a.d.SentenceOf(at) <= 2 && at > bestAt {
			best, bestAt = e, at
		}
	}
	if best == nil {
		return speaker{}
	}
	return speaker{entity: best}
}

// byAgent reads “described as “…” by X”.
func (a *attributor) byAgent(lFrom, lTo, rFrom, rTo int) speaker {
	if rFrom >= rTo || a.word(rFrom) != "by" {
		return speaker{}
	}
	described := false
	for i := max(lFrom, lTo-4); i < lTo; i++ {
		if describeVerbs[a.word(i)] {
			described = true
		}
	}
	if !described {
		return speaker{}
	}
	end := rFrom + 1
	for end < rTo && !a.isPunct(end, ",", ".", ";", ":") {
		end++
	}
	if e := a.firstSpeaker(rFrom+1, end); e != nil {
		return speaker{entity: e}
	}
	return speaker{}
}

// standsAlone reports whether a quotation starts its paragraph: news style
// for a quotation continuing the previous speaker's words.
func (a *attributor) standsAlone(s *segment) bool {
	return opensParagraph(a.d, s)
}

// otherPersonBetween reports whether a person other than who is named
// between two offsets.
func (a *attributor) otherPersonBetween(who *canon.Entity, start, end int) bool {
	for _, e := range a.ents {
		if e.Type != pipeline.Person || e == who {
			continue
		}
		for _, m := range e.Mentions {
			if m.Start >= start && m.Start < end {
				return true
			}
		}
	}
	return false
}

// sentenceSubject returns the first person (or else organisation or
// place) named in the quotation's sentence before its opening mark.
func (a *attributor) sentenceSubject(s *segment) speaker {
	lFrom, lTo, _, _ := a.context(s)
	if sp := a.subjectIn(lFrom, lTo); sp.found() {
		return sp
	}
	// A quotation opening its sentence, after a sentence about someone:
	// Viguerie is upbeat about Cruz’s chances. “Not only can Ted Cruz win …”
	if first := a.sentenceOpener(s); first >= 0 && a.d.Tokens[first].Sent > 0 {
		sent := int(a.d.Tokens[first].Sent)
		pFrom, _ := a.d.ParaTokens(s.para)
		if pf, pt := a.d.SentTokens(sent - 1); pf >= pFrom {
			for i := pf; i < pt; i++ {
				if a.isQuoteMark(i) {
					return speaker{}
				}
			}
			return a.subjectIn(pf, pt)
		}
	}
	return speaker{}
}

// sentenceOpener returns the first token of the quotation's opening mark
// when the quotation opens its sentence, or -1.
func (a *attributor) sentenceOpener(s *segment) int {
	if s.open < 0 {
		return -1
	}
	first := s.open
	if s.open > 0 && isDoubledApostrophe(a.d, s.open-1, len(a.d.Tokens)) {
		first = s.open - 1
	}
	if sf, _ := a.d.SentTokens(int(a.d.Tokens[first].Sent)); sf != first {
		return -1
	}
	return first
}

// subjectIn returns the first person (or else organisation or place)
// named in tokens [lFrom, lTo) that is not a possessor, a modifier or the
// object of a preposition.
func (a *attributor) subjectIn(lFrom, lTo int) speaker {
	var first, fallback *canon.Entity
	for i := lFrom; i < lTo; i++ {
		e := a.speakerAt(i)
		if e == nil || i > lFrom && a.ment[i-1] == a.ment[i] {
			continue
		}
		// Not a possessor ("Clinton's emails") nor the object of a
		// preposition ("the exchange with Clinton").
		end := i
		for end+1 < lTo && a.ment[end+1] == a.ment[i] {
			end++
		}
		// Nor a modifier ("the Trump release").
		if end+1 < lTo && a.d.Tokens[end+1].Kind == tokens.Possessive || i > lFrom && a.d.Tokens[i-1].Kind == tokens.Word && (prepositions[a.word(i-1)] || determiners[a.word(i-1)]) {
			if fallback == nil {
				fallback = e
			}
			continue
		}
		if e.Type == pipeline.Person {
			return speaker{entity: e}
		}
		if first == nil {
			first = e
		}
	}
	if first != nil {
		return speaker{entity: first}
	}
	if fallback != nil {
		return speaker{entity: fallback}
	}
	return speaker{}
}

// isNameDot reports whether token i is the dot of an abbreviation inside
// a name: "Mr. Gingrich", "Rep. Dina Titus", "George J. Mitchell".
func (a *attributor) isNameDot(i int) bool {
	if i < 1 || i+1 >= len(a.d.Tokens) || !a.isPunct(i, ".") {
		return false
	}
	prev, next := a.d.Tokens[i-1], a.d.Tokens[i+1]
	return prev.Kind == tokens.Word && prev.Cap && prev.End-prev.Start <= 5 && prev.End == a.d.Tokens[i].Start &&
		next.Kind == tokens.Word && next.Cap && next.Sent == prev.Sent
}

// isAbbrevDot reports whether token i is the dot of an abbreviation
// inside an apposition, followed by a comma: "of Allentown, Pa., said",
// "Cambridge, Mass., said".
func (a *attributor) isAbbrevDot(i int) bool {
	if i < 1 || i+1 >= len(a.d.Tokens) || !a.isPunct(i, ".") || !a.isPunct(i+1, ",") {
		return false
	}
	prev := a.d.Tokens[i-1]
	return prev.Kind == tokens.Word && prev.Cap && prev.End-prev.Start <= 5 && prev.End == a.d.Tokens[i].Start
}

// apposedSubject reads "X, <apposition>, said" after a quotation: the
// apposition (", a former adviser who served in Iraq,") runs to the next
// comma, and a speech verb follows it. comma is the first comma after X.
func (a *attributor) apposedSubject(from, comma, to int) speaker {
	for k := comma + 1; k < to && k-comma <= 30; k++ {
		// "Jeff Weaver, Sanders’ campaign manager, said": a plural
		// possessive's apostrophe is no quotation mark.
		if a.isQuoteMark(k) && !a.isPluralPossessive(k, comma) || a.isPunct(k, ".", ";", ":", "!", "?") && !a.isNameDot(k) && !a.isAbbrevDot(k) {
			return speaker{}
		}
		if !a.isPunct(k, ",") {
			continue
		}
		v := k + 1
		for v < to && a.d.Tokens[v].Kind == tokens.Word && skippable[a.word(v)] {
			v++
		}
		if v < to && a.d.Tokens[v].Kind == tokens.Word && speechVerbs[a.word(v)] && a.ment[v] < 0 {
			// "Ms. Merkel's spokesman, Steffen Seibert, wrote": a role
			// before the comma, the person in the apposition.
			if e := a.speakerAt(comma - 1); e == nil || e.Type != pipeline.Person {
				if p := a.firstOfType(comma+1, k, pipeline.Person); p != nil {
					return speaker{entity: p}
				}
			}
			return a.phrase(from, comma, false)
		}
	}
	return speaker{}
}

// closingParen returns the index of the ")" closing the "(" at token
// open, before limit, or -1.
func (a *attributor) closingParen(open, limit int) int {
	for k := open + 1; k < limit; k++ {
		if a.isPunct(k, ")") {
			return k
		}
		if a.isPunct(k, "(") || a.isQuoteMark(k) {
			return -1
		}
	}
	return -1
}

// signature reads a bare name after a dash that follows a quotation, up
// to the end of the sentence or a comma: “…” ― Carla Sanchez.
func (a *attributor) signature(from, to int) speaker {
	end := from
	for end < to && end-from < 6 && (a.d.Tokens[end].Kind == tokens.Word && (a.d.Tokens[end].Cap || a.ment[end] >= 0) || a.isNameDot(end)) {
		end++
	}
	if end == from || end < to && !a.isPunct(end, ",", ".", ";", "\u2013", "\u2014", "\u2015") && !a.isQuoteMark(end) {
		return speaker{}
	}
	return a.phrase(from, end, false)
}

// laterClause reads ", X said" or ", said X" further on in the sentence
// after a quotation: “…” of the Clinton proposals, Mr. Holtz-Eakin said.
func (a *attributor) laterClause(from, to int) speaker {
	for c := from; c < to; c++ {
		if !a.isPunct(c, ",") {
			continue
		}
		if sp := a.after(c+1, to); sp.found() {
			return sp
		}
	}
	return speaker{}
}

// previousSentence reads the speaker from a short sentence right before a
// quotation that opens its own sentence: Dianne Bystrom agreed. “…”
func (a *attributor) previousSentence(s *segment) speaker {
	if s.open < 0 {
		return speaker{}
	}
	d := a.d
	sent := int(d.Tokens[s.open].Sent)
	sf, _ := d.SentTokens(sent)
	first := s.open
	if s.open > 0 && isDoubledApostrophe(d, s.open-1, len(d.Tokens)) {
		first = s.open - 1
	}
	if sf != first || sent == 0 {
		return speaker{}
	}
	pf, pt := d.SentTokens(sent - 1)
	pFrom, _ := d.ParaTokens(s.para)
	if pf < pFrom || pt-pf > 12 {
		return speaker{}
	}
	for i := pf; i < pt; i++ {
		if a.isQuoteMark(i) {
			return speaker{}
		}
	}
	// The verb ends the sentence, or nearly: "X agreed.", "X says.",
	// "X said on Tuesday."
	return a.before(pf, pt)
}

// previousParagraph reads the speaker of a quotation opening its
// paragraph from the last sentence of the paragraph before, when that
// sentence has a speech verb and its subject and quotes nothing itself.
func (a *attributor) previousParagraph(s *segment) speaker {
	if s.para == 0 {
		return speaker{}
	}
	d := a.d
	pFrom, pTo := d.ParaTokens(s.para - 1)
	if pTo <= pFrom {
		return speaker{}
	}
	sf, _ := d.SentTokens(int(d.Tokens[pTo-1].Sent))
	sf = max(sf, pFrom)
	if pTo-sf > 60 {
		return speaker{}
	}
	for i := sf; i < pTo; i++ {
		if a.isQuoteMark(i) && !a.isPluralPossessive(i, sf) {
			return speaker{}
		}
	}
	if sp := a.before(sf, pTo); sp.found() {
		return sp
	}
	// A paragraph ending with a colon introduces the quotation: "Sanders
	// made the following comment:" / “…”.
	if a.isPunct(pTo-1, ":") {
		return a.subjectIn(sf, pTo-1)
	}
	return speaker{}
}

// calendarWords are capitalised but name no speaker.
var calendarWords = wordSet(`monday tuesday wednesday thursday friday saturday sunday january february
	march april may june july august september october november december`)
