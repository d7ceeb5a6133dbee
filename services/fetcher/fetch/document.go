package fetch

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/newsflow/newsflow/pipeline/charset"
)

// Kind is what a fetched document is, and what a source is polled as.
type Kind string

const (
	// KindFeed is RSS 0.9x/1.0/2.0, Atom or JSON Feed.
	KindFeed Kind = "feed"
	// KindSitemap is a sitemap (Google News sitemaps included) or a
	// sitemap index.
	KindSitemap Kind = "sitemap"
	// KindPage is an article page (HTML or plain text).
	KindPage Kind = "page"
	// KindUnknown is anything else: a PDF, an image, JSON that is not a feed.
	KindUnknown Kind = ""
)

// Link is one article a feed or sitemap points to, with what the feed
// says about it. The feed's metadata travels with the raw article so the
// cleaner can use it when the page lacks it.
type Link struct {
	URL       string
	Title     string
	Published *time.Time
	// Updated is when the feed says the article last changed (an Atom
	// <updated>, a sitemap <lastmod>).
	Updated *time.Time
	Authors []string
	Summary string
}

// Document is a parsed feed or sitemap; a page has Kind KindPage and no
// links.
type Document struct {
	Kind  Kind
	Title string
	Links []Link
	// Sitemaps are a sitemap index's children; Updated is their lastmod.
	Sitemaps []Link
}

// ErrNotDocument reports a body that is neither a feed, a sitemap nor a page.
var ErrNotDocument = errors.New("not a feed, sitemap or page")

// Parse reads a fetched body: a feed or sitemap becomes its links, with
// relative ones resolved against resp.URL; a page is reported as such.
// A gzipped body (a sitemap.xml.gz file) is unpacked first, to at most
// maxBytes.
func Parse(resp *Response, maxBytes int64) (Document, error) {
	body, err := gunzipped(resp.Body, maxBytes)
	if err != nil {
		return Document{}, err
	}
	base, err := url.Parse(resp.URL)
	if err != nil {
		return Document{}, fmt.Errorf("base URL: %w", err)
	}
	switch kind, root := detect(resp.ContentType, body); {
	case kind == KindFeed:
		return parseFeed(body, base)
	case kind == KindSitemap:
		return parseSitemap(body, base, root)
	case kind == KindPage:
		return Document{Kind: KindPage}, nil
	default:
		return Document{}, fmt.Errorf("%w (Content-Type %q)", ErrNotDocument, resp.ContentType)
	}
}

// gunzipped returns body, unpacked if it is a gzip file.
func gunzipped(body []byte, maxBytes int64) ([]byte, error) {
	if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gzip file: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("gzip file: %w", err)
	}
	if int64(len(out)) > maxBytes {
		return nil, fmt.Errorf("gzip file unpacks to more than %d bytes", maxBytes)
	}
	return out, nil
}

// detect tells what body is from its first element, falling back on the
// Content-Type. root is the first element's local name.
func detect(contentType string, body []byte) (kind Kind, root string) {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	head := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(head) == 0:
		return KindUnknown, ""
	case head[0] == '{':
		if gofeed.DetectFeedType(bytes.NewReader(head)) == gofeed.FeedTypeJSON && bytes.Contains(head[:min(len(head), 4096)], []byte("jsonfeed.org")) {
			return KindFeed, ""
		}
		return KindUnknown, ""
	case head[0] == '<':
		root = rootElement(head)
		switch root {
		case "rss", "rdf", "feed":
			return KindFeed, root
		case "urlset", "sitemapindex":
			return KindSitemap, root
		}
		if mediaType == "" || mediaType == "text/html" || mediaType == "application/xhtml+xml" ||
			strings.HasPrefix(http.DetectContentType(head), "text/html") || root == "html" {
			return KindPage, root
		}
		return KindUnknown, root
	case mediaType == "text/plain" || (mediaType == "" && strings.HasPrefix(http.DetectContentType(head), "text/plain")):
		return KindPage, ""
	}
	return KindUnknown, ""
}

// rootElement returns the lower-cased local name of the first element, ""
// if the markup does not parse that far.
func rootElement(head []byte) string {
	d := xml.NewDecoder(bytes.NewReader(head[:min(len(head), 64<<10)]))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	for range 64 {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return strings.ToLower(se.Name.Local)
		}
	}
	return ""
}

func parseFeed(body []byte, base *url.URL) (Document, error) {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return Document{}, fmt.Errorf("feed: %w", err)
	}
	if feed.Link != "" { // relative item links are relative to the site
		if site, err := base.Parse(feed.Link); err == nil && (site.Scheme == "http" || site.Scheme == "https") {
			base = site
		}
	}
	doc := Document{Kind: KindFeed, Title: plainText(feed.Title, 512)}
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		link := it.Link
		if link == "" && len(it.Links) > 0 {
			link = it.Links[0]
		}
		if link == "" && (strings.HasPrefix(it.GUID, "http://") || strings.HasPrefix(it.GUID, "https://")) {
			link = it.GUID
		}
		abs, ok := resolve(base, link)
		if !ok {
			continue
		}
		l := Link{URL: abs, Title: plainText(it.Title, 1024), Summary: plainText(it.Description, maxSummary),
			Published: utc(it.PublishedParsed), Updated: utc(it.UpdatedParsed)}
		if l.Published == nil {
			l.Published = l.Updated
		}
		for _, p := range it.Authors {
			if p == nil {
				continue
			}
			name := plainText(p.Name, 256)
			if name == "" {
				name = plainText(p.Email, 256)
			}
			if name != "" && !contains(l.Authors, name) {
				l.Authors = append(l.Authors, name)
			}
		}
		doc.Links = append(doc.Links, l)
	}
	return doc, nil
}

// sitemapXML is a sitemap (urlset, with Google News extensions) or a
// sitemap index; encoding/xml matches the local names in any namespace.
type sitemapXML struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		Lastmod string `xml:"lastmod"`
		News    struct {
			Publication struct {
				Name string `xml:"name"`
			} `xml:"publication"`
			PublicationDate string `xml:"publication_date"`
			Title           string `xml:"title"`
		} `xml:"news"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		Lastmod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

func parseSitemap(body []byte, base *url.URL, root string) (Document, error) {
	var sm sitemapXML
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	if err := d.Decode(&sm); err != nil {
		return Document{}, fmt.Errorf("sitemap: %w", err)
	}
	doc := Document{Kind: KindSitemap}
	for _, u := range sm.URLs {
		abs, ok := resolve(base, u.Loc)
		if !ok {
			continue
		}
		doc.Links = append(doc.Links, Link{URL: abs, Title: plainText(u.News.Title, 1024),
			Published: w3cTime(u.News.PublicationDate), Updated: w3cTime(u.Lastmod)})
	}
	if root == "sitemapindex" {
		for _, s := range sm.Sitemaps {
			if abs, ok := resolve(base, s.Loc); ok {
				doc.Sitemaps = append(doc.Sitemaps, Link{URL: abs, Updated: w3cTime(s.Lastmod)})
			}
		}
	}
	return doc, nil
}

// Newest returns at most n links, most recent first (by the later of
// Published and Updated), undated ones last in document order.
func Newest(links []Link, n int) []Link {
	out := append([]Link(nil), links...)
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := latest(out[i]), latest(out[j])
		if ti.IsZero() || tj.IsZero() {
			return !ti.IsZero() && tj.IsZero()
		}
		return ti.After(tj)
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

func latest(l Link) time.Time {
	var t time.Time
	for _, p := range []*time.Time{l.Published, l.Updated} {
		if p != nil && p.After(t) {
			t = *p
		}
	}
	return t
}

func resolve(base *url.URL, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", false
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

// w3cTime reads the W3C datetime profile sitemaps use (a date, or a date
// and time with a zone), and the zone-less variants found in the wild.
func w3cTime(s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// maxSummary bounds a feed's description: some feeds put the whole
// article there, which the page itself carries better.
const maxSummary = 4 << 10

// plainText turns a feed field, which may hold HTML and entities, into
// one line of text of at most max bytes (cut at a word).
func plainText(s string, max int) string {
	if strings.ContainsAny(s, "<&") {
		var b strings.Builder
		z := html.NewTokenizer(strings.NewReader(s))
		skip := 0
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			switch tt {
			case html.StartTagToken, html.EndTagToken:
				name, _ := z.TagName()
				if n := string(name); n == "script" || n == "style" {
					if tt == html.StartTagToken {
						skip++
					} else if skip > 0 {
						skip--
					}
				}
				b.WriteByte(' ')
			case html.TextToken:
				if skip == 0 {
					b.Write(z.Text())
				}
			}
		}
		s = b.String()
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := strings.LastIndexByte(s[:max], ' ')
		if cut < max/2 {
			cut = max
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		s = s[:cut]
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
