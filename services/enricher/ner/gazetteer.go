package ner

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A gazetteer is a set of name lists — countries, cities, international
// organisations, world leaders, first names, nationalities... — each a
// category. Matching one is a feature, not a decision: the model learns
// how far to trust "Jordan" being a country. The lists are facts written
// for this project (see gazetteer/README.md); the trainer copies them into
// the model, so a model and the lists it was trained with never part.
type gazetteer struct {
	categories []string
	catHashes  []uint64
	// phrases[c] are category c's entries: normalised lower-case tokens
	// joined by single spaces.
	phrases [][]string

	entries  map[uint64]uint32   // phrase hash → bitmask of categories
	prefixes map[uint64]struct{} // hashes of every proper prefix of a phrase
	maxLen   int
}

// maxCategories is the width of the category bitmask.
const maxCategories = 32

// maxGazetteerTokens bounds the length of an entry, and so the work of
// matching.
const maxGazetteerTokens = 10

// newGazetteer builds a gazetteer from categories and their phrases.
func newGazetteer(categories []string, phrases [][]string) (*gazetteer, error) {
	if len(categories) > maxCategories {
		return nil, fmt.Errorf("ner: %d gazetteer categories, at most %d", len(categories), maxCategories)
	}
	g := &gazetteer{
		categories: categories,
		phrases:    phrases,
		entries:    map[uint64]uint32{},
		prefixes:   map[uint64]struct{}{},
	}
	for c, name := range categories {
		g.catHashes = append(g.catHashes, hashString(name))
		for _, p := range phrases[c] {
			toks := strings.Split(p, " ")
			if len(toks) > maxGazetteerTokens {
				return nil, fmt.Errorf("ner: gazetteer %s: %q has more than %d tokens", name, p, maxGazetteerTokens)
			}
			h := uint64(gazetteerSeed)
			for i, t := range toks {
				h = combine(h, hashString(t))
				if i < len(toks)-1 {
					g.prefixes[h] = struct{}{}
				}
			}
			g.entries[h] |= 1 << c
			g.maxLen = max(g.maxLen, len(toks))
		}
	}
	return g, nil
}

const gazetteerSeed = 0x6761_7a65_7474_6565

// readGazetteer reads every *.txt file in dir of fsys: the file name
// without extension is the category; each non-blank line not starting with
// "#" is an entry.
func readGazetteer(fsys fs.FS, dir string) (*gazetteer, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("ner: no gazetteer files in %s", dir)
	}
	slices.Sort(files)
	var categories []string
	var phrases [][]string
	for _, file := range files {
		f, err := fsys.Open(file)
		if err != nil {
			return nil, err
		}
		list, err := readGazetteerList(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("ner: gazetteer %s: %w", file, err)
		}
		categories = append(categories, strings.TrimSuffix(path.Base(file), ".txt"))
		phrases = append(phrases, list)
	}
	return newGazetteer(categories, phrases)
}

func readGazetteerList(r io.Reader) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := gazetteerPhrase(line)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	slices.Sort(out)
	return out, sc.Err()
}

// gazetteerPhrase tokenises an entry the way text is tokenised, so that
// "Côte d'Ivoire" or "U.S." match what Tokenize makes of them.
func gazetteerPhrase(entry string) string {
	toks := Tokenize(entry)
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = strings.ToLower(Normalize(t.Text))
	}
	return strings.Join(parts, " ")
}

// gazHit is one gazetteer match covering a token: the categories matched
// and the token's position in the match.
type gazHit struct {
	mask uint32
	pos  position
}

// match finds every entry in the sentence toks, calling hit for each token
// of each match. A match must look like a name: its first token
// capitalised and the others capitalised or short connectives ("Bosnia and
// Herzegovina", "Côte d'Ivoire"), so "turkey" and "us" do not match.
func (g *gazetteer) match(toks []tokenInfo, hit func(i int, h gazHit)) {
	for i := range toks {
		if !toks[i].capitalised() {
			continue
		}
		h := uint64(gazetteerSeed)
		for j := i; j < len(toks) && j-i < g.maxLen; j++ {
			if j > i && !toks[j].capitalised() && !connectives[toks[j].hLower] && !particleName(toks[j].word) {
				break
			}
			h = combine(h, toks[j].hLower)
			if mask := g.entries[h]; mask != 0 {
				for k := i; k <= j; k++ {
					hit(k, gazHit{mask: mask, pos: positionIn(k, i, j)})
				}
			}
			if _, ok := g.prefixes[h]; !ok {
				break
			}
		}
	}
}

func positionIn(k, first, last int) position {
	switch {
	case first == last:
		return posU
	case k == first:
		return posB
	case k == last:
		return posL
	}
	return posI
}

// connectives are the lower-case words names are built with.
var connectives = func() map[uint64]bool {
	m := map[uint64]bool{}
	for _, w := range strings.Fields(`of the and for in de del della di da do dos das du des la le les van von der den
		al el bin ibn y e on upon am im zu & 's ' - . d'`) {
		m[hashString(w)] = true
	}
	return m
}()

// particleName reports whether w is a capitalised name behind a lower-case
// particle: "d'Ivoire", "al-Assad".
func particleName(w string) bool {
	i := strings.IndexAny(w, "'-")
	return i > 0 && i <= 3 && startsUpperOrDigit(w[i+1:])
}

// startsUpperOrDigit reports whether s starts with a capital or a digit.
func startsUpperOrDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}
