package ner

import (
	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

// The tagger labels tokens in BILOU: Begin, Inside and Last token of a
// multi-token name, Unit-length name, Outside. BILOU lets the model learn
// what first and last words of names look like separately, which IOB
// cannot, and is worth about a point of F1 on CoNLL-2003.
//
// label 0 is O; type t (0..3) has B=1+4t, I=2+4t, L=3+4t, U=4+4t.
type label uint8

const (
	numTypes  = 4
	numLabels = 1 + 4*numTypes
	labelO    = label(0)
)

// entityTypes are the CoNLL-2003 type names in label order.
var entityTypes = [numTypes]string{"PER", "ORG", "LOC", "MISC"}

var pipelineTypes = [numTypes]pipeline.EntityType{pipeline.Person, pipeline.Organization, pipeline.Location, pipeline.Misc}

type position uint8

const (
	posB position = iota
	posI
	posL
	posU
)

func makeLabel(typ int, pos position) label { return label(1 + 4*typ + int(pos)) }

func (l label) typ() int           { return (int(l) - 1) / 4 }
func (l label) position() position { return position((int(l) - 1) % 4) }

// allowed reports whether label b may follow label a.
func allowed(a, b label) bool {
	if a == labelO || a.position() == posL || a.position() == posU {
		return b == labelO || b.position() == posB || b.position() == posU
	}
	// Inside a name: continue it with I or L of the same type.
	return b != labelO && b.typ() == a.typ() && (b.position() == posI || b.position() == posL)
}

func allowedFirst(l label) bool { return l == labelO || l.position() == posB || l.position() == posU }
func allowedLast(l label) bool  { return l == labelO || l.position() == posL || l.position() == posU }

func typeIndex(name string) int {
	for i, t := range entityTypes {
		if t == name {
			return i
		}
	}
	switch name {
	case "PERSON":
		return 0
	case "LOCATION", "GPE":
		return 2
	}
	return -1
}

// labelsFromTags converts CoNLL tags (any scheme conll.Chunks reads) to
// BILOU labels. Unknown types are tagged O.
func labelsFromTags(tags []string, dst []label) []label {
	dst = append(dst[:0], make([]label, len(tags))...)
	for _, c := range conll.Chunks(tags) {
		t := typeIndex(c.Type)
		if t < 0 {
			continue
		}
		if c.End-c.Start == 1 {
			dst[c.Start] = makeLabel(t, posU)
			continue
		}
		dst[c.Start] = makeLabel(t, posB)
		for i := c.Start + 1; i < c.End-1; i++ {
			dst[i] = makeLabel(t, posI)
		}
		dst[c.End-1] = makeLabel(t, posL)
	}
	return dst
}

// chunk is one recognised name: tokens [start, end) of type typ.
type chunk struct {
	start, end int
	typ        int
}

// chunks decodes a valid BILOU label sequence.
func chunks(labels []label, dst []chunk) []chunk {
	start := -1
	for i, l := range labels {
		if l == labelO {
			start = -1
			continue
		}
		switch l.position() {
		case posU:
			dst = append(dst, chunk{i, i + 1, l.typ()})
			start = -1
		case posB:
			start = i
		case posL:
			if start >= 0 {
				dst = append(dst, chunk{start, i + 1, l.typ()})
			}
			start = -1
		}
	}
	return dst
}

// iob2Tags writes labels as IOB2 tags ("B-PER", "I-PER", "O").
func iob2Tags(labels []label, dst []string) []string {
	for _, l := range labels {
		switch {
		case l == labelO:
			dst = append(dst, "O")
		case l.position() == posB || l.position() == posU:
			dst = append(dst, bTags[l.typ()])
		default:
			dst = append(dst, iTags[l.typ()])
		}
	}
	return dst
}

var (
	bTags = [numTypes]string{"B-PER", "B-ORG", "B-LOC", "B-MISC"}
	iTags = [numTypes]string{"I-PER", "I-ORG", "I-LOC", "I-MISC"}
)
