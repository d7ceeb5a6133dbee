package fetch

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ts(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestParseFeeds(t *testing.T) {
	tests := []struct {
		file, contentType, url string
		want                   Document
	}{
		{"rss2.xml", "application/rss+xml", "https://news.example.com/rss", Document{Kind: KindFeed, Title: "Example & Co. News", Links: []Link{
			{URL: "https://news.example.com/world/geneva-talks?utm_source=rss&utm_medium=feed", Title: "Talks in Geneva end without a deal",
				Summary: "Diplomats met for eight hours .", Published: ts("2022-01-10T17:30:00Z"), Authors: []string{"Jane Roe"}},
			{URL: "https://news.example.com/business/markets", Title: "Relative link item", Published: ts("2022-01-11T08:00:00Z")},
			{URL: "https://news.example.com/guid-only", Title: "GUID-only item"},
		}}},
		{"atom.xml", "application/atom+xml", "https://atom.example.org/feed", Document{Kind: KindFeed, Title: "Atom News", Links: []Link{
			{URL: "https://atom.example.org/2022/01/markets", Title: "Markets rally", Summary: "Stocks rose on Wednesday.",
				Published: ts("2022-01-12T07:00:00Z"), Updated: ts("2022-01-12T09:30:00Z"), Authors: []string{"John Doe", "Ann Smith"}},
		}}},
		// Served with a wrong Content-Type: the body decides.
		{"feed.json", "text/plain", "https://json.example.net/feed.json", Document{Kind: KindFeed, Title: "JSON News", Links: []Link{
			{URL: "https://json.example.net/posts/1", Title: "A JSON Feed item", Summary: "Summary here",
				Published: ts("2022-01-13T10:00:00Z"), Authors: []string{"Kim Lee"}},
		}}},
		{"news-sitemap.xml", "application/xml", "https://daily.example.com/news-sitemap.xml", Document{Kind: KindSitemap, Links: []Link{
			{URL: "https://daily.example.com/2022/01/14/older", Title: "Older story", Published: ts("2022-01-14T06:00:00Z")},
			{URL: "https://daily.example.com/2022/01/14/newer", Title: "Newer story", Published: ts("2022-01-14T00:00:00Z"), Updated: ts("2022-01-14T12:00:00Z")},
			{URL: "https://daily.example.com/about"},
		}}},
		{"sitemap-index.xml", "text/xml", "https://daily.example.com/sitemap.xml", Document{Kind: KindSitemap, Sitemaps: []Link{
			{URL: "https://daily.example.com/sitemap-2022-01.xml", Updated: ts("2022-01-14T00:00:00Z")},
			{URL: "https://daily.example.com/sitemap-2021-12.xml.gz", Updated: ts("2021-12-31T23:59:59Z")},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := Parse(&Response{URL: tt.url, ContentType: tt.contentType, Body: readTestdata(t, tt.file)}, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(doc, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", doc, tt.want)
			}
		})
	}
}

func TestParseGzippedSitemap(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(readTestdata(t, "news-sitemap.xml"))
	zw.Close()
	doc, err := Parse(&Response{URL: "https://daily.example.com/s.xml.gz", ContentType: "application/x-gzip", Body: b.Bytes()}, 1<<20)
	if err != nil || doc.Kind != KindSitemap || len(doc.Links) != 3 {
		t.Fatalf("gzipped sitemap: %+v, %v", doc, err)
	}
	if _, err := Parse(&Response{URL: "https://daily.example.com/s.xml.gz", Body: b.Bytes()}, 100); err == nil {
		t.Fatal("a gzip file unpacking past the cap was accepted")
	}
}

func TestParseTellsPagesFromOtherThings(t *testing.T) {
	for _, tt := range []struct {
		contentType, body string
		want              Kind
	}{
		{"text/html; charset=utf-8", "<!DOCTYPE html><html><body><p>x</p></body></html>", KindPage},
		{"", "<html><body>x</body></html>", KindPage},
		{"text/plain", "Plain words, a plain article.", KindPage},
		{"application/octet-stream", "<!doctype html><title>x</title><p>y", KindPage},
		{"application/pdf", "%PDF-1.7 ...", KindUnknown},
		{"application/json", `{"hello": "world"}`, KindUnknown},
		{"image/png", "\x89PNG\r\n\x1a\n", KindUnknown},
		{"text/html", "", KindUnknown},
	} {
		doc, err := Parse(&Response{URL: "https://example.com/x", ContentType: tt.contentType, Body: []byte(tt.body)}, 1<<20)
		if doc.Kind != tt.want || (tt.want == KindUnknown) != (err != nil) {
			t.Errorf("Parse(%q, %.20q) = %q, %v; want %q", tt.contentType, tt.body, doc.Kind, err, tt.want)
		}
	}
}

func TestNewestOrdersByDateUndatedLast(t *testing.T) {
	links := []Link{
		{URL: "undated-1"}, {URL: "old", Published: ts("2022-01-01T00:00:00Z")},
		{URL: "updated", Published: ts("2021-01-01T00:00:00Z"), Updated: ts("2022-06-01T00:00:00Z")},
		{URL: "undated-2"}, {URL: "new", Published: ts("2022-03-01T00:00:00Z")},
	}
	var got []string
	for _, l := range Newest(links, 4) {
		got = append(got, l.URL)
	}
	if want := []string{"updated", "new", "old", "undated-1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Newest = %v, want %v", got, want)
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"  plain   words\n here ":                     "plain words here",
		"<p>Tags &amp; <b>entities</b></p>":           "Tags & entities",
		"a<script>evil()</script>b<style>x{}</style>": "a b",
		"caf&eacute; &#8212; ok":                      "café — ok",
	} {
		if got := plainText(in, 100); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := plainText("one two three four", 12); got != "one two" {
		t.Errorf("cut = %q", got)
	}
}
