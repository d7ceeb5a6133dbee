package ner

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// featureVersion names the feature set. The model records the version it
// was trained with and Load refuses a model from another one: its weights
// would be attached to the wrong features.
const featureVersion = 1

// template identifies a feature template; its value is hashed into every
// feature key, so the numbers must never be reused for something else.
type template uint64

const (
	tBias template = iota + 1
	tWord
	tLower
	tLowerM1
	tLowerP1
	tLowerM2
	tLowerP2
	tShape
	tShapeLong
	tShapeM1
	tShapeP1
	tShapeM2
	tShapeP2
	tShapeM1_0
	tShape0_P1
	tShapeM1_0_P1
	tLowerM1_0
	tLower0_P1
	tLowerM1_Shape0
	tShape0_LowerP1
	tCapPosition
	tDocCase
	tPrefix
	tSuffix
	tGazetteer
	tGazetteerM1
	tGazetteerP1
	tQuoted
	tParenthesised
	tLength
	tWordM1
	tWordP1

	// Second stage: the first stage's labels, here and across the document.
	t2Label
	t2LabelM1
	t2LabelP1
	t2LabelM1_0
	t2Label0_P1
	t2Majority
	t2MajorityLabel
	t2Member
	t2First
)

// capClass is a token's capitalisation.
type capClass uint8

const (
	capLower capClass = iota + 1 // "said"
	capInit                      // "Sherman"
	capAll                       // "NATO"
	capOne                       // "A"
	capMixed                     // "McDonald", "iPhone"
	capDigit                     // "2022", "3-1"
	capAlnum                     // "4thL", "F16"
	capPunct                     // ",", "--"
)

// tokenInfo is what the features read about one token, computed once per
// token per document. Only hashes of derived strings (lower case, shape,
// affixes) are kept, so preparing a token allocates nothing.
type tokenInfo struct {
	word string // normalised

	hWord, hLower, hShape, hShapeLong uint64
	hPrefix, hSuffix                  [affixes]uint64

	cap capClass
	// upper: starts with a capital or digit, so it may begin a name.
	upper bool
	// initial: first word of its sentence (after any opening punctuation),
	// where a capital says nothing.
	initial bool
	// headline: in a sentence written all in capitals.
	headline bool
	quoted   bool
	paren    bool
	// docCase says how the word is capitalised elsewhere in the document,
	// in running text: bit 0 lower case, bit 1 initial capital, bit 2 all
	// capitals. "JAPAN" in a headline is a name if "Japan" is in the body.
	docCase uint8
}

func (t *tokenInfo) capitalised() bool { return t.upper }

// affixes is how many prefixes and suffixes (of 1..affixes runes) are
// features.
const affixes = 4

// boundary stands in for tokens beyond the ends of a sentence.
var boundary = func() tokenInfo {
	t := tokenInfo{word: "<S>", cap: capPunct}
	t.hWord, t.hLower, t.hShape, t.hShapeLong = hashString("<S>"), hashString("<S>"), hashString("<S>"), hashString("<S>")
	return t
}()

// sentence is a run of tokens [start, end) of a document.
type sentence struct{ start, end int }

// document is the tokens of one document prepared for feature extraction.
// It is reused across calls to keep tagging free of allocation.
type document struct {
	toks  []tokenInfo
	sents []sentence
	// gazetteer hits of token i are gaz[gazStart[i]:gazStart[i+1]].
	gaz      []gazHit
	gazStart []int32

	docCase map[uint64]uint8 // by hLower
	hits    []tokHit
	next    []int32
	buf     []byte
}

type tokHit struct {
	tok int
	hit gazHit
}

func (d *document) reset() {
	d.toks = d.toks[:0]
	d.sents = d.sents[:0]
	d.gaz = d.gaz[:0]
	d.gazStart = d.gazStart[:0]
	d.hits = d.hits[:0]
	clear(d.docCase)
}

// addSentence appends a sentence of words (token texts, raw or normalised).
func (d *document) addSentence(words []string) {
	if len(words) == 0 {
		return
	}
	start := len(d.toks)
	letters, capitals, long := 0, 0, false
	for _, w := range words {
		var t tokenInfo
		t.word = Normalize(w)
		t.hWord = hashString(t.word)
		d.buf = appendLower(d.buf[:0], t.word)
		t.hLower = hashBytes(d.buf)
		affixHashes(d.buf, &t.hPrefix, &t.hSuffix)
		t.hShape, t.hShapeLong = shapeHashes(t.word, d.buf[:0])
		t.cap = classify(t.word)
		t.upper = startsUpperOrDigit(t.word)
		d.toks = append(d.toks, t)
	}
	for i := start; i < len(d.toks); i++ {
		switch d.toks[i].cap {
		case capAll:
			letters++
			capitals++
			long = true
		case capOne:
			letters++
			capitals++
		case capLower, capInit, capMixed:
			letters++
		case capAlnum:
			if strings.ToUpper(d.toks[i].word) != d.toks[i].word {
				letters++
			}
		}
	}
	headline := long && letters == capitals
	quoted := false
	for i := start; i < len(d.toks); i++ {
		t := &d.toks[i]
		t.headline = headline
		if t.word == `"` {
			quoted = !quoted
		}
		t.quoted = quoted && t.word != `"`
		t.paren = i > start && d.toks[i-1].word == "(" && i+1 < len(d.toks) && d.toks[i+1].word == ")"
	}
	// The first word, after opening quotes, dashes or brackets.
	for i := start; i < len(d.toks); i++ {
		d.toks[i].initial = true
		if d.toks[i].cap != capPunct {
			break
		}
	}
	d.sents = append(d.sents, sentence{start, len(d.toks)})
}

// finish computes the document-wide token properties once every sentence
// is in: how each word is capitalised in running text, and gazetteer hits.
func (d *document) finish(g *gazetteer) {
	if d.docCase == nil {
		d.docCase = map[uint64]uint8{}
	}
	for i := range d.toks {
		t := &d.toks[i]
		if t.initial || t.headline {
			continue
		}
		switch t.cap {
		case capLower:
			d.docCase[t.hLower] |= 1
		case capInit, capMixed:
			d.docCase[t.hLower] |= 2
		case capAll:
			d.docCase[t.hLower] |= 4
		}
	}
	for i := range d.toks {
		t := &d.toks[i]
		if t.cap <= capMixed {
			t.docCase = d.docCase[t.hLower]
		}
	}

	d.gazStart = append(d.gazStart[:0], make([]int32, len(d.toks)+1)...)
	if g == nil {
		return
	}
	// Hits arrive in order of match start; bucket them by token.
	for _, s := range d.sents {
		g.match(d.toks[s.start:s.end], func(i int, h gazHit) {
			d.hits = append(d.hits, tokHit{s.start + i, h})
		})
	}
	for _, h := range d.hits {
		d.gazStart[h.tok+1]++
	}
	for i := 1; i < len(d.gazStart); i++ {
		d.gazStart[i] += d.gazStart[i-1]
	}
	d.gaz = resize(d.gaz, len(d.hits))
	d.next = append(d.next[:0], d.gazStart[:len(d.toks)]...)
	for _, h := range d.hits {
		d.gaz[d.next[h.tok]] = h.hit
		d.next[h.tok]++
	}
}

func (d *document) at(i int, s sentence) *tokenInfo {
	if i < s.start || i >= s.end {
		return &boundary
	}
	return &d.toks[i]
}

// stage1Keys appends the keys of the local features of token i, in
// sentence s.
func (d *document) stage1Keys(i int, s sentence, g *gazetteer, keys []uint64) []uint64 {
	t := &d.toks[i]
	m1, m2, p1, p2 := d.at(i-1, s), d.at(i-2, s), d.at(i+1, s), d.at(i+2, s)
	flags := uint64(t.cap)<<8 | b2u(t.initial)<<1 | b2u(t.headline)
	keys = append(keys,
		key1(tBias, 0),
		key1(tWord, t.hWord),
		key1(tLower, t.hLower),
		key1(tLowerM1, m1.hLower),
		key1(tLowerP1, p1.hLower),
		key1(tLowerM2, m2.hLower),
		key1(tLowerP2, p2.hLower),
		key1(tWordM1, m1.hWord),
		key1(tWordP1, p1.hWord),
		key1(tShape, t.hShape),
		key1(tShapeLong, t.hShapeLong),
		key1(tShapeM1, m1.hShape),
		key1(tShapeP1, p1.hShape),
		key1(tShapeM2, m2.hShape),
		key1(tShapeP2, p2.hShape),
		key2(tShapeM1_0, m1.hShape, t.hShape),
		key2(tShape0_P1, t.hShape, p1.hShape),
		key3(tShapeM1_0_P1, m1.hShape, t.hShape, p1.hShape),
		key2(tLowerM1_0, m1.hLower, t.hLower),
		key2(tLower0_P1, t.hLower, p1.hLower),
		key2(tLowerM1_Shape0, m1.hLower, t.hShape),
		key2(tShape0_LowerP1, t.hShape, p1.hLower),
		key1(tCapPosition, flags),
		key2(tDocCase, uint64(t.docCase), flags),
		key2(tLength, uint64(min(utf8.RuneCountInString(t.word), 12)), uint64(t.cap)),
	)
	for k := range affixes {
		if t.hPrefix[k] != 0 {
			keys = append(keys, key2(tPrefix, uint64(k), t.hPrefix[k]), key2(tSuffix, uint64(k), t.hSuffix[k]))
		}
	}
	if t.quoted {
		keys = append(keys, key1(tQuoted, uint64(t.cap)))
	}
	if t.paren {
		keys = append(keys, key1(tParenthesised, uint64(t.cap)))
	}
	if g != nil {
		for _, h := range d.gaz[d.gazStart[i]:d.gazStart[i+1]] {
			keys = g.appendMaskKeys(keys, tGazetteer, h.mask, uint64(h.pos)+1)
		}
		if i > s.start {
			for _, h := range d.gaz[d.gazStart[i-1]:d.gazStart[i]] {
				if h.pos == posL || h.pos == posU {
					keys = g.appendMaskKeys(keys, tGazetteerM1, h.mask, 0)
				}
			}
		}
		if i+1 < s.end {
			for _, h := range d.gaz[d.gazStart[i+1]:d.gazStart[i+2]] {
				if h.pos == posB || h.pos == posU {
					keys = g.appendMaskKeys(keys, tGazetteerP1, h.mask, 0)
				}
			}
		}
	}
	return keys
}

func (g *gazetteer) appendMaskKeys(keys []uint64, t template, mask uint32, v uint64) []uint64 {
	for mask != 0 {
		c := bits.TrailingZeros32(mask)
		mask &^= 1 << c
		keys = append(keys, key2(t, g.catHashes[c], v))
	}
	return keys
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// memory is what the first stage said about each capitalised word across
// the document: how often each occurrence was tagged with each type, at
// which position inside multi-token names, and the type of the first
// occurrence. A second stage reading it tags "Sherman" as a person because
// "Wendy Sherman" was one three sentences earlier.
type memory struct {
	entries map[uint64]*memoryEntry
}

type memoryEntry struct {
	types     [numTypes + 1]uint16 // index 0: outside any name
	positions [numLabels]uint16    // label of the word inside multi-token names
	first     int32
	firstType int8
}

func (m *memory) build(d *document, labels []label) {
	if m.entries == nil {
		m.entries = map[uint64]*memoryEntry{}
	}
	clear(m.entries)
	for i := range d.toks {
		t := &d.toks[i]
		if !t.upper || t.cap == capDigit || t.cap == capPunct {
			continue
		}
		e := m.entries[t.hLower]
		if e == nil {
			e = &memoryEntry{first: int32(i), firstType: int8(typeOf(labels[i]))}
			m.entries[t.hLower] = e
		}
		e.types[typeOf(labels[i])]++
		if l := labels[i]; l != labelO && l.position() != posU {
			e.positions[l]++
		}
	}
}

// typeOf returns 0 for O and 1+type otherwise.
func typeOf(l label) int {
	if l == labelO {
		return 0
	}
	return 1 + l.typ()
}

// stage2Keys appends the keys of the features that read the first stage's
// labels.
func (d *document) stage2Keys(i int, s sentence, labels []label, mem *memory, keys []uint64) []uint64 {
	l0 := uint64(labels[i])
	lm1, lp1 := uint64(numLabels), uint64(numLabels) // beyond the sentence
	if i > s.start {
		lm1 = uint64(labels[i-1])
	}
	if i+1 < s.end {
		lp1 = uint64(labels[i+1])
	}
	keys = append(keys,
		key1(t2Label, l0),
		key1(t2LabelM1, lm1),
		key1(t2LabelP1, lp1),
		key2(t2LabelM1_0, lm1, l0),
		key2(t2Label0_P1, l0, lp1),
	)
	t := &d.toks[i]
	e := mem.entries[t.hLower]
	if e == nil || !t.upper {
		return keys
	}
	// Evidence from the other occurrences only: this one's label is t2Label.
	types := e.types
	types[typeOf(labels[i])]--
	others, best := 0, 0
	for k, n := range types {
		others += int(n)
		if n > types[best] {
			best = k
		}
	}
	if others > 0 {
		share := uint64(0) // a plurality
		switch {
		case int(types[best]) == others:
			share = 2 // unanimous
		case 2*int(types[best]) > others:
			share = 1 // a majority
		}
		keys = append(keys,
			key2(t2Majority, uint64(best), share),
			key3(t2MajorityLabel, uint64(best), share, l0),
		)
	}
	positions := e.positions
	if l := labels[i]; l != labelO && l.position() != posU {
		positions[l]--
	}
	for l, n := range positions {
		if n > 0 {
			keys = append(keys, key1(t2Member, uint64(l)))
		}
	}
	if int(e.first) != i {
		keys = append(keys, key1(t2First, uint64(e.firstType)))
	}
	return keys
}

// classify returns the capitalisation class of w.
func classify(w string) capClass {
	var upper, lower, digit, other int
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		case unicode.IsDigit(r):
			digit++
		case unicode.IsLetter(r):
			lower++ // caseless scripts read as lower case
		default:
			other++
		}
	}
	letters := upper + lower
	switch {
	case letters == 0 && digit == 0:
		return capPunct
	case letters == 0:
		return capDigit
	case digit > 0:
		return capAlnum
	case upper == 0:
		return capLower
	case lower == 0 && upper == 1:
		return capOne
	case lower == 0:
		return capAll
	}
	r, _ := utf8.DecodeRuneInString(w)
	if unicode.IsUpper(r) && upper == 1 {
		return capInit
	}
	// "O'Neill", "McDonald", "US-led": capitals after the first.
	if unicode.IsUpper(r) {
		rest := w[utf8.RuneLen(r):]
		if i := strings.IndexAny(rest, "-'"); i >= 0 && classify(rest[i+1:]) <= capInit {
			return capInit
		}
	}
	return capMixed
}

// shapeHashes hashes w's shape — capitals as X, lower case as x, digits as
// d, other characters as themselves — with runs of a class collapsed to
// one character (short) and to at most four (long): "Sherman" is "Xx" and
// "Xxxxx", "U.S." is "X.X.", "1996-08-22" is "d-d-d" and "dddd-dd-dd". buf
// is scratch space.
func shapeHashes(w string, buf []byte) (short, long uint64) {
	const maxShape = 48
	s := buf[:0]
	var lb [maxShape]byte
	l := lb[:0]
	var prev byte
	run := 0
	for _, r := range w {
		var c byte
		switch {
		case r < utf8.RuneSelf && r >= 'a' && r <= 'z':
			c = 'x'
		case r < utf8.RuneSelf && r >= 'A' && r <= 'Z':
			c = 'X'
		case r < utf8.RuneSelf && r >= '0' && r <= '9':
			c = 'd'
		case r < utf8.RuneSelf:
			c = byte(r)
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLetter(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		default:
			c = '*'
		}
		if c == prev {
			run++
		} else {
			run = 1
			prev = c
			if len(s) < maxShape {
				s = append(s, c)
			}
		}
		if run <= 4 && len(l) < maxShape {
			l = append(l, c)
		}
	}
	return hashBytes(s), hashBytes(l)
}

// affixHashes hashes the 1..affixes-rune prefixes and suffixes of a word
// that has more runes than the affix; shorter affixes stay 0.
func affixHashes(w []byte, pre, suf *[affixes]uint64) {
	*pre, *suf = [affixes]uint64{}, [affixes]uint64{}
	n := utf8.RuneCount(w)
	p, q := 0, len(w)
	for k := 1; k <= affixes && k < n; k++ {
		_, size := utf8.DecodeRune(w[p:])
		p += size
		_, size = utf8.DecodeLastRune(w[:q])
		q -= size
		pre[k-1] = hashBytes(w[:p])
		suf[k-1] = hashBytes(w[q:])
	}
}

// appendLower appends s in lower case to dst, as strings.ToLower would
// write it.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
			}
			return dst
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
