// Package extract finds the article in an HTML page: its body text, as
// paragraphs, and its metadata (title, authors, publication time,
// language, site name, description; the canonical URL is pipeline.CanonicalHref).
//
// It reads the page once with golang.org/x/net/html's tokenizer into a
// compact tree of elements and text blocks (no DOM), picks the element
// that best contains the article by weighing prose against links and
// page furniture, and keeps the blocks in it that read as article text.
// See select.go for the rules and meta.go for metadata.
package extract

import (
	"errors"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/newsflow/newsflow/services/cleaner/pubdate"
)

// Result is what Extract finds in a page.
type Result struct {
	// Text is the article body: paragraphs separated by one blank line,
	// in Unicode normalisation form C.
	Text string
	// Title is the headline, without the site name.
	Title string
	// Authors are the names in the byline, in order.
	Authors []string
	// Published is the publication date as precisely as the page gives it.
	Published pubdate.Date
	// Lang is the language the page declares (ISO 639-1), or "".
	Lang string
	// SiteName is the publication's name as the page gives it.
	SiteName string
	// Description is the page's own summary (og:description, description).
	Description string
}

// ErrBudget reports that extraction ran past its deadline.
var ErrBudget = errors.New("extraction ran past its time budget")

// Extract finds the article in page, which must be UTF-8 (see package
// charset). A page without an article gives an empty Text, not an
// error; the only error is ErrBudget, once past deadline (a zero
// deadline means none). Extraction is linear in the page's size; the
// deadline guards a service against pages built to be slow.
func Extract(page string, deadline time.Time) (Result, error) {
	d, err := parse(page, deadline)
	if err != nil {
		return Result{}, err
	}
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
	r := Result{Text: norm.NFC.String(b.String())}
	r.metadata(d, a, root)
	return r, nil
}
