package extract

import (
	"bytes"
	"html"
	"strings"
)

// attrIter walks the attributes of a start tag's raw bytes ("<div a=b>")
// without allocating, following the tokenizer's rules (WHATWG 13.2.5.32-38)
// so it sees the same attributes x/net/html does. The tokenizer's own
// TagName and TagAttr copy every name and value; a page has tens of
// thousands of attributes and we read a handful of them.
type attrIter[S ~string | ~[]byte] struct {
	raw S
	i   int
	// quote is the quote character of the last value returned, or 0.
	quote byte
}

// newAttrIter positions an iterator after the tag name of raw.
func newAttrIter[S ~string | ~[]byte](raw S) attrIter[S] {
	i := 1 // '<'
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			return attrIter[S]{raw: raw, i: i}
		}
		i++
	}
	return attrIter[S]{raw: raw, i: i}
}

// next returns the next attribute; key is as written (compare it with
// keyIs), val is raw (pass it through attrValue when it may hold
// character references).
func (it *attrIter[S]) next() (key, val S, ok bool) {
	raw := it.raw
	i := it.i
	// Skip whitespace and stray solidi between attributes.
	for i < len(raw) && (isSpaceByte(raw[i]) || raw[i] == '/') {
		i++
	}
	it.quote = 0
	if i >= len(raw) || raw[i] == '>' {
		it.i = i // at the closing '>', or the end
		return key, val, false
	}
	ks := i
	i++ // a leading '=' belongs to the name
	for i < len(raw) {
		c := raw[i]
		if c == '=' || isSpaceByte(c) || c == '/' || c == '>' {
			break
		}
		i++
	}
	key = raw[ks:i]
	for i < len(raw) && isSpaceByte(raw[i]) {
		i++
	}
	if i >= len(raw) || raw[i] != '=' {
		it.i = i
		return key, val, true
	}
	i++
	for i < len(raw) && isSpaceByte(raw[i]) {
		i++
	}
	if i >= len(raw) {
		it.i = i
		return key, val, true
	}
	switch q := raw[i]; q {
	case '>':
		it.i = i
		return key, val, true
	case '"', '\'':
		it.quote = q
		i++
		vs := i
		if k := indexByte(raw[i:], q); k >= 0 {
			i += k
		} else {
			i = len(raw)
		}
		val = raw[vs:i]
		if i < len(raw) {
			i++
		}
	default:
		vs := i
		for i < len(raw) && !isSpaceByte(raw[i]) && raw[i] != '>' {
			i++
		}
		val = raw[vs:i]
	}
	it.i = i
	return key, val, true
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func indexByte[S ~string | ~[]byte](s S, c byte) int {
	switch v := any(s).(type) {
	case string:
		return strings.IndexByte(v, c)
	case []byte:
		return bytes.IndexByte(v, c)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// keyIs reports whether an attribute name equals lower, ignoring ASCII case.
func keyIs[S ~string | ~[]byte](key S, lower string) bool {
	if len(key) != len(lower) {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// attrValue turns a raw attribute value into a string, resolving
// character references only when there are any.
func attrValue(v []byte) string {
	for _, c := range v {
		if c == '&' {
			return html.UnescapeString(string(v))
		}
	}
	return string(v)
}

// hasFold reports whether s contains the ASCII-lowercase needle, ignoring
// ASCII case.
func hasFold(s []byte, lower string) bool {
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		if keyIs(s[i:i+n], lower) {
			return true
		}
	}
	return false
}
