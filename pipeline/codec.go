package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline/charset"
)

// Header is how the decoders read message headers; nats.Header and
// http.Header satisfy it, and a nil Header has no headers.
type Header interface{ Get(key string) string }

// Errors DecodeRaw and DecodeArticle return. All of them are permanent:
// the same bytes will never decode.
var (
	ErrEmpty  = errors.New("empty message")
	ErrBinary = errors.New("binary data, not an article")
	// ErrNoText is the one "no text" error: the raw decoder, the
	// cleaner and the enricher all return it (wrapped with their reason).
	ErrNoText      = errors.New("no text in the article")
	ErrEnvelope    = errors.New("bad JSON envelope")
	ErrUndecodable = errors.New("undecodable article")
)

// EncodeArticle is the one way an Article is put on the wire.
func EncodeArticle(a *Article) ([]byte, error) { return encodeArticle(nil, a, nil) }

// AppendArticle appends the encoding of a to dst, for callers that reuse
// buffers.
func AppendArticle(dst []byte, a *Article) ([]byte, error) { return encodeArticle(dst, a, nil) }

// DecodeArticleWire is DecodeArticle that also returns the Wire of data,
// for AppendArticleWire: a stage that passes an article's text on
// unchanged then re-encodes it at the cost of a copy.
func DecodeArticleWire(data []byte) (Article, Wire, error) {
	var w Wire
	a, err := decodeArticle(data, &w)
	if err != nil {
		return Article{}, Wire{}, Permanent(fmt.Errorf("%w: %w", ErrUndecodable, err))
	}
	if err := a.CheckSchema(); err != nil {
		return Article{}, Wire{}, Permanent(err)
	}
	return a, w, nil
}

// AppendArticleWire is AppendArticle for an article decoded with
// DecodeArticleWire: its text and html, if still the strings decoded, are
// copied from the message rather than escaped again.
func AppendArticleWire(dst []byte, a *Article, w Wire) ([]byte, error) {
	return encodeArticle(dst, a, &w)
}

// DecodeArticle reads an Article published by a stage, checking its schema.
func DecodeArticle(data []byte, _ Header) (Article, error) {
	a, err := decodeArticle(data, nil)
	if err != nil {
		return Article{}, Permanent(fmt.Errorf("%w: %w", ErrUndecodable, err))
	}
	if err := a.CheckSchema(); err != nil {
		return Article{}, Permanent(err)
	}
	return a, nil
}

// envelope is the JSON form accepted on SubjectRaw: any subset of Article's
// fields, with the times as strings so a bad or date-only value gets a clear
// error (or is accepted) rather than failing the whole decode.
type envelope struct {
	Article
	Schema      *int   `json:"schema"`
	PublishedAt string `json:"published_at"`
	FetchedAt   string `json:"fetched_at"`
}

// DecodeRaw reads a message published to SubjectRaw. It accepts
//
//   - a JSON object (an envelope): the fields of Article, of which html,
//     text or body_ref must be present; published_at and fetched_at may
//     be RFC 3339 or YYYY-MM-DD;
//   - a bare HTML page, detected by sniffing or forced by a Content-Type
//     header;
//   - bare plain text, optionally starting with a "date YYYY-MM-DD" line,
//     which sets PublishedAt.
//
// A bare body is first decoded to UTF-8 by package charset's one rule
// (valid UTF-8 as is; else a byte-order mark, the Content-Type's charset,
// the page's own declaration, else windows-1252), so that a UTF-16 page
// is read as text, not refused as binary, and its canonical link is found
// whatever its encoding.
//
// For bare bodies the Newsflow-Url, Newsflow-Source and
// Newsflow-Published-At headers fill URL, Source and PublishedAt; the URL
// must pass the same check as an envelope's (http or https). Control
// characters (NUL and the like) are removed from text fields on both paths.
// The article's identity is then decided by Identify, once: URL becomes the
// canonical URL (when the article has a usable one) and ID its id, which
// later stages keep.
// Errors are permanent: empty messages, binary data, malformed envelopes.
func DecodeRaw(data []byte, h Header) (Article, error) {
	if h == nil {
		h = noHeader{}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Article{}, Permanent(ErrEmpty)
	}
	if looksLikeJSON(trimmed) {
		return decodeEnvelope(trimmed)
	}

	contentType := h.Get(HeaderContentType)
	mediaType, label := parseContentType(contentType)
	if label != "" && charset.Lookup(label) == "" {
		return Article{}, Permanent(fmt.Errorf("header %s: unknown charset %q", HeaderContentType, label))
	}
	body, _ := charset.DecodeHTTP(string(data), contentType)
	// Binary data stays binary decoded as windows-1252 (NUL and control
	// bytes map to themselves); text in UTF-16 stops looking binary.
	if why := binaryReason(body); why != "" {
		return Article{}, Permanent(fmt.Errorf("%w: %s", ErrBinary, why))
	}

	a := Article{Schema: SchemaVersion, URL: h.Get(HeaderURL), Source: StripControls(h.Get(HeaderSource))}
	if err := checkArticleURL(a.URL); err != nil {
		return Article{}, Permanent(fmt.Errorf("header %s: %w", HeaderURL, err))
	}
	if v := h.Get(HeaderPublishedAt); v != "" {
		t, err := parseTime(v)
		if err != nil {
			return Article{}, Permanent(fmt.Errorf("header %s: %w", HeaderPublishedAt, err))
		}
		a.PublishedAt = &t
	}
	isHTML := mediaType == "text/html" || mediaType == "application/xhtml+xml" ||
		(mediaType != "text/plain" && sniffHTML(body))
	if isHTML {
		a.HTML = body
	} else {
		text := body
		if date, rest, ok := cutDateHeader(text); ok {
			if a.PublishedAt == nil {
				a.PublishedAt = &date
			}
			text = rest
		}
		text = StripControls(text) // past the first 8 KB binaryReason looked at
		if !hasLetter(text) {
			return Article{}, Permanent(ErrNoText)
		}
		a.Text = text
	}
	identify(&a)
	return a, nil
}

func decodeEnvelope(data []byte) (Article, error) {
	var e envelope
	if err := json.Unmarshal(data, &e); err != nil {
		return Article{}, Permanent(fmt.Errorf("%w: %w", ErrEnvelope, err))
	}
	a := e.Article
	a.Schema = SchemaVersion
	if e.Schema != nil && *e.Schema != SchemaVersion {
		return Article{}, Permanent(fmt.Errorf("%w: got %d, want %d", ErrSchema, *e.Schema, SchemaVersion))
	}
	for _, f := range []struct {
		name string
		val  string
		dst  **time.Time
	}{{"published_at", e.PublishedAt, &a.PublishedAt}, {"fetched_at", e.FetchedAt, &a.FetchedAt}} {
		if f.val == "" {
			continue
		}
		t, err := parseTime(f.val)
		if err != nil {
			return Article{}, Permanent(fmt.Errorf("%w: %s: %w", ErrEnvelope, f.name, err))
		}
		*f.dst = &t
	}
	stripArticleControls(&a)
	if a.HTML == "" && strings.TrimSpace(a.Text) == "" && a.BodyRef == nil {
		return Article{}, Permanent(fmt.Errorf("%w: none of html, text or body_ref is set", ErrEnvelope))
	}
	if err := checkArticleURL(a.URL); err != nil {
		return Article{}, Permanent(fmt.Errorf("%w: url: %w", ErrEnvelope, err))
	}
	// The id is derived, never taken from the publisher: it must mean the
	// same thing for every article in the system.
	identify(&a)
	return a, nil
}

// identify gives a decoded article its identity (see Identify): the
// canonical URL, when it has a usable one, and the id. Decoding is where
// it is decided, once; the stages keep it.
func identify(a *Article) {
	u, id := Identify(*a)
	if u != "" {
		a.URL = u
	}
	a.ID = id
}

var utf8BOM = []byte("\xef\xbb\xbf")

type noHeader struct{}

func (noHeader) Get(string) string { return "" }

// looksLikeJSON says the publisher meant JSON: an object whose first member
// starts at once. Plain text rarely starts with `{"`, so a malformed
// envelope gets a JSON error instead of being read as an article.
func looksLikeJSON(b []byte) bool {
	if len(b) < 2 || b[0] != '{' {
		return false
	}
	rest := bytes.TrimLeft(b[1:], " \t\r\n")
	return len(rest) > 0 && (rest[0] == '"' || rest[0] == '}')
}

// binaryReason returns why data is not text, or "". It looks at the first
// 8 KB: a NUL byte, or more than 1% C0 control characters other than
// whitespace, is not something a text or HTML article contains (random
// bytes have about 11%).
func binaryReason(data string) string {
	if len(data) > 8<<10 {
		data = data[:8<<10]
	}
	controls := 0
	for i := range len(data) {
		switch c := data[i]; {
		case c == 0:
			return fmt.Sprintf("NUL byte at offset %d", i)
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v', c == 0x7f:
			controls++
		}
	}
	if controls*100 > len(data) {
		return fmt.Sprintf("%d control bytes in the first %d", controls, len(data))
	}
	return ""
}

// sniffHTML reports whether a body is an HTML document or fragment, from
// its first 4 KB.
func sniffHTML(body string) bool {
	body = strings.TrimLeftFunc(body, unicode.IsSpace)
	head := []byte(body[:min(len(body), 4<<10)])
	if strings.HasPrefix(http.DetectContentType(head), "text/html") {
		return true
	}
	lower := bytes.ToLower(head)
	for _, marker := range [][]byte{[]byte("<html"), []byte("<body"), []byte("<!doctype html"), []byte("</p>"), []byte("</div>")} {
		if bytes.Contains(lower, marker) {
			return true
		}
	}
	return false
}

func parseContentType(v string) (mediaType, charset string) {
	if v == "" {
		return "", ""
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		return "", ""
	}
	return mt, params["charset"]
}

// dateHeader is the seed format's first line: "date 2022-01-12", followed
// by a newline or, in files that lost their line breaks, by the body.
var dateHeader = regexp.MustCompile(`^\s*(?i:date)[ \t:]+(\d{4}-\d{2}-\d{2})(?:[ \t]*\r?\n|[ \t]+|$)`)

func cutDateHeader(text string) (time.Time, string, bool) {
	m := dateHeader.FindStringSubmatchIndex(text)
	if m == nil {
		return time.Time{}, text, false
	}
	t, err := time.Parse(time.DateOnly, text[m[2]:m[3]])
	if err != nil {
		return time.Time{}, text, false
	}
	return t, text[m[1]:], true
}

// parseTime accepts RFC 3339 (with or without fractional seconds) and
// YYYY-MM-DD (midnight UTC).
func parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor YYYY-MM-DD", v)
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
