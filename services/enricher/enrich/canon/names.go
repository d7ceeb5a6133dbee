package canon

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

// honorifics precede a name and say nothing but (sometimes) gender.
var honorifics = map[string]lexicon.Gender{
	"mr": lexicon.Male, "mr.": lexicon.Male, "mrs": lexicon.Female, "mrs.": lexicon.Female,
	"ms": lexicon.Female, "ms.": lexicon.Female, "miss": lexicon.Female, "mx": lexicon.Unknown,
	"dr": lexicon.Unknown, "dr.": lexicon.Unknown, "prof": lexicon.Unknown, "prof.": lexicon.Unknown,
	"professor": lexicon.Unknown, "sir": lexicon.Male, "dame": lexicon.Female, "lord": lexicon.Male,
	"lady": lexicon.Female, "rev": lexicon.Unknown, "rev.": lexicon.Unknown, "reverend": lexicon.Unknown,
	"sheikh": lexicon.Male, "ayatollah": lexicon.Male, "imam": lexicon.Male, "rabbi": lexicon.Unknown,
	"cardinal": lexicon.Male, "archbishop": lexicon.Unknown, "bishop": lexicon.Unknown,
	"madam": lexicon.Female, "madame": lexicon.Female, "monsieur": lexicon.Male, "herr": lexicon.Male, "frau": lexicon.Female,
}

// titleWords make up the office before a name: "Deputy Secretary of
// State", "Assistant Secretary General", "Foreign Secretary". They are
// stripped from a person's name. Royal and papal titles are not: they are
// part of how "King Charles" and "Pope Francis" are named.
var titleWords = map[string]bool{
	"president": true, "vice": true, "prime": true, "minister": true, "chancellor": true,
	"secretary": true, "secretary-general": true, "deputy": true, "assistant": true, "under": true,
	"undersecretary": true, "general": true, "foreign": true, "defence": true, "defense": true,
	"home": true, "interior": true, "finance": true, "health": true, "justice": true, "trade": true,
	"economy": true, "energy": true, "culture": true, "education": true, "state": true, "affairs": true,
	"security": true, "policy": true, "senator": true, "sen": true, "sen.": true, "rep": true, "rep.": true,
	"representative": true, "high": true, "congressman": true, "congresswoman": true, "governor": true,
	"gov": true, "gov.": true, "mayor": true, "ambassador": true, "envoy": true, "special": true,
	"spokesman": true, "spokeswoman": true, "spokesperson": true, "chief": true, "executive": true,
	"commander": true, "admiral": true, "adm": true, "adm.": true, "gen": true, "gen.": true,
	"col": true, "col.": true, "colonel": true, "lt": true, "lt.": true, "lieutenant": true,
	"major": true, "maj": true, "captain": true, "capt": true, "sgt": true, "sergeant": true,
	"marshal": true, "field": true, "judge": true, "speaker": true, "chairman": true,
	"chairwoman": true, "chair": true, "director": true, "head": true, "leader": true,
	"opposition": true, "former": true, "acting": true, "interim": true, "senior": true,
	"supreme": true, "attorney": true, "solicitor": true, "commissioner": true, "premier": true,
	"officer": true, "ceo": true, "founder": true, "coach": true, "manager": true, "editor": true,
	"correspondent": true, "adviser": true, "advisor": true, "national": true, "first": true,
	"lady": true, "private": true, "general-secretary": true,
}

// titleLinks join title words: "Secretary of State", "Minister for Europe".
var titleLinks = map[string]bool{"of": true, "for": true, "the": true, "and": true, "to": true}

// nameParticles belong to a surname: "von der Leyen", "da Silva".
var nameParticles = map[string]bool{
	"von": true, "van": true, "der": true, "den": true, "de": true, "del": true, "della": true,
	"da": true, "dos": true, "das": true, "du": true, "la": true, "le": true, "al": true, "el": true,
	"bin": true, "ibn": true, "ben": true, "di": true, "st": true, "mac": true,
}

// generational suffixes are dropped from the matching key.
var suffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "jnr": true, "snr": true}

// IsHonorific reports whether w (any case, with or without a dot) is an
// honorific such as "Mr" or "Ms", and the gender it signals.
func IsHonorific(w string) (lexicon.Gender, bool) {
	g, ok := honorifics[strings.ToLower(w)]
	return g, ok
}

// IsTitleWord reports whether w is a word of an office ("Secretary").
func IsTitleWord(w string) bool { return titleWords[strings.ToLower(w)] }

// wordSpan is a word of a name with its byte range in the name.
type wordSpan struct {
	start, end int
	text       string
}

func words(s string) []wordSpan {
	var out []wordSpan
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, wordSpan{start, i, s[start:i]})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, wordSpan{start, len(s), s[start:]})
	}
	return out
}

// StripTitles returns the byte offset in name where the person's name
// starts once leading honorifics and offices are removed ("Deputy
// Secretary of State Wendy Sherman" -> offset of "Wendy"), and the gender
// an honorific signalled. At least one word is always left. A place or
// nationality before an office goes too ("US Deputy Secretary of State").
func StripTitles(g *Gazetteer, name string) (int, lexicon.Gender) {
	ws := words(name)
	gender := lexicon.Unknown
	i := 0
	for i < len(ws)-1 {
		w := strings.TrimSuffix(ws[i].text, ",")
		lw := strings.ToLower(w)
		next := strings.ToLower(ws[i+1].text)
		switch {
		case isHonorificKey(lw):
			if gg := honorifics[lw]; gg != lexicon.Unknown {
				gender = gg
			}
		case titleWords[lw] || titleWords[strings.Trim(lw, "-")]:
		case titleLinks[lw] && (titleWords[next] || isOfficePlace(g, ws[i+1].text)) && i > 0:
		case isOfficePlace(g, w) && titleWords[next]:
		default:
			return ws[i].start, gender
		}
		i++
	}
	if len(ws) == 0 {
		return 0, gender
	}
	return ws[i].start, gender
}

func isHonorificKey(lw string) bool { _, ok := honorifics[lw]; return ok }

// isOfficePlace reports whether w names a place, nationality or body that
// can qualify an office ("US", "Russian", "Nato", "State" in "Secretary of
// State").
func isOfficePlace(g *Gazetteer, w string) bool {
	if g == nil {
		return false
	}
	k, ok := g.Lookup(w)
	return ok && k.Type != pipeline.Person
}

// PersonKey is the matching key of a person's name: folded, with
// honorifics, middle initials and generational suffixes dropped, so that
// "Wendy R. Sherman" and "Wendy Sherman" share it.
func PersonKey(name string) string {
	k := Key(name)
	if personKeyAsIs(k) {
		return k
	}
	var parts []string
	for _, w := range strings.Fields(k) {
		if suffixes[w] {
			continue
		}
		if utf8.RuneCountInString(w) == 1 && len(parts) > 0 {
			continue // a middle initial ("r" once the dot is folded away)
		}
		parts = append(parts, w)
	}
	if len(parts) > 2 {
		// Keep the first name and the surname (with its particles).
		s := surnameWords(parts)
		if len(s) < len(parts) {
			parts = append(parts[:1:1], s...)
		}
	}
	return strings.Join(parts, " ")
}

// personKeyAsIs reports whether PersonKey's word loop would keep the
// folded name k as it is: at most two words, no suffix, no initial after
// the first word.
func personKeyAsIs(k string) bool {
	n := 0
	for w := range strings.SplitSeq(k, " ") {
		if w == "" || suffixes[w] || (n > 0 && utf8.RuneCountInString(w) == 1) {
			return false
		}
		n++
		if n > 2 {
			return false
		}
	}
	return true
}

// surname returns the folded surname of a full name, or "" for a single word.
func surname(name string) string {
	parts := strings.Fields(PersonKey(name))
	if len(parts) < 2 {
		return ""
	}
	return strings.Join(surnameWords(parts), " ")
}

// surnameWords returns the surname part of folded name words: the last
// word, with any particles before it ("von der leyen").
func surnameWords(parts []string) []string {
	i := len(parts) - 1
	for i > 1 && nameParticles[parts[i-1]] {
		i--
	}
	return parts[i:]
}

// firstName returns the folded first word of a person key.
func firstName(key string) string {
	f, _, _ := strings.Cut(key, " ")
	return f
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and swaps of adjacent letters each
// cost 1), computed over runes and abandoned once it exceeds limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// nearSpelling reports whether two folded surnames are close enough to be
// one misspelt for the other: one edit for names of 5 to 7 letters, two
// for longer ones; never for shorter names, where one letter makes
// another name ("Kim"/"Kin").
func nearSpelling(a, b string) bool {
	n := min(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	limit := 0
	switch {
	case n >= 8:
		limit = 2
	case n >= 5:
		limit = 1
	}
	if limit == 0 {
		return a == b
	}
	return editDistance(a, b, limit) <= limit
}
