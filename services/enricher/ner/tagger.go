package ner

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tagger is the scratch space of one tagging call, pooled per Model so
// that tagging allocates next to nothing.
type tagger struct {
	doc   document
	keys  []uint64
	words []string
	emit  [][numLabels]int32
	back  [][numLabels]uint8
	// Rows of the second stage found while scoring the first: token i's are
	// rows2[rows2Start[i]:rows2Start[i+1]].
	rows2      []int32
	rows2Start []int32
	labels     [2][]label
	mem        memory
	chunks     []chunk
}

func (m *Model) getTagger() *tagger {
	if t, ok := m.scratch.Get().(*tagger); ok {
		t.doc.reset()
		return t
	}
	return &tagger{}
}

func (m *Model) putTagger(t *tagger) {
	// Do not pool the scratch of a huge document.
	if cap(t.doc.toks) <= 1<<16 {
		m.scratch.Put(t)
	}
}

// run tags the prepared document t.doc; the result is t.labels[1].
func (m *Model) run(t *tagger) {
	d := &t.doc
	n := len(d.toks)
	t.emit = resize(t.emit, n)
	t.back = resize(t.back, n)
	t.labels[0] = resize(t.labels[0], n)
	t.labels[1] = resize(t.labels[1], n)
	t.rows2Start = resize(t.rows2Start, n+1)
	t.rows2 = t.rows2[:0]

	first, second := &m.stages[0], &m.stages[1]
	for _, s := range d.sents {
		for i := s.start; i < s.end; i++ {
			t.keys = d.stage1Keys(i, s, m.gaz, t.keys[:0])
			var e [numLabels]int32
			t.rows2Start[i] = int32(len(t.rows2))
			for _, k := range t.keys {
				sl := m.table.lookup(k)
				if sl == nil {
					continue
				}
				if r := sl.rows[0]; r >= 0 {
					first.add(&e, r)
				}
				if r := sl.rows[1]; r >= 0 {
					t.rows2 = append(t.rows2, r)
				}
			}
			t.emit[i] = e
		}
		viterbi(&first.trans, &first.first, &first.last, t.emit[s.start:s.end], t.labels[0][s.start:s.end], t.back[s.start:s.end])
	}
	t.rows2Start[n] = int32(len(t.rows2))

	t.mem.build(d, t.labels[0])
	for _, s := range d.sents {
		for i := s.start; i < s.end; i++ {
			var e [numLabels]int32
			for _, r := range t.rows2[t.rows2Start[i]:t.rows2Start[i+1]] {
				second.add(&e, r)
			}
			t.keys = d.stage2Keys(i, s, t.labels[0], &t.mem, t.keys[:0])
			for _, k := range t.keys {
				if sl := m.table.lookup(k); sl != nil && sl.rows[1] >= 0 {
					second.add(&e, sl.rows[1])
				}
			}
			t.emit[i] = e
		}
		viterbi(&second.trans, &second.first, &second.last, t.emit[s.start:s.end], t.labels[1][s.start:s.end], t.back[s.start:s.end])
	}
}

func addRow[T int16 | int32](e *[numLabels]int32, row []T) {
	_ = row[numLabels-1]
	for l := range numLabels {
		e[l] += int32(row[l])
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// predecessors[b] are the labels that may precede b.
var predecessors = func() (p [numLabels][]label) {
	for b := range label(numLabels) {
		for a := range label(numLabels) {
			if allowed(a, b) {
				p[b] = append(p[b], a)
			}
		}
	}
	return p
}()

// viterbi writes to out the best valid BILOU sequence for emission scores
// emit under transition scores trans, first and last. Ties go to the
// lower label, so decoding is deterministic.
func viterbi(trans *[numLabels][numLabels]int32, first, last *[numLabels]int32, emit [][numLabels]int32, out []label, back [][numLabels]uint8) {
	n := len(emit)
	if n == 0 {
		return
	}
	const never = math.MinInt64 / 4
	var score, next [numLabels]int64
	for b := range label(numLabels) {
		score[b] = never
		if allowedFirst(b) {
			score[b] = int64(first[b]) + int64(emit[0][b])
		}
	}
	for i := 1; i < n; i++ {
		for b := range label(numLabels) {
			best, arg := int64(never), label(0)
			for _, a := range predecessors[b] {
				if s := score[a] + int64(trans[a][b]); s > best {
					best, arg = s, a
				}
			}
			next[b] = best + int64(emit[i][b])
			back[i][b] = uint8(arg)
		}
		score = next
	}
	best, arg := int64(never), labelO
	for b := range label(numLabels) {
		if allowedLast(b) {
			if s := score[b] + int64(last[b]); s > best {
				best, arg = s, b
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		out[i] = arg
		arg = label(back[i][arg])
	}
}

// Tag tags one tokenised sentence, returning IOB2 tags ("B-PER", "I-PER",
// "O", with types PER, ORG, LOC and MISC). Tokens may be raw token texts
// or CoNLL-2003 words. Tagging a sentence alone loses the document-wide
// evidence TagDocument uses.
func (m *Model) Tag(tokens []string) []string {
	return m.TagDocument([][]string{tokens})[0]
}

// TagDocument tags the tokenised sentences of one document, returning IOB2
// tags per sentence.
func (m *Model) TagDocument(sentences [][]string) [][]string {
	t := m.getTagger()
	defer m.putTagger(t)
	for _, s := range sentences {
		t.doc.addSentence(s)
	}
	t.doc.finish(m.gaz)
	m.run(t)
	out := make([][]string, len(sentences))
	flat := iob2Tags(t.labels[1], make([]string, 0, len(t.labels[1])))
	for i, s := range sentences {
		out[i], flat = flat[:len(s):len(s)], flat[len(s):]
	}
	return out
}

// Recognize finds the names in raw text: people, organisations, places and
// other names (nationalities, events, works), as byte-offset spans in
// order. Text that is not prose — style sheets, scripts, markup that
// slipped through cleaning — is skipped rather than tagged.
func (m *Model) Recognize(text string) []Span {
	toks := Tokenize(text)
	t := m.getTagger()
	defer m.putTagger(t)
	// kept are the tokens of the sentences tagged, in document order.
	kept := toks[:0:0]
	for _, s := range SplitSentences(text, toks) {
		if !prose(s) {
			continue
		}
		t.words = t.words[:0]
		for _, tok := range s {
			t.words = append(t.words, tok.Text)
		}
		t.doc.addSentence(t.words)
		kept = append(kept, s...)
	}
	if len(kept) == 0 {
		return nil
	}
	t.doc.finish(m.gaz)
	m.run(t)
	var spans []Span
	t.chunks = chunks(t.labels[1], t.chunks[:0])
	for _, c := range t.chunks {
		if !nameLike(kept[c.start:c.end]) {
			continue
		}
		start, end := kept[c.start].Start, kept[c.end-1].End
		spans = append(spans, Span{Start: start, End: end, Type: pipelineTypes[c.typ], Text: text[start:end]})
	}
	return spans
}

// prose reports whether a sentence is text rather than code: style sheets
// and scripts are dense with braces, semicolons and operators, which
// sentences are not.
func prose(s []Token) bool {
	code, words := 0, 0
	for _, t := range s {
		switch t.Text {
		case "{", "}", ";", "=", "<", ">", "|", "\\", "[", "]":
			code++
		default:
			if r, _ := utf8.DecodeRuneInString(t.Text); unicode.IsLetter(r) {
				words++
			}
		}
	}
	return code < 3 || code*8 < len(s) && words > 3*code
}

// nameLike reports whether tokens can be a name: words, with no handles,
// hashtags, addresses or code punctuation in them.
func nameLike(toks []Token) bool {
	letters := false
	for _, t := range toks {
		if strings.ContainsAny(t.Text, "{}<>=;|\\@#/_") || strings.Contains(t.Text, "://") {
			return false
		}
		for _, r := range t.Text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				letters = true
				break
			}
		}
	}
	return letters
}
