package extract

import "golang.org/x/net/html/atom"

// Tag kinds: how the builder and the scorer treat an element.
const (
	// kBlock elements end the current paragraph when they open and close.
	kBlock uint16 = 1 << iota
	// kSkip elements are dropped with their subtree: never article text.
	kSkip
	// kVoid elements have no content and no end tag.
	kVoid
	// kClosesP elements close an open <p> (HTML's "in button scope" rule).
	kClosesP
	// kScope elements bound the search for an element to close.
	kScope
	// kSpecial elements stop an unmatched inline end tag from closing
	// past them (HTML's "special" category, simplified).
	kSpecial
	// kHeading is h1-h6.
	kHeading
	// kFurniture elements are page furniture by their tag alone.
	kFurniture
	// kListItem is li, dt and dd.
	kListItem
	// kCell is td and th.
	kCell
)

// tagKind classifies an element by its atom. Unknown elements (custom
// elements, typos) act as block containers: in practice they are
// components laid out as blocks far more often than inline text.
func tagKind(a atom.Atom) uint16 {
	switch a {
	case atom.A, atom.Abbr, atom.B, atom.Bdi, atom.Bdo, atom.Big, atom.Cite, atom.Code,
		atom.Data, atom.Del, atom.Dfn, atom.Em, atom.Font, atom.I, atom.Ins, atom.Kbd,
		atom.Mark, atom.Nobr, atom.Q, atom.S, atom.Samp, atom.Small, atom.Span, atom.Strike,
		atom.Strong, atom.Sub, atom.Sup, atom.Time, atom.Tt, atom.U, atom.Var, atom.Label,
		atom.Picture, atom.Output, atom.Meter, atom.Progress, atom.Blink, atom.Acronym,
		atom.Ruby, atom.Rb:
		return 0
	case atom.Img, atom.Wbr, atom.Area, atom.Base, atom.Col, atom.Link, atom.Meta,
		atom.Param, atom.Source, atom.Track, atom.Keygen, atom.Image:
		return kVoid
	case atom.Br, atom.Hr:
		return kVoid | kBlock
	case atom.Input, atom.Embed:
		return kVoid | kSkip
	case atom.Noscript:
		// Read as markup, as a browser without scripts does: some sites
		// put the article there and render the visible copy with script.
		return 0
	case atom.Script, atom.Style, atom.Template, atom.Svg, atom.Math,
		atom.Iframe, atom.Object, atom.Canvas, atom.Select, atom.Button, atom.Textarea,
		atom.Audio, atom.Video, atom.Map, atom.Datalist, atom.Rt, atom.Rp:
		// Inline: skipped without ending the paragraph around them.
		return kSkip
	case atom.Noembed, atom.Noframes, atom.Frameset, atom.Dialog, atom.Xmp, atom.Plaintext,
		atom.Head, atom.Title, atom.Optgroup, atom.Option, atom.Applet, atom.Marquee:
		return kSkip | kBlock
	case atom.P:
		return kBlock | kClosesP | kSpecial
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return kBlock | kClosesP | kSpecial | kHeading
	case atom.Li, atom.Dd, atom.Dt:
		return kBlock | kClosesP | kSpecial | kListItem
	case atom.Td, atom.Th:
		return kBlock | kSpecial | kScope | kCell
	case atom.Table, atom.Caption:
		return kBlock | kClosesP | kSpecial | kScope
	case atom.Html, atom.Body:
		return kBlock | kSpecial | kScope
	case atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot, atom.Colgroup:
		return kBlock | kSpecial
	case atom.Nav, atom.Aside, atom.Footer:
		return kBlock | kClosesP | kSpecial | kFurniture
	case atom.Address, atom.Article, atom.Blockquote, atom.Center, atom.Details, atom.Dir,
		atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Header,
		atom.Hgroup, atom.Main, atom.Menu, atom.Ol, atom.Section, atom.Summary, atom.Ul,
		atom.Pre, atom.Listing, atom.Form, atom.Legend, atom.Search:
		return kBlock | kClosesP | kSpecial
	}
	return kBlock
}
