package extract

import (
	"golang.org/x/net/html/atom"
)

// Finding the article is two decisions.
//
// First the container: every block gets a weight — its own text counts
// for it, link text and the fixed cost of a block count against it — and
// every element sums the weights of the blocks inside it. Page furniture
// (an element whose class, id, role or tag says comments, sharing,
// related links, navigation, ...) is scored like any element, so a
// mislabelled article body can still win, but it passes its text to its
// ancestors as a penalty: a container holding the article and the
// comments scores below the article alone. The container is the element
// with the highest sum.
//
// Then the blocks: inside the container, a block is kept unless it sits
// in furniture or article furniture (bylines, captions, tags), or reads
// as boilerplate by itself (mostly links; "Advertisement").

// blockWeight is a block's evidence for the container holding it.
// Prose — a block with sentence punctuation and several words — counts
// its text and is not penalised for links inside it (citations are links
// too); anything else pays for every link character twice and for being
// a block at all, which makes menus, link lists and labels negative.
func blockWeight(bl *block) float32 {
	n := float32(bl.runes)
	l := float32(bl.linkRunes)
	text := n - l
	if isProse(bl) {
		return text - 10 + 5*float32(min(bl.punct, 10))
	}
	return text - 2*l - 25
}

func isProse(bl *block) bool {
	return bl.punct > 0 && (bl.words >= 6 || bl.runes >= 40) && bl.linkRunes*10 <= bl.runes*6
}

// scoreElems returns each element's container score.
func scoreElems(d *document) []float32 {
	s := make([]float32, len(d.elems))
	for i := range d.blocks {
		s[d.blocks[i].owner] += blockWeight(&d.blocks[i])
	}
	for i := len(d.elems) - 1; i > 0; i-- {
		e := &d.elems[i]
		if e.sig&sigContent != 0 && s[i] > 0 {
			// A body container by name: trust it over its ancestors.
			s[i] *= 1.5
		}
		c := s[i]
		switch {
		case isFurniture(e):
			if c > 0 {
				c = -c / 2
			}
		case e.sig&(sigMeta|sigHidden) != 0 || e.tag == atom.Figcaption || e.tag == atom.H1:
			c = min(c, 0)
		}
		s[e.parent] += c
	}
	return s
}

// unflagWrappers clears the furniture signal of every element holding a
// body container: "page has-sidebar" on a wrapper of the article names a
// layout, not furniture. The root and <body> are never furniture.
func unflagWrappers(d *document) {
	for i := range d.elems {
		e := &d.elems[i]
		if e.tag == atom.Body || e.tag == atom.Html || e.tag == atom.Main {
			e.sig &^= sigBoiler
		}
		if e.sig&sigContent == 0 {
			continue
		}
		for p := e.parent; p > 0; p = d.elems[p].parent {
			d.elems[p].sig &^= sigBoiler
			d.elems[p].kind &^= kFurniture
		}
	}
}

func isFurniture(e *elem) bool {
	return e.sig&sigBoiler != 0 || e.kind&kFurniture != 0
}

// pickRoot returns the element with the highest score outside page
// furniture; on a tie the later one, which in document order is the
// descendant: the tightest container. Only when nothing outside furniture
// scores above zero may the root be inside it.
func pickRoot(d *document, s []float32) int32 {
	inFurniture := make([]bool, len(d.elems))
	best, bestAny := int32(0), int32(0)
	for i := 1; i < len(d.elems); i++ {
		e := &d.elems[i]
		inFurniture[i] = inFurniture[e.parent] || isFurniture(e)
		if e.firstBlock == e.endBlock {
			continue
		}
		if s[i] >= s[bestAny] {
			bestAny = int32(i)
		}
		if !inFurniture[i] && s[i] >= s[best] {
			best = int32(i)
		}
	}
	if s[best] <= 0 {
		return bestAny
	}
	return best
}

// selectBlocks returns the indices of the blocks of the article under root.
func selectBlocks(d *document, root int32) []int32 {
	r := &d.elems[root]
	// excluded[i-root] says element i is furniture or inside furniture
	// below the root.
	excluded := make([]bool, r.endElem-root)
	for i := root + 1; i < r.endElem; i++ {
		e := &d.elems[i]
		ex := excluded[e.parent-root] || isFurniture(e) || e.sig&(sigMeta|sigHidden) != 0 ||
			e.tag == atom.Figcaption || e.tag == atom.H1
		excluded[i-root] = ex
	}
	var out []int32
	for i := r.firstBlock; i < r.endBlock; i++ {
		bl := &d.blocks[i]
		if bl.owner > root && excluded[bl.owner-root] {
			continue
		}
		if bl.linkRunes*2 > bl.runes {
			continue
		}
		out = append(out, i)
	}
	return out
}
