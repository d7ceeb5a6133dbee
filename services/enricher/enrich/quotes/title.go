package quotes

import (
	"strings"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// titleNouns head a role a news article gives a person ("US deputy
// secretary of state", "a senior adviser to Mr. Sanders"). Source: a
// hand-written list of common English job and office nouns of political
// news, a superset of roleNouns.
var titleNouns = wordSet(`secretary minister president vice spokesman spokeswoman spokesperson
	official ambassador envoy representative rep diplomat chief head leader adviser advisor aide
	director chairman chairwoman chair commander general negotiator premier chancellor governor gov
	mayor senator sen congressman congresswoman deputy officer analyst expert strategist
	pollster professor economist attorney lawyer judge justice speaker whip candidate nominee
	manager founder executive ceo correspondent reporter anchor host editor columnist author
	commissioner sheriff coordinator consultant operative chairwoman delegate lawmaker member
	fellow researcher president-elect secretary-general attorney-general`)

// honorifics are forms of address, not roles.
var honorifics = wordSet(`mr mrs ms miss dr sir dame`)

// determiners open an apposition: "Julianne Smith, the US ambassador".
var determiners = wordSet(`the a an his her its their our`)

// title returns the role the article gives person e, from the first
// mention that has one: a title before the name ("US Deputy Secretary of
// State Wendy Sherman") or an apposition after it ("Julianne Smith, the
// US ambassador to Nato,").
func (a *attributor) title(e *canon.Entity) string {
	if e == nil || e.Type != pipeline.Person {
		return ""
	}
	if t, ok := a.titles[e]; ok {
		return t
	}
	t := ""
	for _, m := range e.Mentions {
		first := a.d.TokenAt(m.Start)
		last := first
		for last+1 < len(a.d.Tokens) && a.d.Tokens[last+1].Start < m.End {
			last++
		}
		if t = a.titleBefore(first); t != "" {
			break
		}
		if t = a.titleAfter(last); t != "" {
			break
		}
		if t = a.titleApposedBefore(first, last); t != "" {
			break
		}
	}
	a.titles[e] = t
	return t
}

// titleBefore reads the capitalised or role words right before a name:
// "former Mexican president Felipe Calderón", "Sen. Ted Cruz".
func (a *attributor) titleBefore(first int) string {
	d := a.d
	from := first
	hasRole := false
	for j := first - 1; j >= 0 && first-j <= 8; j-- {
		t := d.Tokens[j]
		if t.Sent != d.Tokens[first].Sent {
			break
		}
		if a.isNameDot(j) {
			continue
		}
		if t.Kind != tokens.Word {
			break
		}
		w := a.word(j)
		if honorifics[w] || determiners[w] || clauseBreakers[w] && w != "of" || speechVerbs[w] {
			break
		}
		if !t.Cap && !titleNouns[w] && w != "of" && w != "former" && w != "for" && !isModifier(w) {
			break
		}
		if titleNouns[w] {
			hasRole = true
		}
		from = j
	}
	for from < first && (a.word(from) == "of" || a.word(from) == "for" || a.isNameDot(from)) {
		from++
	}
	if !hasRole || from >= first {
		return ""
	}
	return a.phraseText(from, first)
}

// isModifier lists the lower-case words that stay inside a role before a
// name: "former", "deputy", "foreign".
func isModifier(w string) bool {
	switch w {
	case "former", "deputy", "foreign", "senior", "top", "assistant", "acting", "then", "retired", "under", "state", "national", "security", "policy", "press", "campaign", "democratic", "republican", "general", "vice", "interior", "defense", "defence", "finance", "trade", "chief", "executive":
		return true
	}
	return false
}

// titleAfter reads an apposition right after a name: ", the US
// ambassador to Nato," or ", a former adviser to Mr. Obama,".
func (a *attributor) titleAfter(last int) string {
	d := a.d
	i := last + 1
	if i >= len(d.Tokens) || !a.isPunct(i, ",") {
		return ""
	}
	i++
	if i < len(d.Tokens) && d.Tokens[i].Kind == tokens.Word && determiners[a.word(i)] {
		i++
	}
	from := i
	hasRole := false
	stop := -1
	for ; i < len(d.Tokens) && i-from < 12; i++ {
		t := d.Tokens[i]
		if t.Sent != d.Tokens[last].Sent {
			return ""
		}
		if a.isNameDot(i) || a.isPunct(i, "-", "'s", "\u2019s") || t.Kind == tokens.Possessive {
			continue
		}
		if t.Kind != tokens.Word && t.Kind != tokens.Number {
			break
		}
		w := a.word(i)
		if w == "who" || w == "which" || speechVerbs[w] || skippable[w] && w != "to" && w != "on" {
			break
		}
		if hasRole && !t.Cap && strings.HasSuffix(w, "ing") {
			// "deputy secretary of state leading the delegation": the role
			// ends before what its holder is doing.
			stop = i
			break
		}
		if titleNouns[w] {
			hasRole = true
		}
	}
	if stop >= 0 {
		return a.phraseText(from, stop)
	}
	if !hasRole || i == from || i >= len(d.Tokens) || !a.isPunct(i, ",", ".", ";", ")") {
		return ""
	}
	return a.phraseText(from, i)
}

// personWithTitle returns the person mentioned last before offset whose
// title, as the article gave it, has the role noun w: "the former
// Mexican president" is the person the article called "former Mexican
// president Felipe Calderón".
func (a *attributor) personWithTitle(w string, offset int) speaker {
	var best *canon.Entity
	bestAt := -1
	for _, e := range a.ents {
		if e.Type != pipeline.Person {
			continue
		}
		at := lastMentionBefore(e, offset)
		if at < 0 || at <= bestAt {
			continue
		}
		for _, f := range strings.Fields(strings.ToLower(a.title(e))) {
			if f == w || titleAbbreviations[strings.TrimSuffix(f, ".")] == w {
				best, bestAt = e, at
				break
			}
		}
	}
	if best == nil {
		return speaker{}
	}
	return speaker{entity: best}
}

// titleApposedBefore reads a role set off before a name: "Its foreign
// policy chief, Josep Borrell, said".
func (a *attributor) titleApposedBefore(first, last int) string {
	d := a.d
	if first < 2 || !a.isPunct(first-1, ",") || last+1 >= len(d.Tokens) || !a.isPunct(last+1, ",", ")") {
		return ""
	}
	end := first - 1
	from := end
	for j := end - 1; j >= 0 && end-j <= 6; j-- {
		t := d.Tokens[j]
		if t.Sent != d.Tokens[first].Sent || t.Kind != tokens.Word {
			break
		}
		w := a.word(j)
		if determiners[w] {
			break
		}
		if !titleNouns[w] && !isModifier(w) && !t.Cap && w != "of" {
			break
		}
		from = j
	}
	if from == end || !titleNouns[a.word(end-1)] {
		return ""
	}
	return a.phraseText(from, end)
}

// titleAbbreviations expand the abbreviated titles of US news.
var titleAbbreviations = map[string]string{"gov": "governor", "sen": "senator", "rep": "representative",
	"gen": "general", "lt": "lieutenant", "sec": "secretary", "atty": "attorney", "pres": "president"}
