package extract

import (
	"strings"
	"unicode"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/services/cleaner/byline"
	"github.com/newsflow/newsflow/services/cleaner/pubdate"
)

// Metadata comes from, in order of trust: the page's JSON-LD article
// object, its <meta> tags (Open Graph, Dublin Core, parsely, sailthru,
// ...), microdata (itemprop), and finally what the page shows: the <h1>,
// the byline, a <time>, a dateline written out in the article header.

// ldArticle is what JSON-LD says about the article.
type ldArticle struct {
	headline, published, lang, site, url string
	authors                              []string
}

// articleTypes are schema.org types that describe an article.
var articleTypes = map[string]bool{
	"Article": true, "NewsArticle": true, "BlogPosting": true, "ReportageNewsArticle": true,
	"AnalysisNewsArticle": true, "OpinionNewsArticle": true, "BackgroundNewsArticle": true,
	"ReviewNewsArticle": true, "LiveBlogPosting": true, "ScholarlyArticle": true, "TechArticle": true,
	"Report": true, "SocialMediaPosting": true, "WebPage": true, "ItemPage": true, "Recipe": true,
	"VideoObject": true, "Blog": true,
}

// parseJSONLD reads the first article object of the page's JSON-LD.
func parseJSONLD(scripts []string) ldArticle {
	var best ldArticle
	bestRank := 0
	for _, s := range scripts {
		s = strings.TrimSpace(s)
		s = strings.TrimPrefix(s, "<!--")
		s = strings.TrimSuffix(s, "-->")
		s = strings.TrimPrefix(strings.TrimSpace(s), "//<![CDATA[")
		s = strings.TrimSuffix(strings.TrimSpace(s), "//]]>")
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			continue
		}
		walkLD(v, 0, func(obj map[string]any, rank int) {
			if rank <= bestRank {
				return
			}
			best, bestRank = ldFrom(obj), rank
		})
	}
	return best
}

// walkLD calls f for every object with an article type, with a rank:
// news and blog articles above generic web pages.
func walkLD(v any, depth int, f func(map[string]any, int)) {
	if depth > 6 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkLD(e, depth+1, f)
		}
	case map[string]any:
		rank := 0
		for _, t := range stringsOf(x["@type"]) {
			switch {
			case t == "WebPage" || t == "ItemPage" || t == "Blog" || t == "VideoObject" || t == "Recipe":
				rank = max(rank, 1)
			case articleTypes[t]:
				rank = max(rank, 2)
			}
		}
		if rank > 0 {
			f(x, rank)
		}
		if g, ok := x["@graph"]; ok {
			walkLD(g, depth+1, f)
		}
	}
}

func ldFrom(obj map[string]any) ldArticle {
	a := ldArticle{
		headline:  firstString(obj["headline"], obj["name"]),
		published: firstString(obj["datePublished"], obj["dateCreated"], obj["uploadDate"]),
		lang:      firstString(obj["inLanguage"]),
		url:       firstString(obj["url"], obj["mainEntityOfPage"]),
	}
	if p, ok := obj["publisher"].(map[string]any); ok {
		a.site = firstString(p["name"])
	}
	for _, key := range []string{"author", "creator"} {
		for _, v := range listOf(obj[key]) {
			switch x := v.(type) {
			case string:
				a.authors = append(a.authors, x)
			case map[string]any:
				if n := firstString(x["name"]); n != "" {
					a.authors = append(a.authors, n)
				}
			}
		}
		if len(a.authors) > 0 {
			break
		}
	}
	return a
}

func listOf(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func stringsOf(v any) []string {
	var out []string
	for _, e := range listOf(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// firstString returns the first non-empty string among vs; an object
// with "@id" or "name" counts as that string.
func firstString(vs ...any) string {
	for _, v := range vs {
		switch x := v.(type) {
		case string:
			if s := collapse(x); s != "" {
				return s
			}
		case []any:
			if len(x) > 0 {
				if s := firstString(x[0]); s != "" {
					return s
				}
			}
		case map[string]any:
			if s := firstString(x["@id"], x["name"]); s != "" {
				return s
			}
		}
	}
	return ""
}

// metadata fills r's metadata from the parsed document; root is the
// article container, used to tell the article's byline and dateline from
// the rest of the page's.
func (r *Result) metadata(d *document, a *analysis, root int32) {
	m := &d.meta
	ld := parseJSONLD(m.jsonLD)
	metaVal := func(key string) string {
		for _, p := range m.metas {
			if p.key == key && p.value != "" {
				return p.value
			}
		}
		return ""
	}

	r.SiteName = ld.site
	for _, p := range m.metas {
		if p.key == "site" && p.value != "" && !strings.HasPrefix(p.value, "@") && !strings.HasPrefix(p.value, "http") {
			r.SiteName = p.value
			break
		}
	}
	r.Title = pickTitle(d, ld.headline, metaVal("title"), m.title, r.SiteName)
	r.Description = metaVal("description")
	r.Lang = normaliseLang(firstNonEmpty(m.lang, ld.lang, metaVal("lang")))
	r.Authors = pickAuthors(d, ld.authors, m, r.SiteName)
	r.Published = pickPublished(d, a, root, ld.published, m)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// elemText is the visible text of an element, whitespace collapsed.
func elemText(d *document, i int32) string {
	e := &d.elems[i]
	if e.textEnd <= e.textStart {
		return ""
	}
	return collapse(string(d.text[e.textStart:e.textEnd]))
}

// pickTitle prefers the visible headline (<h1>) when the metadata agrees
// with it, else the metadata's title, else <title> without the site name.
func pickTitle(d *document, ldHeadline, metaTitle, titleTag, site string) string {
	stripped := stripSiteName(titleTag, site)
	meta := firstNonEmpty(metaTitle, ldHeadline, stripped)
	for _, h := range d.meta.h1 {
		t := elemText(d, h)
		if t == "" || len(t) > 300 {
			continue
		}
		if meta == "" || similar(t, meta) || similar(t, titleTag) {
			return t
		}
	}
	if meta != "" {
		return stripSiteName(meta, site)
	}
	return ""
}

// titleSeparators join a headline to the site name in <title>.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » ", " / "}

// stripSiteName removes the site name from a "Headline | Site" title: the
// part equal to the site name if known, else the shorter side when the
// other is clearly the headline.
func stripSiteName(t, site string) string {
	for _, sep := range titleSeparators {
		i := strings.LastIndex(t, sep)
		if i <= 0 {
			continue
		}
		head, tail := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+len(sep):])
		switch {
		case site != "" && strings.EqualFold(tail, site):
			return head
		case site != "" && strings.EqualFold(head, site):
			return tail
		case countWords(tail) <= 4 && countWords(head) >= 2*countWords(tail)+1:
			return head
		}
	}
	return t
}

func countWords(s string) int { return len(strings.Fields(s)) }

// similar reports whether two titles share most of their words.
func similar(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	wa, wb := wordSet(a), wordSet(b)
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	return common*10 >= 6*min(len(wa), len(wb))
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		m[w] = true
	}
	return m
}

// pickAuthors takes JSON-LD's authors, else the meta tags', else the
// names in the page's byline elements.
func pickAuthors(d *document, ld []string, m *rawMeta, site string) []string {
	var raw []string
	raw = append(raw, ld...)
	if len(raw) == 0 {
		for _, p := range m.metas {
			if p.key == "author" {
				raw = append(raw, p.value)
			}
		}
	}
	if len(raw) == 0 {
		for _, e := range m.authors {
			raw = append(raw, elemText(d, e))
		}
	}
	return byline.Names(raw, site)
}

// pickPublished reads the publication date from JSON-LD, meta tags,
// <time> elements, then a dateline written near the top of the article.
func pickPublished(d *document, a *analysis, root int32, ld string, m *rawMeta) pubdate.Date {
	if t, ok := pubdate.Parse(ld); ok {
		return t
	}
	for _, p := range m.metas {
		if p.key == "published" {
			if t, ok := pubdate.Parse(p.value); ok {
				return t
			}
		}
	}
	for _, want := range []bool{true, false} {
		for _, tr := range m.times {
			if tr.published == want {
				if t, ok := pubdate.Parse(tr.value); ok {
					return t
				}
			}
		}
	}
	// A dateline: a short block shortly before or at the start of the
	// article that holds a date.
	if root > 0 {
		first := d.elems[root].firstBlock
		for i := max(0, first-20); i < min(int32(len(d.blocks)), first+5); i++ {
			bl := &d.blocks[i]
			if bl.words > 16 {
				continue
			}
			if t, ok := pubdate.Find(string(d.text[bl.start:bl.end])); ok {
				return t
			}
		}
	}
	return pubdate.Date{}
}

// normaliseLang turns "en-US", "de_DE", "EN" into ISO 639-1 "en", or "".
func normaliseLang(s string) string {
	s = strings.TrimSpace(strings.ToLower(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	if len(s) != 2 || !isLetterByte(s[0]) || !isLetterByte(s[1]) {
		return ""
	}
	return s
}
