package pipeline_test

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"

	"github.com/newsflow/newsflow/pipeline"
)

// PageURL is the fetcher's and the cleaner's canonical URL: the page's
// canonical link when the rule accepts it, else the page's own URL.
func TestPageURL(t *testing.T) {
	for _, tt := range []struct{ page, url, want string }{
		{`<head><link rel="canonical" href="https://example.com/a"></head>`, "https://example.com/a?page=2", "https://example.com/a"},
		{`<head><link rel="canonical" href="https://www.example.com/a"></head>`, "https://m.example.com/a", "https://www.example.com/a"},
		{`<head><link href="/b" rel="Canonical"></head>`, "https://example.com/amp/b", "https://example.com/b"},
		{`<head><base href="https://example.com/news/"><link rel="canonical" href="c"></head>`, "https://example.com/x", "https://example.com/news/c"},
		// Another site may not claim the article; nor may a non-http link.
		{`<head><link rel="canonical" href="https://evil.example.net/a"></head>`, "https://example.com/a", "https://example.com/a"},
		{`<head><link rel="canonical" href="javascript:alert(1)"></head>`, "https://example.com/a", "https://example.com/a"},
		// Only <head> counts.
		{`<head></head><body><link rel="canonical" href="/elsewhere"></body>`, "https://example.com/a", "https://example.com/a"},
		{`<body><meta property="og:url" content="https://example.com/elsewhere"></body>`, "https://example.com/a", "https://example.com/a"},
		{`<head><link rel="alternate" href="/feed"></head>`, "https://example.com/a", "https://example.com/a"},
		{`<head><link rel="canonical" href="https://example.co.uk/x"></head>`, "https://other.co.uk/x", "https://other.co.uk/x"},
		// The metas, when there is no canonical link.
		{`<head><meta property="og:url" content="https://example.com/story?utm_source=x"></head>`, "https://example.com/amp/story", "https://example.com/story"},
		{`<head><meta name="twitter:url" content="https://example.com/t"></head>`, "https://example.com/amp/t", "https://example.com/t"},
		{`<head><meta name="parsely-link" content="https://example.com/p"></head>`, "https://example.com/amp/p", "https://example.com/p"},
		// A relative path would name another article at each URL the page has.
		{`<head><link rel="canonical" href="story-1"></head>`, "https://example.com/amp/x", "https://example.com/amp/x"},
		// No URL given: the page's own word is all there is.
		{`<head><meta property="og:url" content="https://Example.com/a#top"></head>`, "", "https://example.com/a"},
		{`<p>No head at all.</p>`, "", ""},
	} {
		if got := pipeline.PageURL(tt.page, tt.url); got != tt.want {
			t.Errorf("PageURL(%q, %s) = %q, want %q", tt.page, tt.url, got, tt.want)
		}
	}
}

// One precedence: rel=canonical, then og:url, twitter:url, parsely-link,
// whatever order the page writes them in.
func TestCanonicalHrefPrecedence(t *testing.T) {
	for _, tt := range []struct{ page, want string }{
		{`<head><meta property="og:url" content="/og"><link rel=canonical href="/link"></head>`, "/link"},
		{`<head><meta name="parsely-link" content="/parsely"><meta name="twitter:url" content="/tw"><meta property="og:url" content="/og"></head>`, "/og"},
		{`<head><meta name="parsely-link" content="/parsely"><meta name="twitter:url" content="/tw"></head>`, "/tw"},
		{`<head><meta name="parsely-link" content="/parsely"></head>`, "/parsely"},
		{`<head><link rel=canonical href="/first"><link rel=canonical href="/second"></head>`, "/first"},
		{`<head><meta property="og:url" content=""><meta name="twitter:url" content="/tw"></head>`, "/tw"},
		{`<html><head><title>x</title></head><body><link rel=canonical href="/body"></body></html>`, ""},
	} {
		if got := pipeline.CanonicalHref(tt.page); got != tt.want {
			t.Errorf("CanonicalHref(%q) = %q, want %q", tt.page, got, tt.want)
		}
	}
}

// Identify is idempotent: each stage calls it and gets the same answer,
// including for a page that names its canonical URL relative to its root
// and for input with no URL at all.
func TestIdentifyIsIdempotent(t *testing.T) {
	for _, a := range []pipeline.Article{
		{URL: "https://m.example.com/amp/x?utm_source=feed", HTML: `<head><link rel=canonical href="/x"></head><p>Body.</p>`},
		{URL: "https://example.com/a", HTML: `<head><base href="https://example.com/news/"><link rel=canonical href="../b"></head>`},
		{URL: "https://example.com/a", Text: "Plain text."},
		{HTML: `<head><meta property="og:url" content="https://example.com/og"></head><p>Body.</p>`},
		{HTML: "<p>No URL, no canonical link.</p>"},
		{Text: "No URL, plain text."},
	} {
		url1, id1 := pipeline.Identify(a)
		if url1 != "" {
			a.URL = url1
		}
		url2, id2 := pipeline.Identify(a)
		if id1 == "" || id1 != id2 || url1 != url2 {
			t.Errorf("%+v: once %s %q, twice %s %q", a, id1, url1, id2, url2)
		}
	}
	// A claim check before its body is fetched has no id yet.
	if u, id := pipeline.Identify(pipeline.Article{}); u != "" || id != "" {
		t.Errorf("an article with no URL and no body got %q %q", u, id)
	}
}

// DecodeRaw identifies what it decodes: a page published with one URL and
// a canonical link to another has the canonical URL and its id from the
// start (the cleaner keeps them).
func TestDecodeRawIdentifies(t *testing.T) {
	a, err := pipeline.DecodeRaw([]byte(`{"url":"https://example.com/amp/a","html":"<head><meta property=\"og:url\" content=\"https://example.com/a\"></head><p>Words.</p>"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != "https://example.com/a" || a.ID != pipeline.ArticleID("https://example.com/a", "") {
		t.Errorf("url %q id %s, want the og:url and its id", a.URL, a.ID)
	}
}

// A bare page in UTF-16 is decoded before anything reads it: it is text,
// not binary, and its canonical link decides its identity as it would in
// UTF-8.
func TestDecodeRawUTF16Identifies(t *testing.T) {
	page := `<html><head><link rel="canonical" href="https://example.com/world/geneva"></head><body><p>Negotiators left Geneva without an agreement.</p></body></html>`
	utf8Page, err := pipeline.DecodeRaw([]byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []struct {
		name  string
		bom   []byte
		order binary.AppendByteOrder
	}{{"utf-16le", []byte{0xff, 0xfe}, binary.LittleEndian}, {"utf-16be", []byte{0xfe, 0xff}, binary.BigEndian}} {
		body := enc.bom
		for _, u := range utf16.Encode([]rune(page)) {
			body = enc.order.AppendUint16(body, u)
		}
		a, err := pipeline.DecodeRaw(body, nil)
		if err != nil {
			t.Fatalf("%s: %v", enc.name, err)
		}
		if a.HTML != page {
			t.Errorf("%s: html %.80q, want the page in UTF-8", enc.name, a.HTML)
		}
		if a.URL != "https://example.com/world/geneva" || a.ID != utf8Page.ID {
			t.Errorf("%s: url %q id %s, want the canonical link's, %s", enc.name, a.URL, a.ID, utf8Page.ID)
		}
	}
}
