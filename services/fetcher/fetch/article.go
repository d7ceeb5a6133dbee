package fetch

import (
	"mime"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/newsflow/newsflow/pipeline"
)

// Article makes the raw article for a fetched page: its body as UTF-8
// HTML (or plain text), its canonical URL — the page's own
// <link rel=canonical> when it names one on the same site, else the URL
// the page was fetched from after redirects — and what link, from a feed or
// sitemap, says about it. Anything but a page is refused (ReasonContentType).
func (c *Client) Article(resp *Response, link Link, source string) (pipeline.Article, error) {
	kind, _ := detect(resp.ContentType, resp.Body)
	if kind != KindPage {
		return pipeline.Article{}, c.refuse(resp.URL, ReasonContentType, "not an article page: Content-Type "+strings.TrimSpace(resp.ContentType+" "))
	}
	body := toUTF8(resp.Body, resp.ContentType)
	mediaType, _, _ := mime.ParseMediaType(resp.ContentType)
	isText := mediaType == "text/plain" || (mediaType == "" && !looksHTML(body))

	pageURL := resp.URL
	if !isText {
		if canon := CanonicalLink(body, resp.URL); canon != "" {
			pageURL = canon
		}
	}
	canon, err := pipeline.CanonicalURL(pageURL)
	if err != nil {
		return pipeline.Article{}, c.refuse(pageURL, ReasonBadURL, err.Error())
	}
	fetched := resp.FetchedAt
	a := pipeline.Article{
		Schema: pipeline.SchemaVersion, ID: pipeline.ArticleID(canon, ""), URL: canon, Source: source,
		FetchedAt: &fetched, PublishedAt: link.Published, Title: link.Title, Authors: link.Authors, Summary: link.Summary,
	}
	if isText {
		a.Text = body
	} else {
		a.HTML = body
	}
	return a, nil
}

func looksHTML(body string) bool {
	head := body[:min(len(body), 4096)]
	return strings.Contains(strings.ToLower(head), "<html") || strings.Contains(head, "</")
}

// ContentHash identifies a body's bytes: a page whose hash has not changed
// is not published again. It tells versions of one page apart, which needs
// no cryptographic strength: xxHash is ten times cheaper than SHA-256 on
// a 200 KB page.
func ContentHash(body []byte) string {
	return strconv.FormatUint(xxhash.Sum64(body), 16)
}

// toUTF8 returns the page as UTF-8, which a JSON envelope needs. Valid
// UTF-8 is kept whatever the page declares (as the cleaner does); other
// bytes are decoded by the HTTP charset, a byte-order mark, the page's
// <meta> declaration, else windows-1252, as browsers do.
func toUTF8(body []byte, contentType string) string {
	if utf8.Valid(body) {
		return string(body)
	}
	enc, _, _ := charset.DetermineEncoding(body, contentType)
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		out = body
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// headScanLimit bounds how far into a page the canonical link is looked
// for; it lives in <head>, which inline scripts can make long.
const headScanLimit = 512 << 10

// CanonicalLink returns the absolute URL a page names with
// <link rel="canonical">, if it is http(s) on the same site as pageURL
// (same registrable domain: www.example.com and m.example.com are one
// site), or "". A canonical link to another site is ignored: a page must
// not be able to claim another site's article id.
func CanonicalLink(page, pageURL string) string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(page[:min(len(page), headScanLimit)]))
	var href string
	for href == "" {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			if tt == html.EndTagToken {
				if name, _ := z.TagName(); string(name) == "head" {
					break
				}
			}
			continue
		}
		name, hasAttr := z.TagName()
		switch string(name) {
		case "body":
			return resolveCanonical(base, href)
		case "base", "link":
			if !hasAttr {
				continue
			}
			attrs := map[string]string{}
			for {
				k, v, more := z.TagAttr()
				attrs[string(k)] = string(v)
				if !more {
					break
				}
			}
			if string(name) == "base" {
				if b, err := base.Parse(strings.TrimSpace(attrs["href"])); err == nil && attrs["href"] != "" {
					base = b
				}
				continue
			}
			for _, rel := range strings.Fields(strings.ToLower(attrs["rel"])) {
				if rel == "canonical" {
					href = strings.TrimSpace(attrs["href"])
				}
			}
		}
	}
	return resolveCanonical(base, href)
}

// resolveCanonical is the canonical link's URL when the contract's rule
// (pipeline.PreferredURL: same site, not a deep link sent home) accepts it.
func resolveCanonical(base *url.URL, href string) string {
	if href == "" {
		return ""
	}
	page := base.String()
	if u := pipeline.PreferredURL(page, href); u != pipeline.PreferredURL(page, "") {
		return u
	}
	return ""
}
