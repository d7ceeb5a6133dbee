// Package charset turns the raw bytes of a page or a text into UTF-8. It
// is the one place newsflow decides a character set: the fetcher (for what
// it publishes), the raw decoder (pipeline.DecodeRaw) and the cleaner all
// call it, with the same rule and the same prescan.
//
// The rule, in order: valid UTF-8 stays UTF-8 whatever is declared; else a
// byte-order mark; else the charset the transport declares (an HTTP or
// message Content-Type, when the caller has one: DecodeHTTP); else the first
// charset the page declares in its first 16 KB (<meta charset>, <meta
// http-equiv> content, an XML declaration, or any "charset=" there); else
// windows-1252, which is what browsers assume and which maps every byte.
// It never guesses from byte statistics beyond telling UTF-8 with a few
// stray bytes from a legacy encoding: statistical detectors mis-read pages
// whose first kilobytes are ASCII, which is most of the web.
//
// The prescan is 16 KB, not the 1 KB of the HTML standard's prescan: heads
// with inline scripts and styles put the <meta charset> later than that.
package charset

import (
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// UTF8 and Windows1252 are the names Decode reports for its two most
// common outcomes.
const (
	UTF8        = "utf-8"
	Windows1252 = "windows-1252"
)

// prescanLimit is how far into the page a declaration is looked for.
const prescanLimit = 16 << 10

// Decode returns raw as UTF-8 and the canonical name of the encoding it
// was read as. Valid UTF-8 is returned as is, without copying.
func Decode(raw string) (text, encodingName string) { return decode(raw, "") }

// DecodeHTTP is Decode for a body that came with a Content-Type (an HTTP
// response's, a message header's): a known charset it names is trusted
// over the page's own declaration, as browsers do.
func DecodeHTTP(raw, contentType string) (text, encodingName string) {
	return decode(raw, Lookup(ContentTypeLabel(contentType)))
}

// ContentTypeLabel is the charset parameter of a Content-Type, or "".
func ContentTypeLabel(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// Lookup returns the canonical name of the encoding label names, if this
// package can decode it, or "" (UTF-16 labels without a byte-order mark
// name UTF-8, see Declared).
func Lookup(label string) string {
	if label == "" {
		return ""
	}
	return canonical(label)
}

// NewReaderLabel decodes input from the encoding label names into UTF-8;
// it is the CharsetReader an encoding/xml decoder needs.
func NewReaderLabel(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(strings.TrimSpace(label))
	if err != nil {
		return nil, fmt.Errorf("unsupported charset %q", label)
	}
	return transform.NewReader(input, enc.NewDecoder()), nil
}

func decode(raw, declared string) (text, encodingName string) {
	if utf8.ValidString(raw) {
		return raw, UTF8
	}
	switch {
	case strings.HasPrefix(raw, "\xef\xbb\xbf"):
		return strings.ToValidUTF8(raw[3:], "\uFFFD"), UTF8
	case strings.HasPrefix(raw, "\xff\xfe"):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), raw), "utf-16le"
	case strings.HasPrefix(raw, "\xfe\xff"):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), raw), "utf-16be"
	}
	name := declared
	if name == "" {
		name = Declared(raw)
	}
	if name == UTF8 || (name == "" && mostlyUTF8(raw)) {
		return strings.ToValidUTF8(raw, "\uFFFD"), UTF8
	}
	if name == "" {
		name = Windows1252
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		enc, name = charmap.Windows1252, Windows1252
	}
	return decodeWith(enc, raw), name
}

func decodeWith(enc encoding.Encoding, raw string) string {
	out, err := enc.NewDecoder().String(raw)
	if err != nil {
		// x/text decoders replace bad input rather than fail; this is a
		// belt for a decoder that does not.
		out, _ = charmap.Windows1252.NewDecoder().String(raw)
	}
	return strings.ToValidUTF8(out, "\uFFFD")
}

// Declared returns the canonical name of the encoding declared in the
// first 16 KB of page — by a <meta> tag if any, else by the first
// charset= anywhere — that this package can decode, or "". A page
// declaring UTF-16 without a byte-order mark cannot be UTF-16 (its markup
// was readable as ASCII), so, as in browsers, that means UTF-8.
func Declared(page string) string {
	head := page
	if len(head) > prescanLimit {
		head = head[:prescanLimit]
	}
	if name := xmlDeclaration(head); name != "" {
		return name
	}
	// <meta> declarations first: a page's own <script charset="utf-8">
	// (web archives inject them) says nothing about the page.
	for i := 0; ; {
		j := indexFold(head[i:], "<meta")
		if j < 0 {
			break
		}
		i += j + len("<meta")
		end := strings.IndexByte(head[i:], '>')
		if end < 0 {
			end = len(head) - i
		}
		if name := firstCharset(head[i : i+end]); name != "" {
			return name
		}
	}
	return firstCharset(head)
}

// firstCharset returns the first known encoding named by a charset=
// in s, or "".
func firstCharset(s string) string {
	for i := 0; ; {
		j := indexFold(s[i:], "charset")
		if j < 0 {
			return ""
		}
		i += j + len("charset")
		label, ok := labelAfter(s[i:])
		if !ok {
			continue
		}
		if name := canonical(label); name != "" {
			return name
		}
	}
}

// xmlDeclaration reads encoding="…" from a leading <?xml …?>.
func xmlDeclaration(head string) string {
	if !strings.HasPrefix(head, "<?xml") {
		return ""
	}
	end := strings.Index(head, "?>")
	if end < 0 {
		return ""
	}
	decl := head[:end]
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	if label, ok := labelAfter(decl[i+len("encoding"):]); ok {
		return canonical(label)
	}
	return ""
}

// labelAfter parses `\s*=\s*["']?label` at the start of s.
func labelAfter(s string) (string, bool) {
	s = strings.TrimLeft(s, " \t\r\n")
	if !strings.HasPrefix(s, "=") {
		return "", false
	}
	s = strings.TrimLeft(s[1:], " \t\r\n\"'")
	n := 0
	for n < len(s) && isLabelByte(s[n]) {
		n++
	}
	return s[:n], n > 0
}

func isLabelByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == ':'
}

func canonical(label string) string {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return ""
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		return ""
	}
	if strings.HasPrefix(name, "utf-16") {
		return UTF8
	}
	return name
}

// mostlyUTF8 reports whether raw is UTF-8 damaged by a few stray bytes
// (a truncated sequence, one pasted legacy character) rather than a
// legacy encoding: it has valid multi-byte sequences and at most one bad
// byte for every three of them. Legacy text with accented letters almost
// never forms valid UTF-8 sequences by accident.
func mostlyUTF8(raw string) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(raw[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
			i++
			continue
		}
		valid++
		i += size
	}
	return valid > 0 && invalid*3 <= valid
}

// indexFold is strings.Index ignoring ASCII case, for an all-lowercase
// ASCII needle.
func indexFold(s, lowerNeedle string) int {
	n := len(lowerNeedle)
	first := lowerNeedle[0]
	for i := 0; i+n <= len(s); i++ {
		if c := s[i] | 0x20; c != first {
			continue
		}
		if asciiEqualFold(s[i:i+n], lowerNeedle) {
			return i
		}
	}
	return -1
}

func asciiEqualFold(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
