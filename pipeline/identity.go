package pipeline

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// An article's identity — its canonical URL and the id derived from it —
// is decided here and nowhere else. The fetcher (before it remembers and
// publishes a page) and DecodeRaw (for everything on the raw subject; the
// claim check decodes a stored body with it) call Identify, and the
// cleaner keeps what the decoder decided (it identifies only an article
// given to it without an id), so an article keeps one id from the first
// stage that sees it to the store, and its page is scanned for its
// canonical link once per stage.

// headScanLimit bounds how far into a page the canonical link is looked
// for; it lives in <head>, which inline scripts can make long.
const headScanLimit = 512 << 10

// canonicalMetas are the <meta> names and properties that state a page's
// URL, in the order they are trusted after <link rel=canonical>.
var canonicalMetas = [...]string{"og:url", "twitter:url", "parsely-link"}

// CanonicalHref is the one canonical-link finder. It returns the URL a
// page's <head> says identifies it, as written, or "". Precedence:
//
//  1. the first <link rel="canonical" href>;
//  2. the first <meta property|name|itemprop="og:url" content>;
//  3. then twitter:url, then parsely-link, likewise.
//
// Only the head counts (the scan stops at </head>, at <body>, or after
// 512 KB): a link in the body may belong to an embedded article. A
// relative href is resolved against the page's <base> when it has an
// absolute (or root-relative) one; a relative-path href ("c", "../c")
// without such a base is ignored, because resolved against the URL the
// page was found at it would name a different article for each URL the
// page is reachable by, and the id would no longer be the same when the
// cleaner resolves it against the fetcher's canonical URL.
func CanonicalHref(page string) string {
	z := html.NewTokenizer(strings.NewReader(page[:min(len(page), headScanLimit)]))
	var (
		base  string
		link  string
		metas [len(canonicalMetas)]string
	)
scan:
	for link == "" {
		switch z.Next() {
		case html.ErrorToken:
			break scan
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				break scan
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "body" {
				break scan
			}
			if !hasAttr {
				continue
			}
			// Attributes are read only on the three tags that matter, and
			// only the values wanted are copied: a head has many tags.
			switch string(name) {
			case "base":
				if h := strings.TrimSpace(attr(z, "href")); base == "" && h != "" {
					base = h
				}
			case "link":
				var rel, href string
				for more := true; more; {
					var k, v []byte
					k, v, more = z.TagAttr()
					switch string(k) {
					case "rel":
						rel = string(v)
					case "href":
						href = string(v)
					}
				}
				for _, r := range strings.Fields(rel) {
					if strings.EqualFold(r, "canonical") {
						link = strings.TrimSpace(href)
					}
				}
			case "meta":
				var keys [3]string // property, name, itemprop
				var content string
				for more := true; more; {
					var k, v []byte
					k, v, more = z.TagAttr()
					switch string(k) {
					case "property":
						keys[0] = string(v)
					case "name":
						keys[1] = string(v)
					case "itemprop":
						keys[2] = string(v)
					case "content":
						content = string(v)
					}
				}
				if content = strings.TrimSpace(content); content == "" {
					continue
				}
				for _, k := range keys {
					k = strings.TrimSpace(k)
					for i, m := range canonicalMetas {
						if metas[i] == "" && strings.EqualFold(k, m) {
							metas[i] = content
						}
					}
				}
			}
		}
	}
	href := link
	for _, m := range metas {
		if href == "" {
			href = m
		}
	}
	return withBase(base, href)
}

// attr returns the value of the current tag's first attribute named key.
func attr(z *html.Tokenizer, key string) string {
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == key {
			return string(v)
		}
	}
	return ""
}

// withBase applies the rule on relative hrefs stated in CanonicalHref.
func withBase(base, href string) string {
	if href == "" || !isRelativePath(href) {
		return href
	}
	if base == "" || isRelativePath(base) {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	u, err := b.Parse(href)
	if err != nil {
		return ""
	}
	return u.String()
}

// isRelativePath reports an href with neither a scheme nor a leading "/".
func isRelativePath(href string) bool {
	if strings.HasPrefix(href, "/") {
		return false
	}
	u, err := url.Parse(href)
	return err != nil || u.Scheme == ""
}

// PageURL is the canonical URL of a page fetched from (or published with)
// pageURL: the page's canonical link (CanonicalHref) when PreferredURL
// accepts it, else pageURL, canonicalised; "" when neither is usable.
func PageURL(page, pageURL string) string {
	return PreferredURL(pageURL, CanonicalHref(page))
}

// Identify decides an article's identity: its canonical URL (PageURL of
// its HTML, or its URL canonicalised; "" when it has no usable one) and
// its id, ArticleID of that URL or, when there is none, of its body as
// received (text and HTML). Identify is idempotent — an article given the
// URL it returns gets the same answer again — which is what lets every
// stage call it and agree. An article with neither a usable URL nor a body
// (a claim check not yet resolved) has no id yet: "".
func Identify(a Article) (canonicalURL, id string) {
	if a.HTML != "" {
		canonicalURL = PageURL(a.HTML, a.URL)
	} else if c, err := CanonicalURL(a.URL); err == nil {
		canonicalURL = c
	}
	switch {
	case canonicalURL != "":
		return canonicalURL, ArticleID(canonicalURL, "")
	case a.Text == "" && a.HTML == "":
		return "", ""
	default:
		return "", ArticleID("", a.Text+a.HTML)
	}
}
