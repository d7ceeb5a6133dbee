package extract

import (
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The builder turns the token stream into a compact tree of elements and
// a flat list of text blocks in one pass: no DOM of nodes, attributes and
// text strings is ever built. An element is what scoring needs (tag,
// parent, class signals, its span of the text); a block is a run of
// inline text between two block-level boundaries, with the counts the
// scorer weighs.

// elem is one element of the page.
type elem struct {
	tag    atom.Atom
	kind   uint16
	parent int32
	// sig is the union of the class/id/role signals of this element.
	sig uint32
	// textStart and textEnd delimit the element's text in document.text.
	textStart, textEnd int32
	// firstBlock and endBlock delimit its blocks in document.blocks.
	firstBlock, endBlock int32
	// endElem is one past its last descendant in document.elems.
	endElem int32
}

// block is a paragraph-like run of text.
type block struct {
	// owner is the nearest block-level element containing the text.
	owner      int32
	start, end int32 // in document.text
	runes      int32 // non-space characters
	linkRunes  int32 // of which inside <a href>
	words      int32
	punct      int32 // sentence punctuation: . , ; : ! ? and CJK equivalents
}

// document is a parsed page.
type document struct {
	elems  []elem
	blocks []block
	// text holds every block's text, blocks separated by '\n'.
	text []byte
	meta rawMeta
	// names holds each element's class and id, for Explain only.
	names []string
}

// frame is an open element on the builder's stack.
type frame struct {
	tag   atom.Atom
	kind  uint16
	state uint8
	elem  int32 // index in document.elems
	owner int32 // nearest block-level element, for the text inside
}

// Inherited state of a frame.
const (
	stSkip    uint8 = 1 << iota // text is not article text
	stLink                      // inside <a href>
	stPre                       // inside <pre>: keep line breaks
	stForeign                   // inside <svg> or <math>: XML rules
	stHead                      // inside <head>
)

// maxDepth caps the element stack. Deeper elements are flattened into
// their ancestor at the cap, so hostile nesting costs linear time.
const maxDepth = 512

type builder struct {
	z     *html.Tokenizer
	d     *document
	stack []frame
	// The block being filled.
	cur      block
	pending  bool // whitespace seen since the last character
	wordOpen bool
	debug    bool
	deadline time.Time
	// openP and openA count the open <p> and <a> elements.
	openP, openA int
}

// parse builds the document for a UTF-8 page. It stops with ErrBudget
// once past deadline (unless deadline is zero).
func parse(page string, deadline time.Time) (*document, error) {
	return parseDebug(page, deadline, false)
}

// parseDebug is parse, keeping element names for Explain when debug is set.
func parseDebug(page string, deadline time.Time, debug bool) (*document, error) {
	return build(prefilter(page), deadline, debug)
}

// build is parse without the prefilter.
func build(page string, deadline time.Time, debug bool) (*document, error) {
	d := &document{
		elems:  make([]elem, 0, 1024),
		blocks: make([]block, 0, 256),
		text:   make([]byte, 0, len(page)/4),
		meta:   rawMeta{jsonLDOpen: -1},
	}
	b := &builder{
		z:        html.NewTokenizer(strings.NewReader(page)),
		d:        d,
		stack:    make([]frame, 0, 64),
		debug:    debug,
		deadline: deadline,
	}
	// A root element, so every real element has a parent.
	d.elems = append(d.elems, elem{tag: 0, kind: kBlock | kScope, parent: -1})
	b.stack = append(b.stack, frame{kind: kBlock | kScope, elem: 0, owner: 0})
	b.startBlock()
	if err := b.run(); err != nil {
		return nil, err
	}
	b.flush()
	for len(b.stack) > 1 {
		b.pop()
	}
	d.elems[0].textEnd = int32(len(d.text))
	d.elems[0].endBlock = int32(len(d.blocks))
	d.elems[0].endElem = int32(len(d.elems))
	return d, nil
}

// budgetCheckEvery is how many tokens pass between deadline checks.
const budgetCheckEvery = 512

func (b *builder) run() error {
	z := b.z
	for n := 1; ; n++ {
		if n%budgetCheckEvery == 0 && !b.deadline.IsZero() && time.Now().After(b.deadline) {
			return ErrBudget
		}
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.TextToken:
			b.textToken()
		case html.StartTagToken:
			if b.start(z.Raw(), false) == atom.Noscript {
				z.NextIsNotRawText()
			}
		case html.SelfClosingTagToken:
			b.start(z.Raw(), true)
		case html.EndTagToken:
			b.end(z.Raw())
		}
	}
}

// tagAtom reads the lower-cased tag name of a raw tag ("<DIV ...", "</p>").
func tagAtom(raw []byte) atom.Atom {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	var buf [16]byte
	n := 0
	for ; i < len(raw); i++ {
		c := raw[i]
		if isSpaceByte(c) || c == '/' || c == '>' {
			break
		}
		if n == len(buf) {
			return 0 // longer than any standard tag
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return atom.Lookup(buf[:n])
}

func (b *builder) top() *frame { return &b.stack[len(b.stack)-1] }

// start opens an element and returns its atom.
func (b *builder) start(raw []byte, selfClosing bool) atom.Atom {
	a := tagAtom(raw)
	kind := tagKind(a)
	t := b.top()

	if t.state&stHead != 0 && !inHead(a) {
		// Body content in the head: HTML closes the head here.
		b.popTo(atom.Head)
		t = b.top()
	}
	if a == atom.Body || a == atom.Html {
		// Repeated or late <body>/<html>: attributes aside, nothing to do.
		if b.has(atom.Body) || (a == atom.Html && len(b.stack) > 1) {
			return a
		}
		b.popTo(atom.Head)
		t = b.top()
	}
	if t.state&stForeign == 0 {
		b.closeImplied(a, kind)
		t = b.top()
	}

	// Attributes: class signals, visibility, and what metadata needs.
	var at attrInfo
	if hasAttrs(raw) {
		at = b.attrs(a, raw)
	}

	if kind&kVoid != 0 || (selfClosing && t.state&stForeign != 0) {
		b.d.meta.noteVoid(a, &at)
		if kind&kBlock != 0 {
			b.flush()
			b.startBlock()
		}
		return a
	}
	if len(b.stack) >= maxDepth {
		return a
	}
	if kind&kBlock != 0 {
		b.flush()
	}
	state := t.state &^ stHead
	if t.state&stHead != 0 && a != 0 {
		state |= stHead
	}
	switch {
	case kind&kSkip != 0 || at.hidden:
		state |= stSkip
	case a == atom.A && at.href:
		state |= stLink
	case a == atom.Pre || a == atom.Listing:
		state |= stPre
	}
	if a == atom.Svg || a == atom.Math {
		state |= stForeign
	}
	if a == atom.Head {
		state |= stHead
	}
	idx := int32(len(b.d.elems))
	b.d.elems = append(b.d.elems, elem{
		tag: a, kind: kind, parent: t.elem, sig: at.sig,
		textStart: int32(len(b.d.text)), firstBlock: int32(len(b.d.blocks)),
	})
	owner := t.owner
	if kind&kBlock != 0 {
		owner = idx
	}
	b.stack = append(b.stack, frame{tag: a, kind: kind, state: state, elem: idx, owner: owner})
	b.count(a, 1)
	if kind&kBlock != 0 {
		b.startBlock()
	}
	b.d.meta.noteElem(idx, a, &at)
	if b.debug {
		for len(b.d.names) < int(idx) {
			b.d.names = append(b.d.names, "")
		}
		b.d.names = append(b.d.names, at.debugName)
	}
	return a
}

// inHead lists what may stay in <head> without closing it.
func inHead(a atom.Atom) bool {
	switch a {
	case atom.Title, atom.Meta, atom.Link, atom.Script, atom.Style, atom.Noscript,
		atom.Base, atom.Template:
		return true
	}
	return false
}

func hasAttrs[S ~string | ~[]byte](raw S) bool {
	for i := 1; i < len(raw); i++ {
		if isSpaceByte(raw[i]) {
			return true
		}
		if raw[i] == '>' {
			return false
		}
	}
	return false
}

// closeImplied applies the end tags HTML implies before a start tag.
func (b *builder) closeImplied(a atom.Atom, kind uint16) {
	switch {
	case kind&kListItem != 0:
		// A list item closes the open one of its list (li) or of its
		// definition list (dt, dd), and an open <p>.
		for i := len(b.stack) - 1; i > 0; i-- {
			f := b.stack[i].tag
			if (a == atom.Li && f == atom.Li) || (a != atom.Li && (f == atom.Dt || f == atom.Dd)) {
				b.popTo(f)
				break
			}
			if b.stack[i].kind&kSpecial != 0 && f != atom.Address && f != atom.Div && f != atom.P {
				break
			}
		}
	case kind&kCell != 0:
		b.popToWithin(func(t atom.Atom) bool { return t == atom.Td || t == atom.Th },
			func(t atom.Atom) bool { return t == atom.Tr || t == atom.Table })
	case a == atom.Tr:
		b.popToWithin(func(t atom.Atom) bool { return t == atom.Tr },
			func(t atom.Atom) bool {
				return t == atom.Table || t == atom.Tbody || t == atom.Thead || t == atom.Tfoot
			})
	case a == atom.Tbody || a == atom.Thead || a == atom.Tfoot:
		b.popToWithin(func(t atom.Atom) bool { return t == atom.Tbody || t == atom.Thead || t == atom.Tfoot },
			func(t atom.Atom) bool { return t == atom.Table })
	case a == atom.A && b.openA > 0:
		b.popToWithin(func(t atom.Atom) bool { return t == atom.A },
			func(t atom.Atom) bool { return t == atom.Td || t == atom.Th || t == atom.Table || t == atom.Body })
	}
	if kind&kHeading != 0 && b.top().kind&kHeading != 0 {
		b.pop()
	}
	if kind&kClosesP != 0 && b.openP > 0 {
		b.popToWithin(func(t atom.Atom) bool { return t == atom.P },
			func(t atom.Atom) bool { return false })
	}
}

// count keeps the number of open <p> and <a> elements, so that the
// start tags that would close one (most of them) search the stack only
// when there is one to close.
func (b *builder) count(a atom.Atom, d int) {
	switch a {
	case atom.P:
		b.openP += d
	case atom.A:
		b.openA += d
	}
}

// popToWithin pops up to and including the nearest open element that is
// target, unless a scope boundary or a stop element comes first.
func (b *builder) popToWithin(target, stop func(atom.Atom) bool) {
	for i := len(b.stack) - 1; i > 0; i-- {
		f := &b.stack[i]
		if target(f.tag) {
			for len(b.stack) > i {
				b.pop()
			}
			return
		}
		if stop(f.tag) || f.kind&kScope != 0 {
			return
		}
	}
}

func (b *builder) has(a atom.Atom) bool {
	for i := len(b.stack) - 1; i > 0; i-- {
		if b.stack[i].tag == a {
			return true
		}
	}
	return false
}

// popTo pops up to and including the nearest open a, if any is open.
func (b *builder) popTo(a atom.Atom) {
	for i := len(b.stack) - 1; i > 0; i-- {
		if b.stack[i].tag == a {
			for len(b.stack) > i {
				b.pop()
			}
			return
		}
	}
}

func (b *builder) end(raw []byte) {
	a := tagAtom(raw)
	if a == atom.Br {
		// </br> is read as <br>.
		b.flush()
		b.startBlock()
		return
	}
	if a == atom.Body || a == atom.Html {
		return // content after </body> still counts, as in browsers
	}
	kind := tagKind(a)
	for i := len(b.stack) - 1; i > 0; i-- {
		f := &b.stack[i]
		// Unknown elements all have atom 0, so an unknown end tag closes
		// the nearest unknown element: custom elements nest rarely, and
		// closing the wrong one only merges two containers.
		if f.tag == a {
			for len(b.stack) > i {
				b.pop()
			}
			return
		}
		if kind&kSpecial != 0 {
			// A block end tag closes through anything but a scope boundary.
			if f.kind&kScope != 0 {
				return
			}
			continue
		}
		if f.kind&kSpecial != 0 && f.tag != 0 {
			return // an inline end tag never closes a block it is not in
		}
	}
}

func (b *builder) pop() {
	f := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	b.count(f.tag, -1)
	if f.kind&kBlock != 0 {
		b.flush()
	}
	e := &b.d.elems[f.elem]
	e.textEnd = int32(len(b.d.text))
	e.endBlock = int32(len(b.d.blocks))
	e.endElem = int32(len(b.d.elems))
	if f.kind&kBlock != 0 {
		b.startBlock()
	}
}

// startBlock begins a new block owned by the current block-level element.
func (b *builder) startBlock() {
	b.cur = block{owner: b.top().owner, start: int32(len(b.d.text))}
	b.pending = false
	b.wordOpen = false
}

// flush ends the current block, keeping it if it has any text.
func (b *builder) flush() {
	c := &b.cur
	if c.runes == 0 {
		b.d.text = b.d.text[:c.start]
		return
	}
	end := len(b.d.text)
	for end > int(c.start) && (b.d.text[end-1] == '\n' || b.d.text[end-1] == ' ') {
		end--
	}
	b.d.text = b.d.text[:end]
	c.end = int32(end)
	b.d.blocks = append(b.d.blocks, *c)
	b.d.text = append(b.d.text, '\n')
	c.runes = 0
	c.start = int32(len(b.d.text))
}

// textToken handles the current text token, reading (and unescaping) it
// only when it can matter.
func (b *builder) textToken() {
	t := b.top()
	if t.state&stSkip != 0 && t.tag != atom.Title && t.tag != atom.Script {
		return
	}
	if t.state&stSkip == 0 && isBlank(b.z.Raw()) {
		b.pending = true
		b.wordOpen = false
		return
	}
	b.text(b.z.Text())
}

func isBlank(s []byte) bool {
	for _, c := range s {
		if !isSpaceByte(c) {
			return false
		}
	}
	return true
}

func (b *builder) text(s []byte) {
	t := b.top()
	if t.state&stSkip != 0 {
		switch t.tag {
		case atom.Title:
			if b.d.meta.title == "" {
				b.d.meta.title = collapse(string(s))
			}
		case atom.Script:
			if b.d.meta.jsonLDOpen == t.elem {
				b.d.meta.jsonLD = append(b.d.meta.jsonLD, string(s))
			}
		}
		return
	}
	b.appendText(s, t.state&stLink != 0, t.state&stPre != 0)
}

// appendText adds text to the current block, collapsing whitespace (all
// of Unicode's, and no-break spaces) to single spaces and dropping
// invisible characters (soft hyphens, zero-width spaces, BOMs).
func (b *builder) appendText(s []byte, link, pre bool) {
	c := &b.cur
	out := b.d.text
	for i := 0; i < len(s); {
		ch := s[i]
		if ch < utf8.RuneSelf {
			i++
			if ch <= ' ' {
				if pre && ch == '\n' && len(out) > int(c.start) {
					if out[len(out)-1] != '\n' {
						out = append(out, '\n')
					}
					b.pending = false
					b.wordOpen = false
					continue
				}
				b.pending = true
				b.wordOpen = false
				continue
			}
			if b.pending && len(out) > int(c.start) && out[len(out)-1] != '\n' {
				out = append(out, ' ')
			}
			b.pending = false
			out = append(out, ch)
			c.runes++
			if link {
				c.linkRunes++
			}
			switch ch {
			case '.', ',', ';', ':', '!', '?':
				c.punct++
				b.wordOpen = false
				continue
			}
			if !b.wordOpen {
				c.words++
				b.wordOpen = true
			}
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		seq := s[i : i+size]
		i += size
		switch {
		case r == 0xA0 || r == 0x85 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) ||
			r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000:
			b.pending = true
			b.wordOpen = false
			continue
		case r == 0xAD || r == 0x200B || r == 0x2060 || r == 0xFEFF || r == utf8.RuneError && size == 1:
			continue
		}
		if b.pending && len(out) > int(c.start) && out[len(out)-1] != '\n' {
			out = append(out, ' ')
		}
		b.pending = false
		out = append(out, seq...)
		c.runes++
		if link {
			c.linkRunes++
		}
		switch r {
		case '。', '，', '、', '！', '？', '；', '：', '…', '»', '«':
			c.punct++
		}
		if !b.wordOpen || r >= 0x2E80 { // CJK: count characters as words
			c.words++
			b.wordOpen = true
		}
	}
	b.d.text = out
}

// collapse normalises whitespace in a short string (titles, meta values).
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// attrInfo is what one start tag's attributes tell. The byte slices
// point into the tokenizer's buffer and are valid until the next token.
type attrInfo struct {
	sig    uint32
	hidden bool
	href   bool // an <a> with an href: a link
	// Raw values for metadata.
	rel, name, property, content, itemprop, datetime, typ, lang []byte
	debugName                                                   string
}

// attrs reads the attributes of interest from a start tag.
func (b *builder) attrs(a atom.Atom, raw []byte) attrInfo {
	var at attrInfo
	var class, id, role []byte
	it := newAttrIter(raw)
	for {
		k, v, ok := it.next()
		if !ok {
			break
		}
		if len(k) < 2 {
			continue
		}
		switch k[0] | 0x20 {
		case 'c':
			if keyIs(k, "class") {
				class = v
			} else if keyIs(k, "content") {
				at.content = v
			}
		case 'i':
			if keyIs(k, "id") {
				id = v
			} else if keyIs(k, "itemprop") {
				at.itemprop = v
			}
		case 'h':
			if keyIs(k, "href") {
				at.href = true
			} else if keyIs(k, "hidden") {
				at.hidden = true
			}
		case 's':
			if keyIs(k, "style") && styleHidden(v) {
				at.hidden = true
			}
		case 'a':
			if keyIs(k, "aria-hidden") && keyIs(v, "true") {
				at.hidden = true
			}
		case 'r':
			if keyIs(k, "role") {
				role = v
			} else if keyIs(k, "rel") {
				at.rel = v
			}
		case 'n':
			if keyIs(k, "name") {
				at.name = v
			}
		case 'p':
			if keyIs(k, "property") {
				at.property = v
			}
		case 'd':
			if keyIs(k, "datetime") {
				at.datetime = v
			}
		case 't':
			if keyIs(k, "type") {
				at.typ = v
			}
		case 'l':
			if keyIs(k, "lang") {
				at.lang = v
			}
		case 'x':
			if keyIs(k, "xml:lang") && at.lang == nil {
				at.lang = v
			}
		}
	}
	if len(class) > 0 || len(id) > 0 {
		at.sig = b.classSignals(class, id)
	}
	if b.debug {
		at.debugName = string(class) + "#" + string(id)
	}
	if len(role) > 0 {
		at.sig |= roleSignals(role)
	}
	if len(at.itemprop) > 0 && hasFold(at.itemprop, "articlebody") {
		at.sig |= sigContent
	}
	switch {
	case at.sig&sigStrong != 0:
		at.sig &^= sigContent // "comment-body" is a comment
	case at.sig&sigContent != 0:
		// A body container that also matches a furniture word
		// ("article-body has-share-bar") is the body.
		at.sig &^= sigBoiler | sigMeta
	}
	return at
}

// classSignals matches class and id against classKeywords.
func (b *builder) classSignals(class, id []byte) uint32 {
	var buf [256]byte
	key := buf[:0]
	// Taxonomy classes name the article's tags and categories
	// ("tag-social-media", "category-comment"): they describe the topic,
	// not the element, so they are left out.
	for f := range fieldsOf(class) {
		if hasPrefixFold(f, "tag-") || hasPrefixFold(f, "category-") || hasPrefixFold(f, "tags-") {
			continue
		}
		if len(key)+len(f)+2 > len(buf) { // room for f, ' ' and '#'
			break
		}
		key = append(key, f...)
		key = append(key, ' ')
	}
	key = append(key, '#')
	if room := len(buf) - len(key); len(id) > room {
		id = id[:room]
	}
	key = append(key, id...)
	return matchClass(key)
}

func fieldsOf(s []byte) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for i := 0; i < len(s); {
			for i < len(s) && isSpaceByte(s[i]) {
				i++
			}
			j := i
			for j < len(s) && !isSpaceByte(s[j]) {
				j++
			}
			if j > i && !yield(s[i:j]) {
				return
			}
			i = j
		}
	}
}

func hasPrefixFold(s []byte, lower string) bool {
	return len(s) >= len(lower) && keyIs(s[:len(lower)], lower)
}

// roleSignals maps ARIA landmark roles to signals.
func roleSignals(role []byte) uint32 {
	for f := range fieldsOf(role) {
		switch {
		case keyIs(f, "navigation"), keyIs(f, "banner"), keyIs(f, "contentinfo"),
			keyIs(f, "complementary"), keyIs(f, "search"), keyIs(f, "menu"), keyIs(f, "menubar"),
			keyIs(f, "dialog"), keyIs(f, "alertdialog"), keyIs(f, "tablist"), keyIs(f, "toolbar"):
			return sigBoiler
		}
	}
	return 0
}

// styleHidden reports an inline style that hides the element.
func styleHidden(v []byte) bool {
	return styleIs(v, "display", "none") || styleIs(v, "visibility", "hidden")
}

// styleIs reports whether a declaration prop: value occurs in an inline
// style, ignoring case and whitespace around the colon.
func styleIs(v []byte, prop, value string) bool {
	for i := 0; i+len(prop) <= len(v); i++ {
		if !keyIs(v[i:i+len(prop)], prop) {
			continue
		}
		if i > 0 && (v[i-1] == '-' || isLetterByte(v[i-1])) {
			continue // "content-visibility", "xdisplay"
		}
		j := i + len(prop)
		for j < len(v) && isSpaceByte(v[j]) {
			j++
		}
		if j >= len(v) || v[j] != ':' {
			continue
		}
		j++
		for j < len(v) && isSpaceByte(v[j]) {
			j++
		}
		if j+len(value) <= len(v) && keyIs(v[j:j+len(value)], value) {
			return true
		}
	}
	return false
}

func isLetterByte(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
