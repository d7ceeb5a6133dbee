// Package extract finds the article in an HTML page: its body text, as
// paragraphs, and its metadata (title, authors, publication time,
// language, site name, canonical URL).
//
// It reads the page once with golang.org/x/net/html's tokenizer into a
// compact tree of elements and text blocks (no DOM), picks the element
// that best contains the article by weighing text against links and
// page furniture, and keeps the blocks in it that read as article text.
// See select.go for the rules.
package extract

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Result is what Extract finds in a page.
type Result struct {
	// Text is the article body: paragraphs separated by one blank line,
	// in Unicode normalisation form C.
	Text string
}

// Extract finds the article in page, which must be UTF-8 (see package
// charset). It never fails: a page without an article gives an empty Text.
func Extract(page string) Result {
	d := parse(page)
	a := analyse(d)
	root := a.root()
	blocks := a.selectBlocks(a.roots(root))
	var b strings.Builder
	for _, i := range blocks {
		bl := &d.blocks[i]
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.Write(d.text[bl.start:bl.end])
	}
	return Result{Text: norm.NFC.String(b.String())}
}
