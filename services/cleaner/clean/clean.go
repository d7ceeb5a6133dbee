// Package clean is the cleaner stage: it turns a raw article — an HTML
// page in any character set, or plain text that may be a scraped page —
// into clean body text (paragraphs separated by one blank line) with its
// metadata: title, authors, publication time, language, site name and
// canonical URL. It has no NATS in it: Cleaner.Process is a
// pipeline.Func, and package runner turns it into a service.
//
// Claim-checked bodies (pipeline.BodyRef) are resolved before Process,
// by the service (package claimcheck); an article reaching Process with
// neither HTML nor text has nothing to clean.
//
// Input that can never be cleaned — over the size cap, a page with no
// article text, or one that makes extraction panic — is returned as a
// pipeline.Permanent error naming the reason, so the runner dead-letters
// it instead of retrying. An article over the time budget is returned as
// a pipeline.OverBudget error: the budget is wall-clock time, which a
// stalled process overruns on a good page, so the runner retries it and
// dead-letters it only if it overran on every delivery.
package clean

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/charset"
	"github.com/newsflow/newsflow/services/cleaner/extract"
	"github.com/newsflow/newsflow/services/cleaner/lang"
	"github.com/newsflow/newsflow/services/cleaner/pubdate"
	"github.com/newsflow/newsflow/services/cleaner/textclean"
)

// Version is recorded in every article this package cleans.
const Version = "1.0.0"

// Defaults for Options.
const (
	DefaultMaxBytes = 8 << 20
	DefaultBudget   = time.Second
)

// Errors Process returns, wrapped in pipeline.Permanent (ErrBudget in
// pipeline.OverBudget; a body store's own errors in neither, so they are
// retried).
var (
	ErrNoText   = pipeline.ErrNoText // the page has no article text
	ErrTooLarge = errors.New("article over the size cap")
	ErrBudget   = errors.New("article over the time budget")
	ErrPanic    = errors.New("extraction panicked")
)

// Options configures a Cleaner. The zero value is usable.
type Options struct {
	// MaxBytes is the largest page or text accepted, in bytes; larger
	// articles are dead-lettered. Zero means DefaultMaxBytes.
	MaxBytes int
	// Budget is the time one article may take; an article still being
	// extracted after it is retried, and dead-lettered if it overruns on
	// every delivery. Zero means DefaultBudget.
	Budget time.Duration
}

// Cleaner cleans articles. It is safe for concurrent use.
type Cleaner struct {
	maxBytes int
	budget   time.Duration
}

// New returns a Cleaner with opts, defaults filled in.
func New(opts Options) *Cleaner {
	c := &Cleaner{maxBytes: opts.MaxBytes, budget: opts.Budget}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxBytes
	}
	if c.budget <= 0 {
		c.budget = DefaultBudget
	}
	return c
}

// page is what either extraction path found.
type page struct {
	text, title, description, site, lang string
	authors                              []string
	published                            pubdate.Date
}

// Process cleans one article; it is a pipeline.Func.
//
// Metadata rule: the page's title, authors and publication time fill in
// what the input (feed metadata) lacks; where both have one, the page's
// replaces the input's only when it is more precise — a publication
// time where the input has only the day (midnight UTC, as a date-only
// feed or the seed header gives), within 36 hours of it; a title the
// input's truncated one ("…") is a prefix of.
//
// Identity rule: URL and ID are pipeline.Identify's, decided from the
// article as it arrived. An article from the raw subject was identified by
// its decoder (pipeline.DecodeRaw) and keeps that identity; one given here
// without an id is identified now, by the same rule: URL becomes the
// page's canonical URL when it gives one (pipeline.CanonicalHref: same
// site, not a deep link sent home), canonicalised.
func (c *Cleaner) Process(ctx context.Context, a pipeline.Article) (out pipeline.Article, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = pipeline.Article{}, pipeline.Permanent(fmt.Errorf("%w: %v", ErrPanic, v))
		}
	}()
	if err := ctx.Err(); err != nil {
		return pipeline.Article{}, err
	}
	if n := len(a.HTML) + len(a.Text); n > c.maxBytes {
		return pipeline.Article{}, pipeline.Permanent(fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, c.maxBytes))
	}

	deadline := time.Now().Add(c.budget)
	ctxDeadline, hasCtxDeadline := ctx.Deadline()
	if hasCtxDeadline && ctxDeadline.Before(deadline) {
		deadline = ctxDeadline
	}
	if a.ID == "" {
		if u, id := pipeline.Identify(a); id != "" {
			if u != "" {
				a.URL = u
			}
			a.ID = id
		}
	}
	var p page
	if a.HTML != "" {
		p, err = htmlPath(a.HTML, deadline)
	} else {
		p, err = fromText(a.Text, deadline)
	}
	if err != nil {
		if hasCtxDeadline && !ctxDeadline.After(deadline) {
			// The runner's deadline, not ours: let it retry.
			return pipeline.Article{}, context.DeadlineExceeded
		}
		// Wall-clock: a stalled process overruns on a good page, so the
		// runner retries this before dead-lettering it.
		return pipeline.Article{}, pipeline.OverBudget(fmt.Errorf("%w (%v): %w", ErrBudget, c.budget, err))
	}
	if strings.TrimSpace(p.text) == "" {
		return pipeline.Article{}, pipeline.Permanent(ErrNoText)
	}
	if err := checkProse(p.text); err != nil {
		return pipeline.Article{}, pipeline.Permanent(err)
	}
	return merge(a, p), nil
}

// htmlPath is the HTML extraction Process calls; a variable so that a
// test can make it panic.
var htmlPath = fromHTML

func fromHTML(raw string, deadline time.Time) (page, error) {
	doc, _ := charset.Decode(raw)
	r, err := extract.Extract(doc, deadline)
	if err != nil {
		return page{}, err
	}
	return page{
		text: r.Text, title: r.Title, authors: r.Authors, published: r.Published,
		lang: r.Lang, site: r.SiteName, description: r.Description,
	}, nil
}

func fromText(text string, deadline time.Time) (page, error) {
	r, err := textclean.Clean(text, deadline)
	if err != nil {
		return page{}, err
	}
	return page{text: r.Text, title: r.Title, authors: r.Authors, published: r.Published}, nil
}

// merge writes what the page gave into the article (see Process).
func merge(a pipeline.Article, p page) pipeline.Article {
	a.Text = p.text
	a.HTML = ""
	a.BodyRef = nil

	if a.Title == "" || truncatedPrefix(a.Title, p.title) {
		if p.title != "" {
			a.Title = p.title
		}
	}
	if strings.TrimSpace(a.Title) == "" {
		a.Title = Headline(p.text) // see headline.go
	}
	if len(a.Authors) == 0 && len(p.authors) > 0 {
		a.Authors = p.authors
	}
	if a.Summary == "" {
		a.Summary = p.description
	}
	if a.SiteName == "" {
		a.SiteName = p.site
	}
	if a.SiteName == "" {
		a.SiteName = hostName(a.URL)
	}
	published := p.published
	if published.IsZero() {
		published = urlDate(a.URL)
	}
	a.PublishedAt = pickPublished(a.PublishedAt, published)

	a.Lang = lang.Detect(a.Text)
	if a.Lang == "" {
		a.Lang = p.lang
	}
	return a
}

// truncatedPrefix reports whether feed is a truncated form of page
// ("Jaw jaw better than war war…").
func truncatedPrefix(feed, page string) bool {
	t := strings.TrimRight(feed, ".… ")
	return t != feed && len(t) >= 10 && len(page) > len(t) && strings.HasPrefix(page, t)
}

// pickPublished keeps the input's time unless the page's is more
// precise and agrees with it to within 36 hours.
func pickPublished(in *time.Time, page pubdate.Date) *time.Time {
	if page.IsZero() {
		return in
	}
	t := page.Time
	if in == nil {
		return &t
	}
	inPrec := pubdate.Second
	if u := in.UTC(); u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0 {
		inPrec = pubdate.Day
	}
	if page.Precision > inPrec && absDuration(t.Sub(*in)) <= 36*time.Hour {
		return &t
	}
	return in
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func hostName(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(p.Hostname(), "www.")
}

// urlDate reads a date from a URL path: /2019/11/19/, /2019-11-19-,
// /20191119/.
func urlDate(u string) pubdate.Date {
	p, err := url.Parse(u)
	if err != nil {
		return pubdate.Date{}
	}
	segs := strings.Split(p.Path, "/")
	for i := 0; i+2 < len(segs); i++ {
		if len(segs[i]) == 4 && len(segs[i+1]) <= 2 && len(segs[i+2]) >= 1 {
			day := segs[i+2]
			if len(day) > 2 {
				day = day[:2]
			}
			if d, ok := pubdate.Parse(segs[i] + "-" + pad2(segs[i+1]) + "-" + pad2(day)); ok {
				return d
			}
		}
	}
	for _, s := range segs {
		if len(s) >= 10 {
			if d, ok := pubdate.Parse(s[:10]); ok {
				return d
			}
		}
		if len(s) == 8 {
			if d, ok := pubdate.Parse(s[:4] + "-" + s[4:6] + "-" + s[6:]); ok {
				return d
			}
		}
	}
	return pubdate.Date{}
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}
