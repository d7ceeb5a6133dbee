package fetch

import (
	"mime"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/charset"
)

// Article makes the raw article for a fetched page: its body as UTF-8
// HTML (or plain text), its canonical URL and id — pipeline.Identify: the
// page's own canonical link when it names one on the same site, else the
// URL the page was fetched from after redirects — and what link, from a
// feed or sitemap, says about it. Anything but a page is refused (ReasonContentType).
func (c *Client) Article(resp *Response, link Link, source string) (pipeline.Article, error) {
	kind, _ := detect(resp.ContentType, resp.Body)
	if kind != KindPage {
		return pipeline.Article{}, c.refuse(resp.URL, ReasonContentType, "not an article page: Content-Type "+strings.TrimSpace(resp.ContentType+" "))
	}
	body := toUTF8(resp.Body, resp.ContentType)
	mediaType, _, _ := mime.ParseMediaType(resp.ContentType)
	isText := mediaType == "text/plain" || (mediaType == "" && !looksHTML(body))

	fetched := resp.FetchedAt
	a := pipeline.Article{
		Schema: pipeline.SchemaVersion, URL: resp.URL, Source: source,
		FetchedAt: &fetched, PublishedAt: link.Published, Title: link.Title, Authors: link.Authors, Summary: link.Summary,
	}
	if isText {
		a.Text = body
	} else {
		a.HTML = body
	}
	// The id the seen-memory and Nats-Msg-Id use is the one every later
	// stage will decide for this article.
	canon, id := pipeline.Identify(a)
	if canon == "" {
		_, err := pipeline.CanonicalURL(a.URL)
		return pipeline.Article{}, c.refuse(a.URL, ReasonBadURL, err.Error())
	}
	a.URL, a.ID = canon, id
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

// toUTF8 returns the page as UTF-8, which a JSON envelope needs, by the
// one rule newsflow has (package charset): valid UTF-8 is kept whatever
// the page declares; other bytes are decoded by a byte-order mark, the
// HTTP charset, the page's declaration, else windows-1252.
func toUTF8(body []byte, contentType string) string {
	text, _ := charset.DecodeHTTP(string(body), contentType)
	return text
}
