package keywords

import (
	"bytes"
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

// data/pos.tsv: how often each word is tagged noun, adjective, verb or
// adverb in the CoNLL-2003 training text (946 Reuters articles, 1996);
// rebuilt by `go generate`. It tells "security" (a noun 79 times in 80)
// from "diplomatic" (an adjective 16 times in 16), which capitalisation
// and stop lists cannot.
//
//go:embed data/pos.tsv
var posTSV []byte

type posCounts struct{ uses, noun, adj, verb, misc int32 }

var posTable = sync.OnceValue(func() map[string]posCounts {
	m := make(map[string]posCounts, 10000)
	for line := range bytes.Lines(posTSV) {
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		f := strings.Split(strings.TrimSpace(string(line)), "\t")
		if len(f) != 6 {
			continue
		}
		var n [5]int32
		for i := range n {
			v, _ := strconv.Atoi(f[i+1])
			n[i] = int32(v)
		}
		m[f[0]] = posCounts{n[0], n[1], n[2], n[3], n[4]}
	}
	return m
})

// minPOSUses is how often a word must have been seen for its tags to
// decide whether it can be a keyword on its own.
const minPOSUses = 3

// nounShare returns the share of a lower-case word's uses tagged noun and
// adjective, and whether the word was seen often enough to tell.
func nounShare(lower string) (noun, adj float64, known bool) {
	c, ok := posTable()[lower]
	if !ok || c.uses < minPOSUses {
		return 0.5, 0, false
	}
	return float64(c.noun) / float64(c.uses), float64(c.adj) / float64(c.uses), true
}

// isDemonym reports whether a word is mostly a MISC name of its own in
// the tagged text: "American", "European", "Ukrainian". Such a word
// says what the story's countries already say.
func isDemonym(lower string) bool {
	c, ok := posTable()[lower]
	return ok && c.uses >= minPOSUses && 2*c.misc >= c.uses
}
