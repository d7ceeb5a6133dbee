package extract

import "golang.org/x/net/html/atom"

// rawMeta is what the builder notes for metadata while it parses; meta.go
// interprets it once the whole page is read.
type rawMeta struct {
	title      string // <title>
	lang       string // <html lang>
	metas      []metaPair
	jsonLD     []string
	jsonLDOpen int32 // the ld+json <script> being read, or -1
	times      []timeRef
	authors    []int32 // elements marked as author names
	h1         []int32
	headlines  []int32 // itemprop=headline elements
}

// metaPair is a <meta> (or itemprop content) of interest, key lower-cased.
type metaPair struct{ key, value string }

// timeRef is a <time datetime> (or itemprop=datePublished) element.
type timeRef struct {
	elem      int32
	value     string
	published bool // marked as the publication date
}

// noteVoid records metadata carried by void elements: <meta> and <link>.
func (m *rawMeta) noteVoid(a atom.Atom, at *attrInfo) {
	switch a {
	case atom.Meta:
		if len(at.content) == 0 {
			return
		}
		for _, k := range [...][]byte{at.property, at.name, at.itemprop} {
			if key := metaKey(k); key != "" {
				m.metas = append(m.metas, metaPair{key, collapse(attrValue(at.content))})
			}
		}
	}
}

// noteElem records metadata carried by an element that was just opened.
func (m *rawMeta) noteElem(idx int32, a atom.Atom, at *attrInfo) {
	switch a {
	case atom.Html:
		if len(at.lang) > 0 && m.lang == "" {
			m.lang = string(at.lang)
		}
	case atom.Script:
		if hasFold(at.typ, "ld+json") {
			m.jsonLDOpen = idx
		}
	case atom.H1:
		m.h1 = append(m.h1, idx)
	case atom.Time:
		if len(at.datetime) > 0 {
			m.times = append(m.times, timeRef{elem: idx, value: attrValue(at.datetime),
				published: hasFold(at.itemprop, "datepublished") || hasFold(at.itemprop, "datecreated")})
		}
	}
	if len(at.itemprop) > 0 {
		switch {
		case hasFold(at.itemprop, "author") || hasFold(at.itemprop, "creator"):
			m.authors = append(m.authors, idx)
		case hasFold(at.itemprop, "headline"):
			m.headlines = append(m.headlines, idx)
		case a != atom.Time && hasFold(at.itemprop, "datepublished"):
			v := at.content
			if len(v) == 0 {
				v = at.datetime
			}
			if len(v) > 0 {
				m.times = append(m.times, timeRef{elem: idx, value: attrValue(v), published: true})
			}
		}
	}
	if relHas(at.rel, "author") {
		m.authors = append(m.authors, idx)
	}
}

func relHas(rel []byte, value string) bool {
	for f := range fieldsOf(rel) {
		if keyIs(f, value) {
			return true
		}
	}
	return false
}

// metaKey returns the canonical form of a meta name worth keeping, or "".
func metaKey(k []byte) string {
	if len(k) == 0 || len(k) > 48 {
		return ""
	}
	var buf [48]byte
	for i, c := range k {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch s := buf[:len(k)]; string(s) {
	case "og:title", "twitter:title", "title", "headline", "dc.title", "sailthru.title", "parsely-title":
		return "title"
	case "og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site":
		return "site"
	case "description", "og:description", "twitter:description", "dc.description":
		return "description"
	case "og:locale", "language", "content-language", "dc.language", "inlanguage":
		return "lang"
	case "author", "article:author", "og:article:author", "byl", "parsely-author", "sailthru.author",
		"dc.creator", "dcterms.creator", "citation_author", "twitter:creator", "cxenseparse:author":
		return "author"
	case "article:published_time", "og:article:published_time", "og:published_time", "published_time",
		"article:published", "article.published", "pubdate", "publishdate", "publish-date", "publish_date",
		"date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "dcterms.issued",
		"sailthru.date", "parsely-pub-date", "datepublished", "original-publish-date", "citation_publication_date",
		"citation_date", "article_date_original", "cxenseparse:recs:publishtime", "displaydate", "dc.date.created":
		return "published"
	case "article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified":
		return "modified"
	}
	return ""
}
