package extract

import (
	"bytes"
	"html"
)

// attrIter walks the attributes of a start tag's raw bytes ("<div a=b>")
// without allocating, following the tokenizer's rules (WHATWG 13.2.5.32-38)
// so it sees the same attributes x/net/html does. The tokenizer's own
// TagName and TagAttr copy every name and value; a page has tens of
// thousands of attributes and we read a handful of them.
type attrIter struct {
	raw []byte
	i   int
}

// newAttrIter positions an iterator after the tag name of raw.
func newAttrIter(raw []byte) attrIter {
	i := 1 // '<'
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			return attrIter{raw: raw, i: i}
		}
		i++
	}
	return attrIter{raw: raw, i: i}
}

// next returns the next attribute; key is as written (compare it with
// keyIs), val is raw (pass it through attrValue when it may hold
// character references).
func (it *attrIter) next() (key, val []byte, ok bool) {
	raw := it.raw
	i := it.i
	// Skip whitespace and stray solidi between attributes.
	for i < len(raw) && (isSpaceByte(raw[i]) || raw[i] == '/') {
		i++
	}
	if i >= len(raw) || raw[i] == '>' {
		it.i = len(raw)
		return nil, nil, false
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
		return key, nil, true
	}
	i++
	for i < len(raw) && isSpaceByte(raw[i]) {
		i++
	}
	if i >= len(raw) {
		it.i = i
		return key, nil, true
	}
	switch q := raw[i]; q {
	case '>':
		it.i = i
		return key, nil, true
	case '"', '\'':
		i++
		vs := i
		if k := bytes.IndexByte(raw[i:], q); k >= 0 {
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

// keyIs reports whether an attribute name equals lower, ignoring ASCII case.
func keyIs(key []byte, lower string) bool {
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
