package main

import (
	"context"
	"encoding/binary"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/cleaner/clean"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
)

// The id an article gets where it enters — the fetcher's seen-memory and
// Nats-Msg-Id, or DecodeRaw for anything published on the raw subject —
// is the id the cleaner gives it, and so the id it is stored under.
func TestArticleKeepsOneIDFromFetcherToCleaner(t *testing.T) {
	const body = `<body><article><h1>Talks in Geneva end without a deal</h1>
<p>Negotiators from the United States and Russia left Geneva on Monday without an agreement, after almost eight hours of talks about the troops massed on Ukraine's border.</p>
<p>"We were firm in pushing back on security proposals that are simply non-starters," the deputy secretary of state, Wendy Sherman, told reporters after the meeting.</p>
<p>The two delegations will meet again in Brussels on Wednesday, with the other members of the alliance at the table.</p>
</article></body>`
	const canonical, amp = "https://www.example.com/world/geneva", "https://www.example.com/amp/geneva"
	pages := []struct{ name, url, head, want string }{
		{"rel canonical", "https://www.example.com/amp/geneva?utm_source=rss", `<link rel="canonical" href="https://www.example.com/world/geneva">`, canonical},
		{"root-relative canonical", "https://m.example.com/amp/geneva", `<link rel="canonical" href="/world/geneva">`, "https://m.example.com/world/geneva"},
		{"og:url only", "https://www.example.com/amp/geneva", `<meta property="og:url" content="https://www.example.com/world/geneva">`, canonical},
		{"twitter:url only", "https://www.example.com/amp/geneva", `<meta name="twitter:url" content="https://www.example.com/world/geneva">`, canonical},
		{"parsely-link only", "https://www.example.com/amp/geneva", `<meta name="parsely-link" content="https://www.example.com/world/geneva">`, canonical},
		{"og:url and a canonical link", "https://www.example.com/amp/geneva", `<meta property="og:url" content="https://www.example.com/og/geneva"><link rel="canonical" href="https://www.example.com/world/geneva">`, canonical},
		{"base and a relative canonical", "https://www.example.com/amp/geneva", `<base href="https://www.example.com/world/"><link rel="canonical" href="geneva">`, canonical},
		{"relative-path canonical (ignored)", "https://www.example.com/amp/geneva", `<link rel="canonical" href="geneva">`, amp},
		{"another site's canonical (ignored)", "https://www.example.com/amp/geneva", `<link rel="canonical" href="https://elsewhere.example.net/geneva">`, amp},
		{"no canonical", "https://www.example.com/world/geneva#comments", ``, canonical},
	}
	fetcher := fetch.New(fetch.Options{})
	cleaner := clean.New(clean.Options{})
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			page := "<!DOCTYPE html><html><head><title>Talks</title>" + p.head + "</head>" + body + "</html>"
			fetched, err := fetcher.Article(&fetch.Response{URL: p.url, ContentType: "text/html; charset=utf-8",
				Body: []byte(page), FetchedAt: time.Now()}, fetch.Link{}, "example")
			if err != nil {
				t.Fatal(err)
			}
			// What the fetcher publishes is what the cleaner's runner decodes.
			data, err := pipeline.EncodeArticle(&fetched)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := pipeline.DecodeRaw(data, nil)
			if err != nil {
				t.Fatal(err)
			}
			cleaned, err := cleaner.Process(context.Background(), raw)
			if err != nil {
				t.Fatal(err)
			}
			if raw.ID != fetched.ID || cleaned.ID != fetched.ID || cleaned.URL != fetched.URL {
				t.Errorf("fetcher %s %s, raw %s, cleaner %s %s", fetched.ID, fetched.URL, raw.ID, cleaned.ID, cleaned.URL)
			}
			if fetched.URL != p.want {
				t.Errorf("url %s, want %s", fetched.URL, p.want)
			}
		})
	}

	// Input with no URL keeps the id DecodeRaw gave it, whether the cleaner
	// changes its text (a page) or not.
	for _, in := range []string{
		"<!DOCTYPE html><html><head><title>Talks</title></head>" + body + "</html>",
		"date 2022-01-10\nNegotiators from the United States and Russia left Geneva on Monday without an agreement.\n\nShare this article\n",
	} {
		raw, err := pipeline.DecodeRaw([]byte(in), nil)
		if err != nil {
			t.Fatal(err)
		}
		cleaned, err := cleaner.Process(context.Background(), raw)
		if err != nil {
			t.Fatal(err)
		}
		if raw.ID == "" || cleaned.ID != raw.ID {
			t.Errorf("%.40q: raw id %q, cleaned id %q", in, raw.ID, cleaned.ID)
		}
	}
	// A bare page in UTF-16, published as it is: the fetcher's id (its
	// UTF-8 copy's) from the decoder to the cleaner.
	page := "<!DOCTYPE html><html><head><title>Talks</title>" + `<link rel="canonical" href="https://www.example.com/world/geneva">` + "</head>" + body + "</html>"
	fetched, err := fetcher.Article(&fetch.Response{URL: amp, ContentType: "text/html; charset=utf-8",
		Body: []byte(page), FetchedAt: time.Now()}, fetch.Link{}, "example")
	if err != nil {
		t.Fatal(err)
	}
	bare := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(page)) {
		bare = binary.LittleEndian.AppendUint16(bare, u)
	}
	raw, err := pipeline.DecodeRaw(bare, nil)
	if err != nil {
		t.Fatal(err)
	}
	cleaned, err := cleaner.Process(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if cleaned.ID != fetched.ID || cleaned.URL != canonical {
		t.Errorf("utf-16 page: cleaned %s %s, want the fetcher's %s %s", cleaned.ID, cleaned.URL, fetched.ID, canonical)
	}
}
