package canon

import (
	"strings"
	"sync"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/names"
)

// Sports pages name teams by their place: "Boston beat the Twins", "LSU
// coach Les Miles", "England captain Andrew Strauss". Such a place is the
// team, not the place, when the text says so twice over: the mention has a
// team cue next to it (a team role or a result verb) and the article is
// about a sport (names/sports.txt). The team is then the one club of the
// teams list (names/teams.txt) whose name starts with the place and plays
// that sport ("Boston" in a baseball article is the Boston Red Sox; a club
// named in the article wins over the others), or else an entity of its own,
// "England (cricket team)". Every other mention of that place in the
// article is the team too, unless a locative preposition makes it the place
// ("in Alabama").

// teamRoles are the words that, right after a place (or after its
// possessive), make it a team: "Boston manager", "England's captain".
var teamRoles = wordSet("coach", "coaches", "captain", "manager", "skipper", "quarterback", "pitcher",
	"striker", "goalkeeper", "midfielder", "defender", "batsman", "bowler", "fans", "supporters",
	"players", "squad", "star", "boss", "linebacker", "receiver", "outfielder", "shortstop", "lineup", "roster")

// teamPossessed are further nouns that make a team of a place's
// possessive ("Miami's record", "France's charge in the game").
var teamPossessed = wordSet("record", "game", "games", "match", "season", "victory", "win", "defeat",
	"loss", "offense", "defense", "attack", "charge", "title", "perfect")

// teamVerbsAfter are result verbs with the team as subject ("Baltimore
// beat"), teamWordsBefore words before a team as opponent ("beat
// Alabama", "Alabama versus Florida State").
var (
	teamVerbsAfter = wordSet("beat", "beats", "defeated", "defeats", "edged", "routed", "thrashed",
		"crushed", "drew", "trounced", "outscored", "rallied", "clinched", "blanked", "swept",
		"hammered", "whipped", "downed", "topped", "versus", "vs")
	teamWordsBefore = wordSet("beat", "beats", "beating", "defeated", "defeating", "versus", "vs",
		"edged", "routed", "thrashed", "trounced", "blanked", "swept")
	// locatives make a cued place's other mentions the place again.
	locatives = wordSet("in", "at", "from", "near", "across", "throughout", "outside", "around", "into", "of")
)

func wordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

type team struct{ name, sport string }

type sportsData struct {
	// teams by the Key of every proper prefix of their name ("boston",
	// "boston red" for the Boston Red Sox).
	teams map[string][]team
	// words by sport; sport "sport" holds the words of sport in general.
	words map[string][]string
	order []string
	// clubs by sport: a club the text names says its sport.
	clubs map[string][]string
}

var sportsOnce = sync.OnceValue(func() *sportsData {
	d := &sportsData{teams: map[string][]team{}, words: map[string][]string{}, clubs: map[string][]string{}}
	sport := ""
	for l := range strings.SplitSeq(names.Teams, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || l[0] == '#':
		case l[0] == '@':
			sport = strings.TrimSpace(l[1:])
		case sport != "-" && sport != "":
			if len(l) >= 4 {
				d.clubs[sport] = append(d.clubs[sport], l)
			}
			ws := strings.Fields(Key(l))
			for i := 1; i < len(ws); i++ {
				k := strings.Join(ws[:i], " ")
				d.teams[k] = append(d.teams[k], team{name: l, sport: sport})
			}
		}
	}
	names.Lines(names.Sports, func(l string) {
		f := names.Fields(l, 2)
		if len(f[0]) != 1 {
			return
		}
		for _, w := range f[1] {
			d.words[f[0][0]] = append(d.words[f[0][0]], strings.ToLower(w))
		}
		if f[0][0] != "sport" {
			d.order = append(d.order, f[0][0])
		}
	})
	return d
})

// sportOf reports whether text is about sport (one of its words, or a
// club it names, is enough next to a team cue), and which sport when its
// words and clubs say one more than any other ("" if none or a tie).
func (d *sportsData) sportOf(text string) (string, bool) {
	lower := strings.ToLower(text)
	hits := func(ws []string) int {
		n := 0
		for _, w := range ws {
			if containsWord(lower, w) {
				n++
			}
		}
		return n
	}
	generic := hits(d.words["sport"])
	best, bestN, tie := "", 0, false
	for _, s := range d.order {
		n := hits(d.words[s])
		for _, c := range d.clubs[s] {
			// As written, and a one-word club only if no place or
			// ordinary word is spelt so ("Bath", "Kent", "Wasps").
			if containsWord(text, c) && (strings.Contains(c, " ") || !lexicon.IsCommon(c) && !Default().isPlace(c)) {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN, tie = s, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if tie {
		best = ""
	}
	return best, generic+bestN >= 1
}

// containsWord reports whether w occurs in s between non-letters.
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(w)
		if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		off = i + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// placeName is the place a mention names when it could be a team: a
// place of the gazetteer, a place the recogniser read as an organisation,
// or a place or organisation (by the recogniser) whose name starts a
// club's name.
func placeName(d *sportsData, p *prepared) (string, bool) {
	switch {
	case p.known != nil:
		return p.known.Name, p.known.Type == pipeline.Location
	case strings.HasSuffix(p.qualified, orgSuffix):
		return strings.TrimSuffix(p.qualified, orgSuffix), true
	case p.qualified != "":
		return "", false
	case p.Type == pipeline.Location || p.Type == pipeline.Organization:
		// A name the gazetteer does not know is a place only if a club is
		// named after it ("Boston"), not whatever the recogniser calls a
		// place ("Heat").
		_, ok := d.teams[p.key]
		return p.text, ok
	}
	return "", false
}

const orgSuffix = " (organisation)"

// teamCue reports whether the words around p make it a team.
func teamCue(text string, p *prepared) bool {
	after := text[p.End:]
	possessive := false
	for _, s := range []string{"'s", "’s", " 's", " ’s"} {
		if strings.HasPrefix(after, s) {
			after, possessive = after[len(s):], true
			break
		}
	}
	var buf [3]string
	next := nextWords(after, buf[:])
	if len(next) > 0 && teamRoles[next[0]] {
		return true
	}
	if possessive {
		for _, w := range next {
			if teamRoles[w] || teamPossessed[w] {
				return true
			}
		}
		return false
	}
	if len(next) > 0 && teamVerbsAfter[next[0]] {
		return true
	}
	return teamWordsBefore[strings.ToLower(strings.TrimSuffix(wordBefore(text, p.Start), "."))]
}

// nextWords fills buf with up to len(buf) lower-case words at the start
// of s, stopping at punctuation that stands alone, and returns them.
func nextWords(s string, buf []string) []string {
	n := 0
	for n < len(buf) {
		s = strings.TrimLeft(s, " \t\n")
		end := strings.IndexAny(s, " \t\n")
		if end < 0 {
			end = len(s)
		}
		f := strings.Trim(s[:end], ".,;:!?\"'()`’“”")
		if f == "" {
			break
		}
		buf[n] = strings.ToLower(f)
		n++
		s = s[end:]
	}
	return buf[:n]
}

// teams makes the places an article uses as teams those teams (see above).
func (r *Resolver) teams(text string, ps []prepared) {
	var d *sportsData
	var cued map[string]bool
	for i := range ps {
		p := &ps[i]
		if p.Type == pipeline.Person && p.known == nil {
			continue
		}
		if d == nil {
			d = sportsOnce()
		}
		if place, ok := placeName(d, p); ok && teamCue(text, p) {
			if cued == nil {
				cued = map[string]bool{}
			}
			cued[Key(place)] = true
		}
	}
	if cued == nil {
		return
	}
	sport, ok := d.sportOf(text)
	if !ok {
		return
	}
	for i := range ps {
		p := &ps[i]
		place, ok := placeName(d, p)
		if !ok || !cued[Key(place)] || isPlaceUse(text, p) {
			continue
		}
		p.known, p.Type = nil, pipeline.Organization
		if t, ok := d.club(text, Key(place), sport); ok {
			p.qualified = t
			p.key = OrgKey(t)
			continue
		}
		if sport != "" {
			p.qualified = place + " (" + sport + " team)"
		} else {
			p.qualified = place + " (team)"
		}
		p.key = Key(p.qualified)
	}
}

// isPlaceUse reports whether the words around p make it the place: a
// locative preposition before it ("in Alabama"), a comma before it
// ("Tuscaloosa, Ala."), or a dateline (first on its line, then
// punctuation: "MIAMI - Pat Riley").
func isPlaceUse(text string, p *prepared) bool {
	if locatives[strings.ToLower(wordBefore(text, p.Start))] {
		return true
	}
	before := strings.TrimRight(text[:p.Start], " \t")
	if strings.HasSuffix(before, ",") {
		return true
	}
	if before == "" || strings.HasSuffix(before, "\n") {
		after := strings.TrimLeft(text[p.End:], " \t")
		return after == "" || after[0] == '-' || after[0] == ',' || after[0] == '(' || strings.HasPrefix(after, "—") || strings.HasPrefix(after, "–")
	}
	return false
}

// club is the one club whose name starts with the place key: of those
// named in the text, else of those playing sport.
func (d *sportsData) club(text, place, sport string) (string, bool) {
	var named, ofSport []string
	for _, t := range d.teams[place] {
		if strings.Contains(text, t.name) {
			named = append(named, t.name)
		}
		if t.sport == sport {
			ofSport = append(ofSport, t.name)
		}
	}
	switch {
	case len(named) == 1:
		return named[0], true
	case len(named) == 0 && len(ofSport) == 1:
		return ofSport[0], true
	}
	return "", false
}

// isPlace reports whether the gazetteer knows name as a place.
func (g *Gazetteer) isPlace(name string) bool {
	k, ok := g.Lookup(name)
	return ok && k.Type == pipeline.Location
}
