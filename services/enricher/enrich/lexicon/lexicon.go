// Package lexicon holds the English word knowledge the enricher's rules
// share: stop words, words too common to be names, given names with the
// gender they signal, document frequencies for keyword weighting, and the
// folding that makes "Talks" and "talk" one key.
//
// Stop words are facts written by hand (data/stopwords.txt), given names
// come from package names (shared with the recogniser);
// document frequencies and common words are counted from the CoNLL-2003
// training text by the gen command, so they can be rebuilt byte for byte.
// Everything is parsed once, on first use, and is read-only afterwards, so
// the package is safe for concurrent use.
package lexicon

import (
	"bufio"
	"bytes"
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/newsflow/newsflow/services/enricher/names"
)

var (
	//go:embed data/stopwords.txt
	stopwordsTxt []byte
	//go:embed data/common.txt
	commonTxt []byte
	//go:embed data/df.tsv
	dfTSV []byte
	//go:embed data/verbal.txt
	verbalTxt []byte
)

// Gender is what a given name or title says about a person.
type Gender byte

const (
	Unknown Gender = iota
	Male
	Female
)

func (g Gender) String() string {
	switch g {
	case Male:
		return "m"
	case Female:
		return "f"
	}
	return "u"
}

type tables struct {
	stop       map[string]bool
	common     map[string]bool
	df         map[string]int
	documents  int
	firstNames map[string]Gender
	verbal     map[string]bool
}

var load = sync.OnceValue(func() *tables {
	t := &tables{
		stop:       map[string]bool{},
		common:     map[string]bool{},
		df:         map[string]int{},
		firstNames: map[string]Gender{},
		verbal:     map[string]bool{},
	}
	eachLine(verbalTxt, func(l string) { t.verbal[l] = true })
	eachLine(stopwordsTxt, func(l string) { t.stop[l] = true })
	eachLine(commonTxt, func(l string) { t.common[l] = true })
	eachLine(dfTSV, func(l string) {
		k, v, ok := strings.Cut(l, "\t")
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			panic("lexicon: bad df.tsv line " + strconv.Quote(l))
		}
		if k == "documents" {
			t.documents = n
			return
		}
		t.df[k] = n
	})
	if t.documents == 0 {
		panic("lexicon: df.tsv has no documents line")
	}
	eachLine([]byte(names.GivenNames), func(l string) {
		fields := strings.Fields(l)
		var g Gender
		switch fields[0] {
		case "m":
			g = Male
		case "f":
			g = Female
		case "u":
			g = Unknown
		default:
			panic("lexicon: bad names/givennames.txt line " + strconv.Quote(l))
		}
		for _, name := range fields[1:] {
			key := Lower(name)
			if prev, ok := t.firstNames[key]; ok && prev != g {
				t.firstNames[key] = Unknown // listed under two genders: it signals neither
				continue
			}
			t.firstNames[key] = g
		}
	})
	return t
})

// eachLine calls f with each non-blank, non-comment line, trimmed.
func eachLine(data []byte, f func(string)) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' {
			continue
		}
		f(l)
	}
}

// IsStop reports whether word (any case) is a stop word.
func IsStop(word string) bool { return load().stop[Lower(word)] }

// IsCommon reports whether word is an ordinary lower-case English word: a
// stop word, or one the CoNLL text writes in lower case at least as often
// as capitalised. A capitalised common word ("News", "Read") is a name only
// with more evidence than its capital letter.
func IsCommon(word string) bool {
	t := load()
	w := Lower(word)
	return t.stop[w] || t.common[w]
}

// timeWords are capitalised words that name times, never things: days,
// months (with their abbreviations) and time zones.
var timeWords = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "january": true, "february": true, "march": true,
	"april": true, "june": true, "july": true, "august": true, "september": true,
	"october": true, "november": true, "december": true, "jan": true, "feb": true, "mar": true,
	"apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "gmt": true, "utc": true, "bst": true, "cet": true, "cest": true,
	"eet": true, "msk": true, "est": true, "edt": true, "pst": true, "pdt": true, "cst": true,
	"cdt": true, "am": true, "pm": true,
}

// IsTimeWord reports whether w (any case, a final dot allowed) is a day,
// a month or a time zone.
func IsTimeWord(w string) bool { return timeWords[strings.TrimSuffix(Lower(w), ".")] }

// IsVerbal reports whether word is mostly a verb or an adverb in the
// CoNLL text ("respond", "decided", "later"): not the name of a thing.
func IsVerbal(word string) bool { return load().verbal[Lower(word)] }

// FirstName reports whether name is a known given name, and the gender it
// signals (Unknown for names given to both).
func FirstName(name string) (Gender, bool) {
	g, ok := load().firstNames[Lower(name)]
	return g, ok
}

// IDF is the smoothed inverse document frequency of a folded word,
// ln((N+1)/(df+1)) + 1 over the N CoNLL training articles: about 1 for a
// word in every article, about 7.8 for one never seen.
func IDF(folded string) float64 {
	t := load()
	return math.Log(float64(t.documents+1)/float64(t.df[folded]+1)) + 1
}

// MaxIDF is the IDF of a word never seen in the reference articles.
func MaxIDF() float64 { return IDF("\x00") }
