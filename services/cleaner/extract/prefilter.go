package extract

import "strings"

// prefilter returns page without the parts that can never be article
// text or metadata: comments; the contents of <script> (except JSON-LD,
// which metadata reads), <style>, <template>, <svg> and <math>; and the
// attributes nothing reads (src, srcset, data-*, alt, event handlers).
// On a typical news page they are two thirds of the bytes — inline
// bundles, style sheets, state blobs, icon sprites — and x/net/html's
// tokenizer reads every byte through a function call and allocates for
// every attribute; skipping them with IndexByte first makes extraction
// several times cheaper. The result tokenizes like the original but for
// the removed parts: tags are read with the tokenizer's own rules for
// attributes, so a '<' or '>' inside a quoted value is not taken for
// markup.
func prefilter(page string) string {
	var b []byte
	kept := 0 // page[kept:i] is still to be copied
	i := 0
	for {
		j := strings.IndexByte(page[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := page[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := commentEnd(rest)
			b = grow(b, len(page))
			b = append(b, page[kept:i]...)
			i += end
			kept = i
			continue
		case len(rest) > 1 && (rest[1] == '/' || rest[1] == '!' || rest[1] == '?'):
			// An end tag, a doctype or a bogus comment runs to its '>'
			// whatever it holds, as in the tokenizer ("</p <script>",
			// "</<x", "<?xml ...>").
			if k := strings.IndexByte(rest, '>'); k >= 0 {
				i += k + 1
			} else {
				i = len(page)
			}
			continue
		case len(rest) > 1 && isASCIILetter(rest[1]):
			name, tagEnd := scanTag(rest)
			switch name {
			case "script", "style", "template", "svg", "math", "textarea", "title", "xmp", "iframe", "noembed", "noframes":
			default:
				if tag := rest[:tagEnd]; hasAttrs(tag) {
					// Rewrite every tag with attributes: one pass, and
					// the bytes before it are copied now instead of later.
					b = grow(b, len(page))
					b = append(b, page[kept:i]...)
					b = appendTrimmed(b, tag)
					kept = i + tagEnd
				}
				i += tagEnd
				continue
			}
			if name == "script" && strings.Contains(strings.ToLower(rest[:tagEnd]), "ld+json") {
				i += tagEnd
				continue
			}
			close := indexCloseTag(rest[tagEnd:], name)
			switch name {
			case "textarea", "title", "xmp", "iframe", "noembed", "noframes":
				// Raw text the tokenizer handles itself; skip over it
				// here so a "<script" inside is not taken for a tag.
				if close < 0 {
					i = len(page)
				} else {
					i += tagEnd + close // the end tag is skipped next round
				}
				continue
			}
			b = grow(b, len(page))
			b = append(b, page[kept:i]...)
			if close < 0 {
				// Unclosed: the tokenizer would read the rest as the
				// element's content, so drop it all.
				i, kept = len(page), len(page)
				continue
			}
			// Keep an empty element so the tree is unchanged.
			b = append(b, '<')
			b = append(b, name...)
			b = append(b, "></"...)
			b = append(b, name...)
			b = append(b, '>')
			i += tagEnd + close
			if k := strings.IndexByte(page[i:], '>'); k >= 0 {
				i += k + 1
			} else {
				i = len(page)
			}
			kept = i
			continue
		}
		i++
	}
	if kept == 0 {
		return page
	}
	b = append(b, page[kept:]...)
	return string(b)
}

// grow gives b room for the filtered page on first use.
func grow(b []byte, pageLen int) []byte {
	if b == nil {
		return make([]byte, 0, pageLen/2)
	}
	return b
}

// usedAttr reports whether the builder or metadata reads an attribute;
// prefilter drops the others (src, srcset, data-*, alt, width, onclick,
// ...), which are most of a page's markup and, in x/net/html's
// tokenizer, cost a byte-wise read and an allocation each.
func usedAttr(key string) bool {
	if len(key) < 2 || len(key) > 11 {
		return false
	}
	var buf [11]byte
	for i := 0; i < len(key); i++ {
		buf[i] = key[i] | 0x20
	}
	switch string(buf[:len(key)]) {
	case "class", "id", "style", "hidden", "aria-hidden", "role", "itemprop", "rel", "name",
		"property", "content", "datetime", "type", "lang", "xml:lang", "charset", "http-equiv", "href":
		return true
	}
	return false
}

// appendTrimmed appends tag to b with only the attributes usedAttr keeps,
// as written (quotes and character references untouched).
func appendTrimmed(b []byte, tag string) []byte {
	it := newAttrIter(tag)
	b = append(b, tag[:it.i]...) // "<name"
	lastValueEnd := -1           // where the last unquoted value ends
	for {
		k, v, ok := it.next()
		if !ok {
			break
		}
		if it.quote == 0 && v != "" {
			lastValueEnd = it.i
		}
		if !usedAttr(k) {
			continue
		}
		b = append(b, ' ')
		b = append(b, k...)
		if it.quote != 0 {
			b = append(b, '=', it.quote)
			b = append(b, v...)
			b = append(b, it.quote)
		} else if v != "" {
			b = append(b, '=')
			b = append(b, v...)
		}
	}
	// "<br/>" is self-closing; "<a href=x/>" is an unquoted value
	// ending in a solidus.
	t := strings.TrimSuffix(tag, ">")
	if strings.HasSuffix(t, "/") && lastValueEnd != len(t) {
		b = append(b, '/')
	}
	return append(b, '>')
}

// commentEnd returns the length of the comment at the start of s, which
// begins with "<!--", following HTML's rules for "<!-->" and "--!>".
func commentEnd(s string) int {
	if strings.HasPrefix(s, "<!-->") {
		return 5
	}
	if strings.HasPrefix(s, "<!--->") {
		return 6
	}
	end := len(s)
	if k := strings.Index(s[4:], "-->"); k >= 0 {
		end = 4 + k + 3
	}
	// "--!>" also ends a comment; look for it only before "-->", or a
	// page of many comments would be searched to its end for each.
	if k := strings.Index(s[4:end], "--!>"); k >= 0 {
		end = 4 + k + 4
	}
	return end
}

// scanTag reads a start tag at the start of s: its lower-cased name if
// it is one prefilter cares about (else ""), and its length including
// '>'. Quoted attribute values may contain '>'.
func scanTag(s string) (name string, n int) {
	i := 1
	for i < len(s) && !isSpaceByte(s[i]) && s[i] != '>' && s[i] != '/' {
		i++
	}
	name = interesting(s[1:i])
	k := strings.IndexByte(s[i:], '>')
	if k < 0 {
		return name, len(s)
	}
	// Fast path: the quotes before the first '>' are balanced, so that
	// '>' closes the tag.
	head := s[i : i+k]
	if strings.Count(head, `"`)%2 == 0 && strings.Count(head, "'")%2 == 0 {
		return name, i + k + 1
	}
	// Otherwise read the attributes as the tokenizer does: a quote only
	// opens a value after '=' ("<img height="63"">" ends at its '>').
	it := newAttrIter(s)
	for {
		if _, _, ok := it.next(); !ok {
			break
		}
	}
	if it.i < len(s) {
		return name, it.i + 1 // past the '>'
	}
	return name, len(s)
}

// interesting maps a tag name to its lower-case form when prefilter
// treats it specially.
func interesting(name string) string {
	if len(name) < 3 || len(name) > 8 {
		return ""
	}
	var buf [8]byte
	for i := 0; i < len(name); i++ {
		buf[i] = name[i] | 0x20 // ASCII lower case; other bytes never match
	}
	switch string(buf[:len(name)]) {
	case "script":
		return "script"
	case "style":
		return "style"
	case "template":
		return "template"
	case "svg":
		return "svg"
	case "math":
		return "math"
	case "textarea":
		return "textarea"
	case "title":
		return "title"
	case "xmp":
		return "xmp"
	case "iframe":
		return "iframe"
	case "noembed":
		return "noembed"
	case "noframes":
		return "noframes"
	}
	return ""
}

// indexCloseTag returns the index in s of "</name" (any case) followed by
// a space, '/' or '>', or -1.
func indexCloseTag(s, name string) int {
	for i := 0; ; {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return -1
		}
		i += j
		end := i + 2 + len(name)
		if end <= len(s) && strings.EqualFold(s[i+2:end], name) &&
			(end == len(s) || isSpaceByte(s[end]) || s[end] == '>' || s[end] == '/') {
			return i
		}
		i += 2
	}
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
