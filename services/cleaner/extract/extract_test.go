package extract

import (
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
)

func extract(t *testing.T, page string) Result {
	t.Helper()
	r, err := Extract(page, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const para = "This paragraph is long enough to read as prose, with a comma, a clause and a full stop at its end. "

// TestContainer: the article is found among the kinds of furniture pages
// put around it.
func TestContainer(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		keep, drop []string
	}{{
		name: "sidebar and comments outweigh a short article",
		page: `<body><div class="page has-sidebar"><main><article><div class="entry-content">
<p>The short article has one paragraph of real text that is long enough to count, ending here.</p>
<p>And a second one, also with enough words in it to look like writing to anyone.</p></div></article>
<div id="comments" class="comments-area"><ol class="comment-list">` + strings.Repeat(`<li class="comment"><div class="comment-body"><p>`+para+para+`</p></div></li>`, 5) + `</ol></div></main>
<aside class="sidebar">` + strings.Repeat(`<p><a href="/x">A related link with a headline of its own</a></p>`, 10) + `</aside></div></body>`,
		keep: []string{"The short article has one paragraph", "And a second one"},
		drop: []string{"long enough to read as prose", "A related link"},
	}, {
		name: "article split into sections",
		page: `<body><div class="layout"><section><div class="bodytext"><p>First section: ` + para + `</p></div></section>
<section><div class="quote">A pull quote.</div></section>
<section><div class="bodytext"><p>Second section: ` + para + `</p></div></section></div>
<footer><p>Imprint, privacy, contact and a sitemap for everything else on the site.</p></footer></body>`,
		keep: []string{"First section", "Second section"},
		drop: []string{"Imprint"},
	}, {
		name: "forum thread is all replies",
		page: `<body><nav><a href=/>Forum</a></nav><div class="js-replyContainer">` +
			strings.Repeat(`<article class="message"><div class="bbWrapper">`+para+`</div></article>`, 3) + `</div></body>`,
		keep: []string{"long enough to read as prose"},
	}, {
		name: "embedded tweet is text",
		page: `<article class="post-content"><p>` + para + `</p><blockquote class="twitter-tweet"><p>A tweet quoted in the story, with its own words.</p></blockquote><p>` + para + `</p></article>`,
		keep: []string{"A tweet quoted in the story"},
	}, {
		name: "link list article",
		page: `<article class="entry-content"><ul><li><a href=/1>First linked headline</a></li><li><a href=/2>Second linked headline</a></li></ul></article>`,
		keep: []string{"First linked headline", "Second linked headline"},
	}} {
		r := extract(t, tc.page)
		for _, s := range tc.keep {
			if !strings.Contains(r.Text, s) {
				t.Errorf("%s: lost %q; got:\n%s", tc.name, s, r.Text)
			}
		}
		for _, s := range tc.drop {
			if strings.Contains(r.Text, s) {
				t.Errorf("%s: kept %q; got:\n%s", tc.name, s, r.Text)
			}
		}
	}
}

func TestMetadata(t *testing.T) {
	for _, tc := range []struct {
		name, page                      string
		title, authors, published, lang string
		site, canonical                 string
	}{{
		name: "json-ld graph",
		page: `<html lang="de-DE"><head><title>Ignored | Site</title><script type="application/ld+json">
{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Beispiel"},
{"@type":"NewsArticle","headline":"Schlagzeile","datePublished":"2021-03-03T10:15:00+01:00",
"author":{"@type":"Person","name":"Anna Schmidt"},"publisher":{"@type":"Organization","name":"Beispiel Zeitung"}}]}
</script></head><body><p>` + para + `</p></body></html>`,
		title: "Schlagzeile", authors: "Anna Schmidt", published: "2021-03-03T09:15:00Z", lang: "de", site: "Beispiel Zeitung",
	}, {
		name: "meta tags and the h1",
		page: `<head><meta property="og:title" content="Talks stall in Geneva - Example"><meta name="author" content="By JANE DOE, Staff Writer">
<meta property="article:published_time" content="2022-01-10T18:30:00Z"><meta property="og:locale" content="en_US">
<meta property="og:site_name" content="Example"><meta property="og:url" content="https://example.com/a"></head>
<body><h1>Talks stall in Geneva</h1><p>` + para + `</p></body>`,
		title: "Talks stall in Geneva", authors: "Jane Doe", published: "2022-01-10T18:30:00Z", lang: "en", site: "Example", canonical: "https://example.com/a",
	}, {
		name: "title tag, byline element and time element",
		page: `<head><title>A headline of several words - Site</title><link rel=canonical href="/story/1"></head>
<body><div class="byline">By <a rel="author" href="/a/x">Sam Lee</a></div><time datetime="2019-11-19T10:43:00-05:00">Nov 19</time>
<p>` + para + `</p></body>`,
		title: "A headline of several words", authors: "Sam Lee", published: "2019-11-19T15:43:00Z", canonical: "/story/1",
	}, {
		name: "dateline written in the page",
		page: `<body><div class="header"><h1>Headline here</h1><div>Tuesday 11 January 2022 19:51 GMT</div></div>
<div class="article-body"><p>` + para + `</p><p>` + para + `</p></div></body>`,
		title: "Headline here", published: "2022-01-11T19:51:00Z",
	}} {
		r := extract(t, tc.page)
		pub := ""
		if !r.Published.IsZero() {
			pub = r.Published.Time.Format(time.RFC3339)
		}
		got := []string{r.Title, strings.Join(r.Authors, "; "), pub, r.Lang, r.SiteName, pipeline.CanonicalHref(tc.page)}
		want := []string{tc.title, tc.authors, tc.published, tc.lang, tc.site, tc.canonical}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: field %d = %q, want %q", tc.name, i, got[i], want[i])
			}
		}
	}
}

func TestBudget(t *testing.T) {
	page := strings.Repeat("<div><p>"+para+"</p></div>", 20000)
	if _, err := Extract(page, time.Now().Add(-time.Second)); err != ErrBudget {
		t.Fatalf("got %v, want ErrBudget", err)
	}
}

func TestExplain(t *testing.T) {
	var b strings.Builder
	Explain(&b, `<body><nav class="menu"><a href=/>Home</a></nav><article><p>`+para+`</p></article></body>`)
	out := b.String()
	for _, want := range []string{"root:", "+", "Home", "P="} {
		if !strings.Contains(out, want) {
			t.Errorf("Explain output lacks %q:\n%s", want, out)
		}
	}
}

// TestFurnitureSection: a section headed "Most popular" inside the
// container is dropped with its heading; a section headed by a real
// subheading is kept.
func TestFurnitureSection(t *testing.T) {
	r := extract(t, `<body><div id="main"><p>`+para+`</p><p>`+para+`</p>
<div><h2>Background</h2><p>The subheading introduces more of the article, and it is kept.</p></div>
<div id="box"><h2>Most popular stories</h2><div><p>A teaser with a sentence of its own.</p></div><div><p>Another teaser sentence here.</p></div></div>
</div></body>`)
	if !strings.Contains(r.Text, "it is kept") || strings.Contains(r.Text, "teaser") || strings.Contains(r.Text, "Most popular") {
		t.Errorf("got:\n%s", r.Text)
	}
}
