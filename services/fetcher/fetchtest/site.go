// Package fetchtest serves a fake news site for tests and benchmarks of
// the fetcher: real news pages (the extraction benchmark's, from the
// shared data) behind RSS feeds and sitemaps on a local HTTP server that
// answers conditional GETs and counts every request.
package fetchtest

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// Page is one article of the site.
type Page struct {
	Path      string // "/news/3.html"
	Title     string
	Published time.Time
	HTML      []byte
}

// Site is a fake news site. Handle adds routes; the rest is served from
// Pages, feeds and sitemaps added with AddFeed and AddSitemap.
type Site struct {
	*httptest.Server
	Pages []Page

	mu       sync.Mutex
	hits     map[string]int
	bodies   map[string]int // requests answered with a full body
	routes   map[string]http.Handler
	docs     map[string]doc
	modified time.Time
}

type doc struct {
	contentType string
	body        []byte
}

// LoadPages reads up to n pages of the extraction benchmark (from
// sharedDir, the shared data directory), repeating them under new paths
// if n is larger than the benchmark.
func LoadPages(sharedDir string, n int) ([]Page, error) {
	files, err := filepath.Glob(filepath.Join(sharedDir, "extraction", "scrapinghub", "html", "*.html.gz"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no extraction pages under %s: %v", sharedDir, err)
	}
	sort.Strings(files)
	bodies := make([][]byte, 0, min(n, len(files)))
	for _, f := range files[:min(n, len(files))] {
		body, err := shareddata.ReadFile(f)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, body)
	}
	base := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	pages := make([]Page, n)
	for i := range pages {
		pages[i] = Page{Path: fmt.Sprintf("/news/%d.html", i), Title: fmt.Sprintf("Story number %d", i),
			Published: base.Add(time.Duration(i) * time.Minute), HTML: bodies[i%len(bodies)]}
	}
	return pages, nil
}

// NewSite starts a site serving pages on a loopback port.
func NewSite(pages []Page) *Site {
	s := &Site{Pages: pages, hits: map[string]int{}, bodies: map[string]int{}, routes: map[string]http.Handler{},
		docs: map[string]doc{}, modified: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// StartSite starts a site with n benchmark pages, closed when tb ends.
func StartSite(tb testing.TB, n int) *Site {
	tb.Helper()
	pages, err := LoadPages(shareddata.Path(tb), n)
	if err != nil {
		tb.Fatal(err)
	}
	s := NewSite(pages)
	tb.Cleanup(s.Close)
	return s
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	h := s.routes[r.URL.Path]
	d, isDoc := s.docs[r.URL.Path]
	modified := s.modified
	s.mu.Unlock()
	if h != nil {
		h.ServeHTTP(w, r)
		return
	}
	if !isDoc {
		for _, p := range s.Pages {
			if p.Path == r.URL.Path {
				d, isDoc = doc{"text/html; charset=utf-8", p.HTML}, true
				break
			}
		}
	}
	if !isDoc {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", d.contentType)
	w.Header().Set("ETag", fmt.Sprintf(`"%x-%d"`, len(d.body), modified.Unix()))
	cw := &countingWriter{ResponseWriter: w}
	http.ServeContent(cw, r, "", modified, bytes.NewReader(d.body))
	if cw.status == http.StatusOK {
		s.mu.Lock()
		s.bodies[r.URL.Path]++
		s.mu.Unlock()
	}
}

type countingWriter struct {
	http.ResponseWriter
	status int
}

func (c *countingWriter) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.ResponseWriter.Write(b)
}

// Handle serves path with h, ahead of pages and feeds.
func (s *Site) Handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[path] = h
}

// Hits is how many requests path received; Bodies how many were
// answered with the full body (not a 304).
func (s *Site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// Bodies is how many requests for path were answered with a full body.
func (s *Site) Bodies(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[path]
}

// PageURL is the absolute URL of page i.
func (s *Site) PageURL(i int) string { return s.URL + s.Pages[i].Path }

// AddFeed serves an RSS 2.0 feed at path listing the given pages, each
// link carrying tracking parameters naming the feed (which canonical URLs
// drop), and returns its URL.
func (s *Site) AddFeed(path string, pages ...int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>`)
	fmt.Fprintf(&b, "<title>Feed %s</title><link>%s/</link>", html.EscapeString(path), s.URL)
	for _, i := range pages {
		p := s.Pages[i]
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><pubDate>%s</pubDate><dc:creator>Staff Writer</dc:creator><description>Summary of %s.</description></item>",
			html.EscapeString(p.Title), html.EscapeString(s.URL+p.Path+"?utm_source=rss&utm_medium="+strings.Trim(path, "/")),
			p.Published.Format(time.RFC1123Z), html.EscapeString(p.Title))
	}
	b.WriteString("</channel></rss>")
	s.setDoc(path, "application/rss+xml", []byte(b.String()))
	return s.URL + path
}

// AddSitemap serves a Google News sitemap at path listing the given pages.
func (s *Site) AddSitemap(path string, pages ...int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`)
	for _, i := range pages {
		p := s.Pages[i]
		fmt.Fprintf(&b, "<url><loc>%s</loc><news:news><news:publication><news:name>Fake News Co</news:name><news:language>en</news:language></news:publication><news:publication_date>%s</news:publication_date><news:title>%s</news:title></news:news></url>",
			html.EscapeString(s.URL+p.Path), p.Published.Format(time.RFC3339), html.EscapeString(p.Title))
	}
	b.WriteString("</urlset>")
	s.setDoc(path, "application/xml", []byte(b.String()))
	return s.URL + path
}

func (s *Site) setDoc(path, contentType string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path] = doc{contentType, body}
}

// Touch marks every document as modified now, so conditional GETs fetch
// them again.
func (s *Site) Touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modified = time.Now().UTC().Truncate(time.Second)
}
