package extract

import (
	"golang.org/x/net/html/atom"

	"github.com/newsflow/newsflow/services/cleaner/furniture"
)

// Finding the article is two decisions.
//
// First the container. Every block is prose (sentence punctuation, a few
// words, not mostly links) or not; prose counts as the article's mass P,
// link text and text that is not prose as junk J. An element's score is
// P²/(P+J): the prose it holds, discounted by the share of its text that
// is junk. Page furniture — an element whose class, id, role or tag says
// comments, sharing, related links, navigation, ... — is scored like any
// element, so a mislabelled article body can still win, but passes its
// whole text to its ancestors as junk: a container holding the article
// and the comments scores below the article alone. The container is the
// best-scoring element outside furniture, or the page's named body
// container ("article-body", itemprop=articleBody) when that scores close
// to it; it is then widened to sibling sections and lists that continue
// the article.
//
// Then the blocks: inside the container, a block is kept unless it sits
// in furniture or article furniture (bylines, captions, tags), heads or
// sits in a section headed as furniture ("Most popular"), is mostly
// links, or reads as boilerplate by itself (package furniture).

// blockMass is what a block adds to its container's prose and junk.
func blockMass(bl *block) (prose, junk float32) {
	if isProse(bl) {
		return float32(bl.runes - bl.linkRunes + 5*min(bl.punct, 10)), float32(bl.linkRunes)
	}
	return 0, float32(bl.runes) + blockCost
}

func isProse(bl *block) bool {
	return bl.punct > 0 && (bl.words >= 6 || bl.runes >= 40) && bl.linkRunes*10 <= bl.runes*6
}

// analysis holds the per-element figures both decisions use.
type analysis struct {
	d *document
	// score is the container score of each element.
	score []float32
	// furniture says an element is page furniture, after demoting weak
	// signals on elements full of prose.
	furniture []bool
	// prose and junk are each element's prose mass and junk (see analyse).
	prose, junk []float32
	// runes and links are each element's text and link text, in runes.
	runes, links []int32
}

// Thresholds for demoting a weak furniture signal: an element holding
// this much prose, with this little of its text in links, is content.
const (
	demoteProse       = 400
	demoteLinkDensity = 0.3
)

func analyse(d *document) *analysis {
	unflagWrappers(d)
	n := len(d.elems)
	a := &analysis{d: d, score: make([]float32, n), furniture: make([]bool, n)}

	// Bottom-up sums of text, link text and prose per element.
	runes := make([]int32, n)
	links := make([]int32, n)
	a.runes, a.links = runes, links
	prose := make([]int32, n)
	for i := range d.blocks {
		bl := &d.blocks[i]
		runes[bl.owner] += bl.runes
		links[bl.owner] += bl.linkRunes
		if isProse(bl) {
			prose[bl.owner] += bl.runes - bl.linkRunes
		}
	}
	for i := n - 1; i > 0; i-- {
		p := d.elems[i].parent
		runes[p] += runes[i]
		links[p] += links[i]
		prose[p] += prose[i]
	}
	for i := 1; i < n; i++ {
		e := &d.elems[i]
		if e.sig&sigMeta != 0 && prose[i] >= 2*demoteProse && 2*prose[i] >= prose[0] {
			// Most of the page's prose is not a byline or a caption.
			e.sig &^= sigMeta
		}
		switch {
		case e.sig&sigStrong != 0 || e.kind&kFurniture != 0:
			a.furniture[i] = true
		case e.sig&sigBoiler != 0:
			a.furniture[i] = !(prose[i] >= demoteProse && float32(links[i]) <= demoteLinkDensity*float32(runes[i]))
		}
	}

	// Container score P²/(P+J): junk scales with prose, so a long
	// article tolerates a box of links that would sink a short one, and
	// adding a sidebar to the article always lowers the score.
	pm := make([]float32, n)
	jm := make([]float32, n)
	a.prose, a.junk = pm, jm
	for i := range d.blocks {
		bl := &d.blocks[i]
		bp, bj := blockMass(bl)
		pm[bl.owner] += bp
		jm[bl.owner] += bj
	}
	s := a.score
	for i := n - 1; i > 0; i-- {
		e := &d.elems[i]
		if pm[i] > 0 {
			s[i] = pm[i] * pm[i] / (pm[i] + jm[i])
		}
		p := e.parent
		switch {
		case a.furniture[i]:
			jm[p] += pm[i] + jm[i]
		case isArticleFurniture(e):
			jm[p] += jm[i]
		default:
			pm[p] += pm[i]
			jm[p] += jm[i]
		}
	}
	return a
}

// blockCost is the junk every non-prose block adds: many tiny blocks
// (menus, tag clouds) are more junk than their few characters say.
const blockCost = 10

// isArticleFurniture: bylines, captions, tags, the headline — inside the
// article but not its body.
func isArticleFurniture(e *elem) bool {
	return e.sig&(sigMeta|sigHidden) != 0 || e.tag == atom.Figcaption || e.tag == atom.H1
}

// unflagWrappers clears the weak furniture signal of every element
// holding a body container: "page has-sidebar" on a wrapper of the
// article names a layout, not furniture. Strong signals stay: a "content"
// element inside a cookie dialog is the dialog's. <html>, <body> and
// <main> are never furniture.
func unflagWrappers(d *document) {
	for i := range d.elems {
		e := &d.elems[i]
		switch e.tag {
		case atom.Body, atom.Html, atom.Main:
			// Page-level classes ("single-author", "has-sidebar")
			// describe the page, not the element.
			e.sig &^= sigBoiler | sigMeta
		case atom.Article:
			// "author-jdoe", "has-date" on an <article> describe the
			// article.
			e.sig &^= sigMeta
		case atom.Blockquote:
			// A quotation is text, whatever embeds it ("twitter-tweet").
			e.sig &^= sigBoiler
		}
		if e.sig&sigContent == 0 {
			continue
		}
		for p := e.parent; p > 0 && d.elems[p].sig&sigStrong == 0; p = d.elems[p].parent {
			d.elems[p].sig &^= sigBoiler
		}
	}
}

// root returns the container of the article. It is the element with the
// highest score outside page and article furniture (on a tie the later
// one, which in document order is the descendant: the tightest
// container) — unless the page names a body container (sigContent) that
// scores at least hintTrust of that: then it is that container, or a
// part of it scoring clearly better (a "main-content" wrapper holding a
// sidebar). Only when nothing outside furniture scores above zero may
// the root be inside furniture.
func (a *analysis) root() int32 {
	d, s := a.d, a.score
	inFurniture := make([]bool, len(d.elems))
	best, bestAny, hint := int32(0), int32(0), int32(-1)
	for i := 1; i < len(d.elems); i++ {
		e := &d.elems[i]
		inFurniture[i] = inFurniture[e.parent] || a.furniture[i] || isArticleFurniture(e)
		if e.firstBlock == e.endBlock {
			continue
		}
		if s[i] >= s[bestAny] {
			bestAny = int32(i)
		}
		if inFurniture[i] {
			continue
		}
		if s[i] >= s[best] {
			best = int32(i)
		}
		if e.sig&sigContent != 0 && (hint < 0 || s[i] > s[hint]) {
			hint = int32(i)
		}
	}
	if s[bestAny] <= 0 {
		// No prose anywhere: a page of links or labels. The named body
		// container if there is one, else the whole page.
		if hint >= 0 {
			return hint
		}
		return noProseRoot(d)
	}
	if s[best] <= 0 || s[best]*furnitureDominance < s[bestAny] {
		// The page is all furniture, or its furniture outweighs
		// everything else many times over (a forum thread is all
		// "replies"): then the furniture is the content.
		return bestAny
	}
	if hint < 0 || s[hint] < hintTrust*s[best] {
		return best
	}
	root := hint
	for i := hint + 1; i < d.elems[hint].endElem; i++ {
		// A part must hold most of the container's prose, too: the
		// article in a wrapper, not a stray heading in a table of data.
		if !inFurniture[i] && s[i] > hintMargin*s[hint] && s[i] > s[root] && 2*a.prose[i] >= a.prose[hint] {
			root = i
		}
	}
	return root
}

// noProseRoot picks the container of a page without prose: <body>, or
// the root element.
func noProseRoot(d *document) int32 {
	for i := range d.elems {
		if d.elems[i].tag == atom.Body {
			return int32(i)
		}
	}
	return 0
}

// furnitureDominance is how many times better than anything else the
// best furniture must score to be taken for the content.
const furnitureDominance = 10

// hintTrust is how well a named body container must score, relative to
// the best container, to be believed; hintMargin how much better a part
// of it must score to be preferred to it.
const (
	hintTrust  = 0.4
	hintMargin = 1.25
)

// roots widens the container to the article's full extent: up through
// ancestors that add no text, then across to siblings that read as more
// of the article (an article split into several sections or columns).
// The result is in document order.
func (a *analysis) roots(root int32) []int32 {
	d := a.d
	if a.furniture[root] {
		return []int32{root} // furniture taken for content stands alone
	}
	for root > 0 {
		p := d.elems[root].parent
		if p <= 0 || d.elems[p].firstBlock != d.elems[root].firstBlock || d.elems[p].endBlock != d.elems[root].endBlock {
			break
		}
		root = p
	}
	parent := d.elems[root].parent
	if parent < 0 {
		return []int32{root}
	}
	var out []int32
	threshold := siblingShare * a.score[root]
	for i := parent + 1; i < d.elems[parent].endElem; i = d.elems[i].endElem {
		e := &d.elems[i]
		if i == root {
			out = append(out, i)
			continue
		}
		if a.furniture[i] || isArticleFurniture(e) {
			continue
		}
		dense := a.prose[i] >= siblingDensity*(a.prose[i]+a.junk[i])
		if dense && (a.score[i] >= threshold || e.sig&sigContent != 0) {
			out = append(out, i)
			continue
		}
		// Lists and tables of the article (a recipe's ingredients, a
		// table of results): plenty of text, hardly any of it links, and
		// not prose — a summary in bullet points is not the body.
		if a.runes[i] >= siblingText && a.links[i]*siblingLinks <= a.runes[i] && 2*a.prose[i] < float32(a.runes[i]) {
			out = append(out, i)
		}
	}
	return out
}

// A sibling of the container joins it when its text is mostly prose and
// it scores at least siblingShare of the container (or is named a body
// container).
const (
	siblingShare   = 0.15
	siblingDensity = 0.7
	// siblingText and siblingLinks admit a sibling without prose: at
	// least this many characters, at most 1/siblingLinks of them links.
	siblingText  = 40
	siblingLinks = 5
)

// selectBlocks returns the indices of the blocks of the article under
// the given roots, in document order.
func (a *analysis) selectBlocks(roots []int32) []int32 {
	var out []int32
	for _, r := range roots {
		out = a.selectUnder(r, out, true)
	}
	if len(out) == 0 {
		// A page whose article is a list of links (a link roll, a
		// table of contents) is still that list.
		for _, r := range roots {
			out = a.selectUnder(r, out, false)
		}
	}
	return out
}

// furnitureSection reports, for block i, the end of the section it heads
// when it is a heading that names page furniture ("Related articles",
// "Самые популярные диеты") and the section it heads is a small part of
// the container; else 0.
func (a *analysis) furnitureSection(root, i int32) int32 {
	d := a.d
	bl := &d.blocks[i]
	h := &d.elems[bl.owner]
	if h.kind&kHeading == 0 || bl.words > 8 {
		return 0
	}
	sec := h.parent
	if sec <= root || d.elems[sec].firstBlock != i || 10*a.prose[sec] > 3*a.prose[root] {
		return 0
	}
	switch furniture.Classify(string(d.text[bl.start:bl.end]), furniture.InArticle) {
	case furniture.CrossLink, furniture.Label:
		return d.elems[sec].endBlock
	}
	return 0
}

// selectUnder appends the article blocks under root to out; dropLinks
// drops blocks that are mostly links.
func (a *analysis) selectUnder(root int32, out []int32, dropLinks bool) []int32 {
	d := a.d
	r := &d.elems[root]
	// excluded[i-root] says element i is furniture or inside furniture
	// below the root.
	excluded := make([]bool, r.endElem-root)
	for i := root + 1; i < r.endElem; i++ {
		e := &d.elems[i]
		excluded[i-root] = excluded[e.parent-root] || a.furniture[i] || isArticleFurniture(e)
	}
	for i := r.firstBlock; i < r.endBlock; i++ {
		bl := &d.blocks[i]
		if bl.owner > root && excluded[bl.owner-root] {
			continue
		}
		if end := a.furnitureSection(root, i); end > i {
			// A section headed "Most popular", "Related articles": the
			// heading says what follows it is a cross-link list.
			i = end - 1
			continue
		}
		if dropLinks && bl.linkRunes*2 > bl.runes && !(bl.punct >= 2 && bl.words >= 10 && bl.linkRunes*10 <= bl.runes*8) {
			// Mostly links and not sentences: navigation.
			continue
		}
		text := string(d.text[bl.start:bl.end])
		if furniture.Classify(text, furniture.InArticle) != furniture.Text {
			continue
		}
		if rest := furniture.StripLead(text); len(rest) < len(text) {
			bl.start = bl.end - int32(len(rest))
		}
		out = append(out, i)
	}
	return out
}
