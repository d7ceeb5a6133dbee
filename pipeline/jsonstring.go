package pipeline

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/segmentio/encoding/json"
)

// Article bodies dominate the bytes every stage decodes and encodes, and
// segmentio/encoding handles long strings with escapes (every paragraph
// break is one) a rune at a time, several times slower than the rest of
// the message. Article therefore passes its two long strings, Text and
// HTML, through the byte-slice codec below and leaves the rest to the
// library. The output is the same JSON: invalid UTF-8 becomes U+FFFD,
// control characters, quotes and backslashes are escaped, as are U+2028
// and U+2029 so the JSON is safe to embed in JavaScript.

// articleFields is Article without its methods or special handling: the
// library's view of it.
type articleFields Article

// encodeArticle has the library encode the article with a one-byte
// placeholder for Text and HTML, so each keeps its place in the object, then
// splices the escaped strings in: one allocation, one pass over the long
// strings. A placeholder is found as the first `"text":"\u0000"` member:
// nothing encoded before it can contain that sequence unescaped (string
// values escape their quotes, and only top-level fields precede it).
func encodeArticle(dst []byte, a *Article, w *Wire) ([]byte, error) {
	const placeholder = "\x00"
	rest := *a
	if rest.Text != "" {
		rest.Text = placeholder
	}
	if rest.HTML != "" {
		rest.HTML = placeholder
	}
	n := len(a.Text) + len(a.HTML)
	if n == 0 {
		return json.Append(dst, (*articleFields)(&rest), 0)
	}
	scratch := getScratch()
	defer putScratch(scratch)
	doc, err := json.Append((*scratch)[:0], (*articleFields)(&rest), 0)
	*scratch = doc
	if err != nil {
		return nil, err
	}
	out := dst
	if need := len(dst) + len(doc) + n + n/16 + 16; cap(out) < need {
		out = make([]byte, len(dst), need)
		copy(out, dst)
	}
	var prior [2]wireString
	if w != nil {
		prior = [2]wireString{w.html, w.text}
	}
	for i, f := range [...]struct{ key, val string }{{`"html":`, a.HTML}, {`"text":`, a.Text}} {
		if f.val == "" {
			continue
		}
		marker := f.key + `"\u0000"`
		at := bytes.Index(doc, []byte(marker))
		if at < 0 {
			return nil, fmt.Errorf("encoding article: no %s placeholder", f.key)
		}
		out = append(out, doc[:at+len(f.key)]...)
		if prior[i].holds(f.val) {
			out = append(out, prior[i].raw...) // unchanged since decoding: copy, don't escape
		} else {
			out = appendJSONString(out, f.val)
		}
		doc = doc[at+len(marker):]
	}
	return append(out, doc...), nil
}

// scratchBuffers hold the small documents the codec hands the library, the
// article without its text and html: the library copies what it decodes,
// and its encoding is copied out, so they never outlive the call.
var scratchBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getScratch() *[]byte { return scratchBuffers.Get().(*[]byte) }

func putScratch(b *[]byte) {
	if cap(*b) <= 64<<10 { // an article with huge entity lists: let it go
		scratchBuffers.Put(b)
	}
}

// decodeArticle reads the top-level object itself: text and html values are
// unquoted in one pass straight from the input, every other member is
// gathered into an object the library decodes. The library never scans
// the long strings, which is where its time went.
func decodeArticle(data []byte, w *Wire) (Article, error) {
	var a Article
	p := skipSpace(data)
	if len(p) == 0 || p[0] != '{' {
		return Article{}, errors.New("article is not a JSON object")
	}
	p = p[1:]
	scratch := getScratch()
	defer putScratch(scratch)
	rest := append((*scratch)[:0], '{')
	defer func() { *scratch = rest }()
	for {
		p = skipSpace(p)
		if len(p) > 0 && p[0] == '}' && len(rest) == 1 {
			p = p[1:]
			break
		}
		if len(p) == 0 || p[0] != '"' {
			return Article{}, errors.New("article: expected a member name")
		}
		keyEnd, err := stringEnd(p)
		if err != nil {
			return Article{}, err
		}
		key := p[:keyEnd]
		p = skipSpace(p[keyEnd:])
		if len(p) == 0 || p[0] != ':' {
			return Article{}, errors.New("article: expected ':' after member name")
		}
		p = skipSpace(p[1:])
		// The library matches member names case-insensitively, and the
		// last of several matching members wins; so do we.
		var dst *string
		var seen *wireString
		switch {
		case bytes.EqualFold(key, []byte(`"text"`)):
			dst = &a.Text
			if w != nil {
				seen = &w.text
			}
		case bytes.EqualFold(key, []byte(`"html"`)):
			dst = &a.HTML
			if w != nil {
				seen = &w.html
			}
		}
		if dst != nil && len(p) > 0 && p[0] == '"' {
			s, n, reusable, err := unquoteFast(p)
			if err != nil {
				return Article{}, fmt.Errorf("article %s: %w", key, err)
			}
			*dst = s
			if seen != nil {
				*seen = wireString{}
				if reusable {
					*seen = wireString{raw: p[:n], val: s}
				}
			}
			p = p[n:]
		} else {
			n, err := valueEnd(p)
			if err != nil {
				return Article{}, fmt.Errorf("article %s: %w", key, err)
			}
			if len(rest) > 1 {
				rest = append(rest, ',')
			}
			rest = append(append(append(rest, key...), ':'), p[:n]...)
			p = p[n:]
		}
		p = skipSpace(p)
		if len(p) > 0 && p[0] == ',' {
			p = p[1:]
			continue
		}
		if len(p) > 0 && p[0] == '}' {
			p = p[1:]
			break
		}
		return Article{}, errors.New("article: expected ',' or '}' after a member")
	}
	if len(skipSpace(p)) != 0 {
		return Article{}, errors.New("article: data after the closing brace")
	}
	text, html := a.Text, a.HTML
	rest = append(rest, '}')
	if err := json.Unmarshal(rest, (*articleFields)(&a)); err != nil {
		return Article{}, err
	}
	a.Text, a.HTML = text, html
	return a, nil
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// stringEnd returns the length of the JSON string at the start of b,
// quotes included.
func stringEnd(b []byte) (int, error) {
	for i := 1; ; {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return 0, errors.New("unterminated string")
		}
		j += i
		// The quote is escaped if an odd number of backslashes precede it.
		k := j - 1
		for k > 0 && b[k] == '\\' {
			k--
		}
		if (j-1-k)%2 == 0 {
			return j + 1, nil
		}
		i = j + 1
	}
}

// valueEnd returns the length of the JSON value at the start of b; the
// library validates it afterwards.
func valueEnd(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, errors.New("missing value")
	}
	switch b[0] {
	case '"':
		return stringEnd(b)
	case '{', '[':
		depth := 0
		for i := 0; i < len(b); i++ {
			switch b[i] {
			case '"':
				n, err := stringEnd(b[i:])
				if err != nil {
					return 0, err
				}
				i += n - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated object or array")
	default:
		i := 0
		for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' {
			i++
		}
		return i, nil
	}
}

// unquoteFast decodes the JSON string at the start of b and returns it
// with the number of bytes it took. Each byte is looked at by one
// IndexByte scan; invalid UTF-8 becomes U+FFFD byte by byte, as the
// library does. It accepts raw control characters, which strict JSON
// forbids: harmless in an article body, and not worth a per-byte check.
func unquoteFast(b []byte) (string, int, bool, error) {
	n, err := stringEnd(b)
	if err != nil {
		return "", 0, false, err
	}
	s := b[1 : n-1]
	// Escapes are ASCII, so the raw bytes are valid UTF-8 exactly when the
	// decoded string is: check once. The literal can be written out again
	// as it came only if it is what appendJSONString would write: valid, no
	// raw controls, no raw line or paragraph separators.
	valid, controls, separators := scanText(s)
	reusable := valid && !controls && !separators
	if bytes.IndexByte(s, '\\') < 0 {
		if valid {
			return string(s), n, reusable, nil
		}
		return string(coerceUTF8(nil, s)), n, false, nil
	}
	out := make([]byte, 0, len(s)) // unescaping only shrinks
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			i = len(s)
		}
		if valid {
			out = append(out, s[:i]...)
		} else {
			out = coerceUTF8(out, s[:i])
		}
		if i == len(s) {
			break
		}
		var next int
		if out, next, err = appendEscape(out, s, i); err != nil {
			return "", 0, false, err
		}
		s = s[next:]
	}
	// out is ours and never written again: the string can share it.
	return unsafe.String(unsafe.SliceData(out), len(out)), n, reusable, nil
}

// scanText reports whether b is valid UTF-8 and, if it is, whether it
// holds controls (bytes below 0x20) and line or paragraph separators
// (U+2028, U+2029): what decides whether a string literal can be copied
// out as is, and whether encoding a string can take the fast path. It runs
// over every article body the runner decodes and every body a stage
// rewrites, so it makes one pass, 32 ASCII bytes a step, decoding only the
// non-ASCII runes: faster than utf8.Valid and a second search, on plain
// and on curly-quoted text alike.
func scanText(b []byte) (valid, controls, separators bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasControl := func(x uint64) uint64 { return (x - 0x20*ones) &^ x & highs }
	for i := 0; i < len(b); {
		if i+32 <= len(b) {
			w := b[i : i+32]
			x := [4]uint64{binary.LittleEndian.Uint64(w), binary.LittleEndian.Uint64(w[8:]),
				binary.LittleEndian.Uint64(w[16:]), binary.LittleEndian.Uint64(w[24:])}
			if hasControl(x[0])|hasControl(x[1])|hasControl(x[2])|hasControl(x[3]) != 0 {
				controls = true
			}
			if (x[0]|x[1]|x[2]|x[3])&highs == 0 {
				i += 32
				continue
			}
			// Skip to the first rune that is not ASCII, decoded below.
			for k := range x {
				if h := x[k] & highs; h != 0 {
					i += 8*k + bits.TrailingZeros64(h)/8
					break
				}
			}
		} else if c := b[i]; c < utf8.RuneSelf {
			controls = controls || c < 0x20
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return false, false, false
		}
		separators = separators || r == '\u2028' || r == '\u2029'
		i += size
	}
	return true, controls, separators
}

// Wire is what DecodeArticleWire remembers of the message an article came
// from: its text and html as written there, so that AppendArticleWire can
// copy those the stage left unchanged instead of escaping them again. It
// refers into the message's bytes, which must stay unmodified until then.
type Wire struct {
	text, html wireString
}

type wireString struct {
	raw []byte // the JSON string literal, quotes included
	val string // what it decoded to
}

// holds reports whether s is the very string decoded from raw: strings are
// immutable, so the same bytes at the same address are the same value.
func (w wireString) holds(s string) bool {
	return w.raw != nil && len(s) == len(w.val) && unsafe.StringData(s) == unsafe.StringData(w.val)
}

// appendEscape decodes the escape sequence at s[at] (a backslash) onto out
// and returns the index after it.
func appendEscape(out, s []byte, at int) ([]byte, int, error) {
	if at+1 >= len(s) {
		return out, 0, errors.New("truncated escape")
	}
	switch c := s[at+1]; c {
	case '"', '\\', '/':
		return append(out, c), at + 2, nil
	case 'n':
		return append(out, '\n'), at + 2, nil
	case 'r':
		return append(out, '\r'), at + 2, nil
	case 't':
		return append(out, '\t'), at + 2, nil
	case 'b':
		return append(out, '\b'), at + 2, nil
	case 'f':
		return append(out, '\f'), at + 2, nil
	case 'u':
		r, ok := hex4(s[at+2:])
		if !ok {
			return out, 0, errors.New("bad \\u escape")
		}
		next := at + 6
		if utf16.IsSurrogate(r) {
			r2, ok := rune(0), false
			if next+6 <= len(s) && s[next] == '\\' && s[next+1] == 'u' {
				r2, ok = hex4(s[next+2:])
			}
			if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
				r, next = dec, next+6
			} else {
				r = utf8.RuneError
			}
		}
		return utf8.AppendRune(out, r), next, nil
	default:
		return out, 0, fmt.Errorf("invalid escape \\%c", c)
	}
}

// appendJSONString appends s as a JSON string literal.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	// Valid UTF-8 without line or paragraph separators, the usual case, is
	// copied in runs found eight bytes at a time; only controls, quotes and
	// backslashes need a look.
	valid, _, separators := scanText(unsafe.Slice(unsafe.StringData(s), len(s)))
	fast := valid && !separators
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if fast {
			if i += plainPrefix(s[i:]); i >= len(s) {
				break
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			start = i + 1
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainPrefix returns how many leading bytes of s need no escaping, given
// that s is valid UTF-8 without U+2028/U+2029: bytes other than controls,
// '"' and '\\'. It looks at eight bytes at a time.
func plainPrefix(s string) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		q, bs := x^('"'*ones), x^('\\'*ones)
		// Bit tricks: a high bit survives where a byte is below 0x20 or
		// equal to '"' or '\\'.
		if ((x-0x20*ones)&^x|(q-ones)&^q|(bs-ones)&^bs)&highs != 0 {
			break
		}
	}
	for i < len(s) && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' {
		i++
	}
	return i
}

func appendValidUTF8(dst, s []byte) []byte {
	if utf8.Valid(s) {
		return append(dst, s...)
	}
	return coerceUTF8(dst, s)
}

func coerceUTF8(dst, s []byte) []byte {
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		dst = utf8.AppendRune(dst, r) // RuneError for each invalid byte
		s = s[size:]
	}
	return dst
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
