// Package keywords picks an article's key terms: the names and nouns an
// editor would tag it with.
//
// A candidate is a concept, not a string:
//   - a recognised entity, all its mentions together ("Sergei Ryabkov",
//     "Ryabkov"), shown by its longest written form;
//   - a content word, its inflections together by Porter stem ("dress",
//     "dresses");
//   - a pair of adjacent content words ("wedding dress").
//
// Content words are not stop words, not words the CoNLL text mostly tags
// as verbs or adverbs ("respond", "later"; package lexicon), have no
// digits and at least two letters. Candidates never cross a sentence or
// punctuation, so no keyword is a run of headline words: in a sentence
// written in title case ("Phish Phavors New York With 3-Day Phestival")
// capitals say nothing, and the names the recogniser finds there count
// only when the same name occurs in the body.
//
// A word stands alone only when it is a noun: data/pos.tsv (how the
// CoNLL-2003 training text tags each word) keeps out adjectives
// ("diplomatic") and demonyms ("American", mostly a MISC name there),
// which may still start a pair ("military incursion"). A capitalised
// ordinary word inside a sentence and outside any name is part of an
// office ("Deputy Secretary of State"), and the capitalised words right
// before a person's name are one ("Foreign Secretary" Liz Truss).
//
// Each candidate gets features (frequency, first position, headline and
// lead, inverse document frequency from package lexicon, entity type,
// length, how often it is capitalised, how often it is a noun) and a
// score: a logistic model with boosted trees, data/model.json. The model
// is fitted by `go generate` (gen/) on the KPCrowd development stories,
// with cross-validation across stories; gen/main.go says how. The best
// candidates are kept, one per concept: a candidate with the same stems
// as a chosen one, or whose words are inside a chosen name or pair (or
// the other way round), is skipped.
//
// What the word lists say of a written word is looked up once per
// process (a bounded cache), so the extraction costs about what the
// RAKE-style one before it did.
package keywords

//go:generate go run ./gen -conll ../../../../../shared/ner/conll2003/eng.train -pos data/pos.tsv
//go:generate go run ./gen -gold ../../../../../shared/enrich/keywords/gold.jsonl -out data/model.json

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// maxIDF is the IDF of a word the reference articles do not know.
var maxIDF = sync.OnceValue(lexicon.MaxIDF)

// notKeywords are content words that say nothing of a story's subject,
// folded (lexicon.Fold: "reporters" is "reporter").
var notKeywords = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "january": true, "february": true, "march": true,
	"april": true, "june": true, "july": true, "august": true, "september": true, "october": true,
	"november": true, "december": true, "week": true, "year": true, "today": true, "yesterday": true,
	"tomorrow": true, "time": true, "people": true, "thing": true, "lot": true, "way": true,
	"statement": true, "stated": true, "reporter": true, "news": true, "report": true,
}

// Name is a recognised name in the text, for Extract.
type Name struct {
	tokens.Span
	Person bool
	// Entity numbers the entity the mention belongs to: the mentions of
	// one entity are one keyword. Type is its class.
	Entity int
	Type   pipeline.EntityType
}

// Kind is a candidate's kind.
type Kind uint8

const (
	Entity Kind = iota // a recognised name
	Word               // one content word
	Pair               // two adjacent content words
)

// Candidate is one concept that could be a keyword, with the evidence the
// model scores.
type Candidate struct {
	Kind Kind
	Key  string // stems joined by spaces ("dress design"); an entity's longest form folded
	Text string // what is shown
	// Features, in the order of FeatureNames.
	Features []float64

	tf          int
	first, last int // token indexes
	headline    bool
	lead        bool
	firstPara   bool
	capMid      int // occurrences capitalised inside a sentence that is not a headline
	entityType  pipeline.EntityType
	words       []string // stems; for an entity, of its longest form
	surfaces    []surface
	idf         float64 // the mean of the words' IDF; for an entity, the rarest word's
	unknown     bool    // a word the reference articles do not know
}

// StemKey is the candidate's shown form as the scorer normalises it: its
// words' stems.
func (c *Candidate) StemKey() string { return strings.Join(c.words, " ") }

// FeatureNames names the features, in order. The model file records them,
// and Load refuses a model fitted on another list.
var FeatureNames = []string{
	"log_tf", "tf_share", "first_pos", "headline", "lead", "idf", "unknown",
	"entity", "person", "org", "loc", "misc", "pair", "long_name",
	"cap_mid", "spread", "log_tf_idf", "adj_suffix", "chars",
	"noun_share", "adj_share", "pos_known",
	"tf1", "tf2", "first_para", "first_tenth", "entity_log_tf",
}

const numFeatures = 27

// Extract returns up to n key terms of d, best first, with scores in
// (0,1]. names are the names recognised in d, sorted by offset.
func Extract(d *tokens.Doc, n int, names []Name) []pipeline.Keyword {
	if n <= 0 {
		return nil
	}
	cands := Candidates(d, names)
	if len(cands) == 0 {
		return nil
	}
	return Select(cands, loadModel().ScoreAll(cands), n)
}

// Select keeps up to n candidates by descending score, one per concept.
// Scores are logistic probabilities; the output's are divided by the best
// one, so the top keyword scores 1.
func Select(cands []Candidate, scores []float64, n int) []pipeline.Keyword {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(scores[b], scores[a]), cmp.Compare(cands[a].first, cands[b].first), strings.Compare(cands[a].Key, cands[b].Key))
	})
	var out []pipeline.Keyword
	var chosen []*Candidate
	best := 0.0
	for _, i := range order {
		if len(out) == n {
			break
		}
		c := &cands[i]
		if sameConcept(c, chosen) {
			continue
		}
		if best == 0 {
			best = scores[i]
		}
		chosen = append(chosen, c)
		out = append(out, pipeline.Keyword{Text: c.Text, Score: math.Round(scores[i]/best*1000) / 1000})
	}
	return out
}

// sameConcept reports whether c says what a chosen candidate says: the
// same stems, or the words of one inside the other ("Ryabkov" and
// "Sergei Ryabkov" when the recogniser did not link them, "delegation"
// and "Russian delegation").
func sameConcept(c *Candidate, chosen []*Candidate) bool {
	for _, o := range chosen {
		if c.Key == o.Key || slices.Equal(c.words, o.words) {
			return true
		}
		if c.Kind != Word || o.Kind != Word {
			if subset(c.words, o.words) || subset(o.words, c.words) {
				return true
			}
		}
	}
	return false
}

func subset(a, b []string) bool {
	for _, w := range a {
		if !slices.Contains(b, w) {
			return false
		}
	}
	return true
}

// Candidates returns d's candidate keywords with their features.
func Candidates(d *tokens.Doc, names []Name) []Candidate {
	x := extraction{d: d, byKey: make(map[string]int, len(d.Tokens)/3),
		pairKeys: map[string]string{}, nTokens: len(d.Tokens),
		cands: make([]Candidate, 0, len(d.Tokens)/3)}
	x.markHeadlines()
	x.leadSentence()
	x.entities(names)
	x.words()
	if len(x.cands) == 0 {
		return nil
	}
	contentWords := 0
	for _, c := range x.cands {
		if c.Kind == Word {
			contentWords += c.tf
		}
	}
	features := make([]float64, len(x.cands)*numFeatures) // one allocation for all
	for i := range x.cands {
		x.cands[i].Features = features[i*numFeatures : (i+1)*numFeatures : (i+1)*numFeatures]
		x.features(&x.cands[i], contentWords)
	}
	return x.cands
}

type extraction struct {
	d        *tokens.Doc
	headline []bool // by sentence: written in title case
	leadSent int    // the first sentence with words that is not a headline
	inName   []bool // by token: inside a trusted name
	cands    []Candidate
	byKey    map[string]int
	pairKeys map[string]string // interned pair keys
	keyBuf   []byte
	nTokens  int
}

// markHeadlines finds the sentences written in title case: most of their
// longer words capitalised, as headlines and menus are.
func (x *extraction) markHeadlines() {
	d := x.d
	x.headline = make([]bool, len(d.Sentences))
	for s := range d.Sentences {
		from, to := d.SentTokens(s)
		long, caps, ordinary := 0, 0, 0
		for i := from; i < to; i++ {
			t := d.Tokens[i]
			if t.Kind != tokens.Word || t.End-t.Start < 4 {
				continue
			}
			long++
			if t.Cap && !t.Upper {
				caps++
				if wi := x.word(i); !t.SentStart && (lexicon.IsStop(wi.lower) || wi.common) {
					ordinary++
				}
			}
		}
		// A capitalised ordinary word tells a headline ("With")
		// from a sentence full of names ("Sergei Ryabkov led the Russian
		// delegation to Geneva").
		x.headline[s] = long >= 3 && caps*4 >= long*3 && ordinary >= 1
	}
}

func (x *extraction) leadSentence() {
	x.leadSent = -1
	for i, t := range x.d.Tokens {
		if t.Kind == tokens.Word && !t.Junk && !x.headline[t.Sent] {
			x.leadSent = int(x.d.Tokens[i].Sent)
			return
		}
	}
}

func (x *extraction) add(key string, kind Kind, tok int) (c *Candidate, isNew bool) {
	i, ok := x.byKey[key]
	if !ok {
		i = len(x.cands)
		x.byKey[key] = i
		x.cands = append(x.cands, Candidate{Kind: kind, Key: key, first: tok})
	}
	c = &x.cands[i]
	c.tf++
	c.last = tok
	t := x.d.Tokens[tok]
	if x.headline[t.Sent] {
		c.headline = true
	}
	if int(t.Sent) == x.leadSent {
		c.lead = true
	}
	if t.Para == 0 {
		c.firstPara = true
	}
	return c, !ok
}

// entities adds one candidate per entity. A name inside a headline counts
// only when the same name is written in the body too.
func (x *extraction) entities(names []Name) {
	d := x.d
	x.inName = make([]bool, len(d.Tokens))
	var inBody map[string]bool
	if slices.Contains(x.headline, true) {
		inBody = map[string]bool{}
		for _, nm := range names {
			if t := d.TokenAt(nm.Start); t >= 0 && !x.headline[d.Tokens[t].Sent] {
				inBody[lexicon.Fold(d.Text[nm.Start:nm.End])] = true
			}
		}
	}
	for _, nm := range names {
		ti := d.TokenAt(nm.Start)
		if ti < 0 || d.Tokens[ti].Junk {
			continue
		}
		surface := d.Text[nm.Start:nm.End]
		if x.headline[d.Tokens[ti].Sent] && !inBody[lexicon.Fold(surface)] {
			continue
		}
		if nm.Person {
			x.markTitle(ti)
		}
		words, end := 0, ti
		for ; end < len(d.Tokens) && d.Tokens[end].End <= nm.End; end++ {
			x.inName[end] = true
			if k := d.Tokens[end].Kind; k == tokens.Word || k == tokens.Number {
				words++
			}
		}
		if words == 0 {
			continue
		}
		if words == 1 {
			// "Russian", "European": a demonym says what the story's
			// countries already say.
			if w := lexicon.Lower(surface); isDemonym(w) {
				continue
			} else if _, adj, known := nounShare(w); known && adj >= 0.5 {
				continue
			}
		}
		// Entities are numbered: no word's stem is a number.
		c, _ := x.add(strconv.Itoa(nm.Entity), Entity, ti)
		c.entityType = nm.Type
		if strings.ContainsAny(surface, "\n\t\r") || strings.Contains(surface, "  ") {
			surface = strings.Join(strings.Fields(surface), " ")
		}
		c.addSurface(surface)
		if words > len(c.words) {
			// The longest form gives the stems and the IDF (its rarest word).
			c.words, c.idf = c.words[:0], 0
			for j := ti; j < end; j++ {
				if k := d.Tokens[j].Kind; k == tokens.Word || k == tokens.Number {
					wi := x.word(j)
					c.words = append(c.words, wi.stem)
					c.idf = max(c.idf, wi.idf)
				}
			}
		}
	}
}

// markTitle marks the capitalised words right before a person's name
// ("Foreign Secretary" Liz Truss, "President" Putin): an office, not a
// term of its own.
func (x *extraction) markTitle(name int) {
	for j := name - 1; j >= 0; j-- {
		t := x.d.Tokens[j]
		if t.Kind != tokens.Word || !t.Cap || t.Upper || t.Sent != x.d.Tokens[name].Sent || x.inName[j] {
			return
		}
		x.inName[j] = true
	}
}

// normWord deletes what is not a letter or digit, as keyword matching
// does ("health-care" is "healthcare").
func normWord(w string) string {
	clean := true
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			clean = false
			break
		}
	}
	if clean {
		return w
	}
	var b strings.Builder
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// nounish reports whether a lower-case word can be a keyword on its own:
// mostly a noun and not a demonym in the tagged text, or, for a word it barely knows, the
// last part of a compound is ("non-starters"), and the word does not end
// as verb forms do ("de-escalate", "destabilizing").
func nounish(w string) bool {
	c, ok := posTable()[w]
	if ok && c.uses >= minPOSUses {
		// Mostly a MISC name ("American", "European") is a demonym: it
		// says what the story's countries already say.
		return float64(c.noun) >= minNounShare*float64(c.uses) && 2*c.misc < c.uses
	}
	if i := strings.LastIndexAny(w, "-\u2010\u2011"); i >= 0 && i+1 < len(w) {
		return nounish(w[i+1:])
	}
	for _, suf := range verbSuffixes {
		if strings.HasSuffix(w, suf) {
			return false
		}
	}
	return true
}

var verbSuffixes = []string{"ing", "ed", "ly", "ize", "ise", "izes", "ises", "ate", "ates",
	"able", "ible", "ous", "ful", "less"} // and adjectives

// minNounShare is the share of noun uses a known word needs to be a
// keyword on its own.
const minNounShare = 0.3

// words adds the content words outside names, and adjacent pairs of them.
func (x *extraction) words() {
	d := x.d
	prev := -1 // token index of the previous content word, if adjacent
	var prevStem string
	for i, t := range d.Tokens {
		if t.Junk || x.inName[i] || t.Kind != tokens.Word {
			prev = -1
			continue
		}
		wi := x.word(i)
		if !wi.content {
			prev = -1
			continue
		}
		w, stem := d.TokenText(i), wi.stem
		// A word the tagged text mostly uses as something other than a
		// noun ("diplomatic", "military") is not a keyword on its own,
		// but can start a pair ("military incursion"). Nor is a
		// capitalised ordinary word inside a sentence and outside any
		// name: it is part of an office ("Deputy Secretary of State")
		// or of a name the recogniser missed.
		if !wi.noun || t.Cap && !t.Upper && !t.SentStart && !x.headline[t.Sent] && wi.common {
			prev, prevStem = i, stem
			continue
		}
		c, isNew := x.add(stem, Word, i)
		if isNew {
			c.words = []string{stem}
		}
		headline := x.headline[t.Sent]
		surface := w
		if !headline && t.Cap && !t.SentStart {
			c.capMid++
		} else if !t.Upper && wi.common {
			// A capital only because a sentence or headline starts
			// there is not part of the word.
			surface = wi.lower
		}
		c.addSurface(surface)
		if isNew {
			c.idf = wi.idf
			c.unknown = c.idf >= maxIDF()
		}
		if prev >= 0 && d.Tokens[prev].Sent == t.Sent {
			x.keyBuf = append(append(append(x.keyBuf[:0], prevStem...), ' '), stem...)
			key, ok := x.pairKeys[string(x.keyBuf)] // no allocation when seen
			if !ok {
				key = string(x.keyBuf)
				x.pairKeys[key] = key
			}
			p, isNew := x.add(key, Pair, prev)
			p.last = i
			if isNew {
				// The first written form is shown: a pair is rarely
				// written two ways.
				p.words = []string{prevStem, stem}
				ps, pi := d.TokenText(prev), x.word(prev)
				if pt := d.Tokens[prev]; !pt.Upper && (headline || pt.SentStart) && pi.common {
					ps = pi.lower
				}
				p.addSurface(ps + " " + surface)
				p.idf = (pi.idf + wi.idf) / 2
				p.unknown = max(pi.idf, wi.idf) >= maxIDF()
			}
		}
		prev, prevStem = i, stem
	}
}

// isContent reports whether a word token, folded to f, can be part of a
// key term.
// wordInfo is what the word lists say of one written word.
type wordInfo struct {
	fold, lower, stem     string
	content, noun, common bool
	idf                   float64
}

// wordCache keeps what the word lists say of each written word across
// articles: it depends on the word alone, and looking it up once instead
// of in six lists is most of the saving. It stops growing at
// maxCachedWords (news vocabulary, names included, stays well below).
var (
	wordCache      sync.Map // string -> wordInfo
	cachedWords    atomic.Int64
	maxCachedWords = int64(200_000)
)

// word returns what the word lists say of token i's word.
func (x *extraction) word(i int) wordInfo {
	w := x.d.TokenText(i)
	if v, ok := wordCache.Load(w); ok {
		return v.(wordInfo)
	}
	t := x.d.Tokens[i]
	wi := wordInfo{lower: lexicon.Lower(w)}
	wi.fold = lexicon.Fold(wi.lower) // no second lower-casing
	wi.idf = lexicon.IDF(wi.fold)
	wi.stem = Stem(normWord(wi.fold))
	wi.common = lexicon.IsCommon(w)
	if wi.content = isContent(t, w, wi.lower, wi.fold, wi.idf); wi.content {
		wi.noun = t.Upper || nounish(wi.lower)
	}
	if cachedWords.Load() < maxCachedWords {
		// Keys are cloned: w is a slice of the article's text, which
		// the cache must not keep alive.
		if _, loaded := wordCache.LoadOrStore(strings.Clone(w), wi); !loaded {
			cachedWords.Add(1)
		}
	}
	return wi
}

func isContent(t tokens.Token, w, lw, f string, idf float64) bool {
	if len(w) < 2 || utf8.RuneCountInString(w) < 2 {
		return false
	}
	lower, upperAfterLower := false, false
	for _, r := range w {
		switch {
		case unicode.IsDigit(r):
			return false
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r) && lower:
			upperAfterLower = true
		}
	}
	if upperAfterLower && !isNamePrefix(w) {
		return false // "UeJNJ", "cPCVUJ": class names, not words
	}
	if notKeywords[f] || lexicon.IsStop(f) || lw != f && lexicon.IsStop(lw) {
		return false
	}
	if t.Upper {
		return true // "US" is a country, "us" a pronoun
	}
	return !lexicon.IsVerbal(lw) && !looksVerbal(w, idf)
}

// looksVerbal guesses, for a word the reference articles barely know
// (its IDF is the highest), whether it is a past form or an adverb
// ("re-emphasised", "categorically").
func looksVerbal(w string, idf float64) bool {
	if idf < maxIDF() {
		return false // known: IsVerbal has decided
	}
	n := utf8.RuneCountInString(w)
	return n >= 6 && strings.HasSuffix(w, "ed") || n >= 5 && strings.HasSuffix(w, "ly")
}

// isNamePrefix allows the capitals inside "McDonald" and "MacArthur".
func isNamePrefix(w string) bool {
	return strings.HasPrefix(w, "Mc") || strings.HasPrefix(w, "Mac") || strings.HasPrefix(w, "O'") || strings.HasPrefix(w, "O\u2019")
}

var adjSuffixes = []string{"ous", "ful", "ive", "able", "ible", "ic", "ical", "al", "ish", "less", "est"}

func (x *extraction) features(c *Candidate, contentWords int) {
	c.Text = display(c)
	f := c.Features
	tf := float64(c.tf)
	f[0] = math.Log(1 + tf)
	f[1] = tf / float64(max(contentWords, 1)) * 10
	f[2] = float64(c.first) / float64(max(x.nTokens, 1))
	f[3] = b2f(c.headline)
	f[4] = b2f(c.lead)
	f[5] = c.idf / maxIDF()
	f[6] = b2f(c.unknown)
	if c.Kind == Entity {
		f[7] = 1
		switch c.entityType {
		case pipeline.Person:
			f[8] = 1
		case pipeline.Organization:
			f[9] = 1
		case pipeline.Location:
			f[10] = 1
		default:
			f[11] = 1
		}
		if len(c.words) > 1 {
			f[13] = 1
		}
	}
	if c.Kind == Pair {
		f[12] = 1
	}
	f[14] = float64(c.capMid) / tf
	f[15] = float64(c.last-c.first) / float64(max(x.nTokens, 1))
	f[16] = f[0] * f[5]
	if c.Kind == Word {
		lw := lexicon.Lower(c.Text)
		for _, s := range adjSuffixes {
			if strings.HasSuffix(lw, s) {
				f[17] = 1
				break
			}
		}
	}
	f[18] = float64(min(utf8.RuneCountInString(c.Text), 20)) / 10
	// The tags of the word, or of a pair's head; names are nouns unless
	// one word the tagged text mostly uses as an adjective ("Russian").
	f[22] = b2f(c.tf == 1)
	f[23] = b2f(c.tf == 2)
	f[24] = b2f(c.firstPara)
	f[25] = b2f(f[2] < 0.1)
	f[26] = f[7] * f[0]
	f[19], f[20], f[21] = 1, 0, 1
	if fs := strings.Fields(c.Text); c.Kind != Entity || len(fs) == 1 {
		noun, adj, known := nounShare(lexicon.Lower(fs[len(fs)-1]))
		f[19], f[20], f[21] = noun, adj, b2f(known)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

type surface struct {
	text string
	n    int
}

func (c *Candidate) addSurface(text string) {
	for i := range c.surfaces {
		if c.surfaces[i].text == text {
			c.surfaces[i].n++
			return
		}
	}
	c.surfaces = append(c.surfaces, surface{text, 1})
}

// display returns a candidate's form to show: an entity's longest
// mention, otherwise the most frequent written form.
func display(c *Candidate) string {
	best, bestN := "", 0
	for _, s := range c.surfaces {
		n := s.n
		if c.Kind == Entity {
			n += strings.Count(s.text, " ") * 1000
		}
		if n > bestN || n == bestN && s.text < best {
			best, bestN = s.text, n
		}
	}
	return best
}
