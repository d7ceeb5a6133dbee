// Package clean turns a raw article (an HTML page or plain text) into clean
// text and metadata. It is the cleaner stage's logic, free of NATS.
//
// This first version only normalises text and reads the paragraphs and
// title of HTML pages; boilerplate removal is issue #3.
package clean

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/newsflow/newsflow/pipeline"
)

// Version is recorded in every article this package cleans.
const Version = "0.1.0"

// Options bound the work one page may cost.
type Options struct {
	// MaxBytes is the largest page accepted (default 10 MB).
	MaxBytes int
}

// Cleaner is a pipeline.Func; the zero value is not usable, use New.
type Cleaner struct{ opts Options }

// New returns a Cleaner with o's limits (zero fields take defaults).
func New(o Options) *Cleaner {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 10 << 20
	}
	return &Cleaner{opts: o}
}

// Errors Process returns, always wrapped as permanent.
var (
	ErrTooLarge = errors.New("page over the size limit")
	ErrNoText   = errors.New("no article text found")
)

// Process cleans one article.
func (c *Cleaner) Process(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
	if n := len(a.HTML) + len(a.Text); n > c.opts.MaxBytes {
		return a, pipeline.Permanent(fmt.Errorf("%w: %d bytes > %d", ErrTooLarge, n, c.opts.MaxBytes))
	}
	text := a.Text
	if a.HTML != "" {
		title, paras := extractHTML(a.HTML)
		if a.Title == "" {
			a.Title = title
		}
		text = strings.Join(paras, "\n\n")
	}
	a.Text = NormaliseText(text)
	a.HTML = ""
	if a.Text == "" {
		return a, pipeline.Permanent(ErrNoText)
	}
	a.ID = pipeline.ArticleID(a.URL, a.Text)
	if a.FetchedAt == nil {
		now := time.Now().UTC()
		a.FetchedAt = &now
	}
	return a, nil
}

// NormaliseText collapses runs of white space inside paragraphs and
// separates paragraphs (split at line breaks) by exactly one blank line.
func NormaliseText(s string) string {
	var paras []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p := strings.Join(strings.Fields(line), " "); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// extractHTML returns the page title and the text of its paragraphs.
func extractHTML(page string) (title string, paras []string) {
	z := html.NewTokenizer(strings.NewReader(page))
	var buf strings.Builder
	depth, skip := 0, 0
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return title, paras
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				skip++
			case "title":
				inTitle = true
			case "p":
				depth++
				buf.Reset()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				skip = max(0, skip-1)
			case "title":
				inTitle = false
			case "p":
				if depth > 0 {
					depth--
					if p := strings.Join(strings.Fields(buf.String()), " "); p != "" {
						paras = append(paras, p)
					}
				}
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			if inTitle && title == "" {
				title = strings.TrimSpace(string(z.Text()))
			} else if depth > 0 {
				buf.Write(z.Text())
			}
		}
	}
}
