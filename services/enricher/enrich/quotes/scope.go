package quotes

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"

	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// The attribution-scope model tells whether a word lies inside the content
// of an attribution: words the article credits to somebody ("X said …",
// "… according to X"). PolNeAR's gold rule for a quotation is exactly that
// (a quote-marked segment is an attributed quotation when at least half of
// it lies inside one attribution's content), so a segment's predicted
// coverage is the classifier's most direct evidence against scare quotes,
// terms and titles that nobody is credited with.
//
// It is a logistic model over hashed features of a word and its sentence:
// the word itself, the nearest cue word before and after (its word and
// distance, "that" between), "according to", the words around the
// quotation marks, the quotation's length and position, and the sentence's
// and paragraph's shape. ./gen fits it on every word of the PolNeAR
// development set (labels: the word lies inside an attribution's content
// span), cross-validated by document, and writes data/scope.json.
//
// A word inside a quotation is described through its quotation (the cue
// nearest the marks, not the word), so every word of a quotation shares
// most features; the segment's score is the mean over a few of its words.

// ScopeModel is the fitted attribution-scope model.
type ScopeModel struct {
	Bias    float64            `json:"bias"`
	Weights map[uint32]float32 `json:"weights"`
	// Source and figures of the fit, for the reader.
	Note map[string]any `json:"note,omitempty"`
}

//go:embed data/scope.json
var scopeJSON []byte

var scopeModel = mustScope(scopeJSON)

func mustScope(b []byte) *ScopeModel {
	var m ScopeModel
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Errorf("quotes: data/scope.json: %w", err))
	}
	return &m
}

// DefaultScope is the embedded scope model.
func DefaultScope() *ScopeModel { return scopeModel }

// Margin is the model's log-odds for features h.
func (m *ScopeModel) Margin(h []uint32) float64 {
	z := m.Bias
	for _, x := range h {
		z += float64(m.Weights[x])
	}
	return z
}

// Feature templates: the first byte hashed into every feature.
const (
	fBias       = 'A' + iota
	fWord       // the word, lower case
	fPrev       // the word before (outside a quotation)
	fNext       // the word after (outside a quotation)
	fCueL       // nearest cue word before
	fCueLDist   // its distance
	fCueR       // nearest cue word after
	fCueRDist   // its distance
	fCueBoth    // which sides have a cue
	fThat       // "that" between the cue before and the word
	fAccording  // "according to" in the sentence
	fOpenWord   // word before the opening mark
	fCloseWord  // word after the closing mark
	fLen        // the quotation's length in words
	fSentStart  // the quotation (or word) opens its sentence
	fSentEnd    // the quotation (or word) ends its sentence
	fParaQuote  // the paragraph opens with a quotation
	fParaShort  // the paragraph is short (a headline, a caption)
	fSentIndex  // the sentence's place in its paragraph
	fPrevCue    // the paragraph before ends with a reported-speech sentence
	fPrevQuote  // the paragraph before holds a quotation
	fFirstWord  // the sentence's first word
	fShape      // the quotation's capitalisation
	fCapBefore  // a capitalised word right before the cue before
	fOtherQuote // another quotation in the sentence
)

const fnvOffset, fnvPrime = 2166136261, 16777619

func hashFeat(tpl byte, quoted bool, s string) uint32 {
	h := uint32(fnvOffset)
	h = (h ^ uint32(tpl)) * fnvPrime
	if tpl != fBias && tpl != fWord && tpl != fLen && tpl != fShape {
		// the sentence's templates are shared by quoted and unquoted words
	} else if quoted {
		h = (h ^ 1) * fnvPrime
	} else {
		h = (h ^ 2) * fnvPrime
	}
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

// scopeDoc holds what the scope features read of a document: its
// quotations and the cue words outside them.
type scopeDoc struct {
	a    *attributor
	segs []segment
	// segOf[i] is the segment whose content (or marks) hold token i, or -1.
	segOf []int32
	// cue[i]: token i is a cue word outside any quotation.
	cue []bool
}

func newScopeDoc(a *attributor, segs []segment) *scopeDoc {
	d := a.d
	sd := &scopeDoc{a: a, segs: segs, segOf: make([]int32, len(d.Tokens)), cue: make([]bool, len(d.Tokens))}
	for i := range sd.segOf {
		sd.segOf[i] = -1
	}
	for si, s := range segs {
		from, to := s.open, s.close
		if from < 0 {
			from, _ = d.ParaTokens(s.para)
		}
		if to < 0 {
			_, to = d.ParaTokens(s.para)
			to--
		}
		for i := from; i <= to && i < len(d.Tokens); i++ {
			sd.segOf[i] = int32(si)
		}
	}
	for i, t := range d.Tokens {
		if t.Kind == tokens.Word && sd.segOf[i] < 0 && speechVerbs[a.word(i)] {
			sd.cue[i] = true
		}
	}
	return sd
}

func distBucket(n int) string {
	switch {
	case n <= 1:
		return "1"
	case n <= 3:
		return "2"
	case n <= 7:
		return "4"
	case n <= 15:
		return "8"
	}
	return "16"
}

// shared appends the features of the span [from, to] of tokens (a
// quotation with its marks, or one word) that do not depend on which of
// its words is scored.
func (sd *scopeDoc) shared(from, to int, seg int, dst []uint32) []uint32 {
	a, d := sd.a, sd.a.d
	q := seg >= 0
	dst = append(dst, hashFeat(fBias, q, ""))
	p := int(d.Tokens[from].Para)
	pFrom, pTo := d.ParaTokens(p)
	sFrom, _ := d.SentTokens(int(d.Tokens[from].Sent))
	_, sTo := d.SentTokens(int(d.Tokens[to].Sent))
	sFrom, sTo = max(sFrom, pFrom), min(sTo, pTo)
	// The right context runs into the next sentence when the span ends
	// its own: “… small?” Trump asked.
	rTo := sTo
	if to+1 >= sTo || to+2 == sTo && d.Tokens[to+1].Kind == tokens.Punct {
		if rTo < pTo {
			_, rTo = d.SentTokens(int(d.Tokens[rTo].Sent))
			rTo = min(rTo, pTo)
		}
	}
	// Nearest cues outside the span.
	cl, cr := -1, -1
	for i := from - 1; i >= sFrom; i-- {
		if sd.cue[i] {
			cl = i
			break
		}
	}
	for i := to + 1; i < rTo; i++ {
		if sd.cue[i] {
			cr = i
			break
		}
	}
	side := "-"
	if cl >= 0 {
		w := a.word(cl)
		dst = append(dst, hashFeat(fCueL, q, w), hashFeat(fCueLDist, q, distBucket(from-cl)))
		for i := cl + 1; i < from; i++ {
			if d.Tokens[i].Kind == tokens.Word && a.word(i) == "that" {
				dst = append(dst, hashFeat(fThat, q, ""))
				break
			}
		}
		if cl > sFrom && d.Tokens[cl-1].Cap {
			dst = append(dst, hashFeat(fCapBefore, q, ""))
		}
		side = "l"
	}
	if cr >= 0 {
		dst = append(dst, hashFeat(fCueR, q, a.word(cr)), hashFeat(fCueRDist, q, distBucket(cr-to)))
		side += "r"
	}
	dst = append(dst, hashFeat(fCueBoth, q, side))
	for i := sFrom; i+1 < rTo; i++ {
		if d.Tokens[i].Kind == tokens.Word && (i < from || i > to) && a.word(i) == "according" && a.word(i+1) == "to" {
			s := "r"
			if i < from {
				s = "l"
			}
			dst = append(dst, hashFeat(fAccording, q, s))
			break
		}
	}
	if from > pFrom {
		dst = append(dst, hashFeat(fOpenWord, q, a.word(from-1)))
	} else {
		dst = append(dst, hashFeat(fOpenWord, q, "^"))
	}
	if to+1 < pTo {
		dst = append(dst, hashFeat(fCloseWord, q, a.word(to+1)))
	} else {
		dst = append(dst, hashFeat(fCloseWord, q, "$"))
	}
	dst = append(dst, hashFeat(fSentStart, q, boolStr(from <= sFrom)),
		hashFeat(fSentEnd, q, boolStr(to+1 >= sTo || to+2 == sTo && d.Tokens[to+1].Kind == tokens.Punct)))
	dst = append(dst, hashFeat(fParaQuote, q, boolStr(sd.segOf[pFrom] >= 0)),
		hashFeat(fParaShort, q, boolStr(pTo-pFrom <= 20)))
	si := int(d.Tokens[from].Sent) - int(d.Tokens[pFrom].Sent)
	dst = append(dst, hashFeat(fSentIndex, q, distBucket(si)))
	if p > 0 {
		ppFrom, ppTo := d.ParaTokens(p - 1)
		lastFrom, _ := d.SentTokens(int(d.Tokens[max(ppTo-1, ppFrom)].Sent))
		cue, quote := false, false
		for i := max(lastFrom, ppFrom); i < ppTo; i++ {
			cue = cue || sd.cue[i]
		}
		for i := ppFrom; i < ppTo; i++ {
			if sd.segOf[i] >= 0 {
				quote = true
				break
			}
		}
		dst = append(dst, hashFeat(fPrevCue, q, boolStr(cue)), hashFeat(fPrevQuote, q, boolStr(quote)))
	}
	for i := sFrom; i < sTo; i++ {
		if d.Tokens[i].Kind == tokens.Word {
			dst = append(dst, hashFeat(fFirstWord, q, a.word(i)))
			break
		}
	}
	other := false
	for i := sFrom; i < rTo; i++ {
		if s := sd.segOf[i]; s >= 0 && int(s) != seg {
			other = true
			break
		}
	}
	dst = append(dst, hashFeat(fOtherQuote, q, boolStr(other)))
	if q {
		s := &sd.segs[seg]
		words, caps := 0, 0
		firstCap := false
		for i := d.TokenAt(s.start); i < len(d.Tokens) && d.Tokens[i].Start < s.end; i++ {
			if t := d.Tokens[i]; t.Kind == tokens.Word || t.Kind == tokens.Number {
				if words == 0 {
					firstCap = t.Cap
				}
				words++
				if t.Cap {
					caps++
				}
			}
		}
		dst = append(dst, hashFeat(fLen, q, distBucket(words)))
		shape := "lower"
		switch {
		case words > 0 && caps == words:
			shape = "title"
		case firstCap:
			shape = "first"
		}
		dst = append(dst, hashFeat(fShape, q, shape+distBucket(words)))
	}
	return dst
}

// own appends the features of word token i itself.
func (sd *scopeDoc) own(i int, quoted bool, dst []uint32) []uint32 {
	a, d := sd.a, sd.a.d
	dst = append(dst, hashFeat(fWord, quoted, a.word(i)))
	if !quoted {
		p := d.Tokens[i].Para
		if i > 0 && d.Tokens[i-1].Para == p {
			dst = append(dst, hashFeat(fPrev, false, a.word(i-1)))
		}
		if i+1 < len(d.Tokens) && d.Tokens[i+1].Para == p {
			dst = append(dst, hashFeat(fNext, false, a.word(i+1)))
		}
	}
	return dst
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// segRange is the token range of segment si with its marks.
func (sd *scopeDoc) segRange(si int) (from, to int) {
	d, s := sd.a.d, &sd.segs[si]
	from, to = s.open, s.close
	if from < 0 {
		from, _ = d.ParaTokens(s.para)
	}
	if to < 0 {
		_, to = d.ParaTokens(s.para)
		to--
	}
	return from, to
}

// scopeSample is how many words of a quotation are scored.
const scopeSample = 5

// segmentScope is the model's mean log-odds that the words of segment si
// lie inside an attribution's content, and the lowest of them.
func (sd *scopeDoc) segmentScope(m *ScopeModel, si int) (mean, low float64) {
	d, s := sd.a.d, &sd.segs[si]
	from, to := sd.segRange(si)
	var buf [48]uint32
	base := m.Margin(sd.shared(from, to, si, buf[:0]))
	var ws []int
	var wbuf [64]int
	ws = wbuf[:0]
	for i := d.TokenAt(s.start); i < len(d.Tokens) && d.Tokens[i].Start < s.end; i++ {
		if k := d.Tokens[i].Kind; k == tokens.Word || k == tokens.Number {
			if len(ws) == cap(wbuf) {
				break
			}
			ws = append(ws, i)
		}
	}
	if len(ws) == 0 {
		return base, base
	}
	step := max(1, len(ws)/scopeSample)
	n := 0
	low = math.Inf(1)
	for k := 0; k < len(ws) && n < scopeSample; k += step {
		z := base + m.Margin(sd.own(ws[k], true, buf[:0])) - m.Bias
		mean += z
		low = min(low, z)
		n++
	}
	return mean / float64(n), low
}

// ScopeExample is one word of a document with its scope features: what
// ./gen fits the scope model on.
type ScopeExample struct {
	Start, End int // byte range of the word
	Features   []uint32
}

// ScopeExamples returns every word and number of d with its scope
// features.
func ScopeExamples(d *tokens.Doc) []ScopeExample {
	a := newAttributor(d, nil)
	sd := newScopeDoc(a, findSegments(d))
	var out []ScopeExample
	segFeat := map[int32][]uint32{}
	for i, t := range d.Tokens {
		if t.Kind != tokens.Word && t.Kind != tokens.Number {
			continue
		}
		var f []uint32
		if si := sd.segOf[i]; si >= 0 {
			sh, ok := segFeat[si]
			if !ok {
				from, to := sd.segRange(int(si))
				sh = sd.shared(from, to, int(si), nil)
				segFeat[si] = sh
			}
			f = sd.own(i, true, append([]uint32(nil), sh...))
		} else {
			f = sd.own(i, false, sd.shared(i, i, -1, nil))
		}
		out = append(out, ScopeExample{Start: t.Start, End: t.End, Features: f})
	}
	return out
}
