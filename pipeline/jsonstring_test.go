package pipeline

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	stdjson "encoding/json"

	"github.com/segmentio/encoding/json"
)

// FuzzArticleCodec holds the hand-written text/html codec to the library's
// semantics: whatever the library decodes, DecodeArticle decodes to the
// same article, and what EncodeArticle writes is valid JSON that both
// decoders read back identically.
func FuzzArticleCodec(f *testing.F) {
	for _, s := range []string{
		`{"schema":1,"id":"x","text":"a\nb \"q\" \\ \u2028 caf\u00e9 \ud83d\ude00"}`,
		`{"schema":1,"text":"plain","html":"<p>x</p>","title":"t","text":"second wins"}`,
		`{"Text":"case","schema":1}`,
		`{"text":"a","Text":"b","HTML":"c","html":"d"}`,
		`{"schema":1,"text":null,"entities":[{"id":"e","name":"Nato","type":"ORG","mentions":[{"start":0,"end":4,"text":"Nato"}],"count":1,"salience":0.5}]}`,
		`{"schema":1,"text":"\ud800 lone surrogate","html":"\u00zz"}`,
		" { \"schema\" : 1 , \"text\" : \"spaced\" } ",
		`{"schema":1,"text":"x"} trailing`,
		"{\"schema\":1,\"text\":\"\xff\xfe invalid utf8\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want Article
		libErr := json.Unmarshal(data, (*articleFields)(&want))
		var w Wire
		got, err := decodeArticle(data, &w)
		// The library decodes a bare null into an empty struct; a message
		// that is not an object is no article, and is rejected on purpose.
		if libErr == nil && string(bytes.TrimSpace(data)) != "null" {
			if err != nil {
				t.Fatalf("library decodes %q, DecodeArticle fails: %v", data, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("decoding %q:\n got %+v\nwant %+v", data, got, want)
			}
		}
		if err != nil {
			return
		}
		// Re-encoding through the Wire (the runner's path: text unchanged,
		// copied from the input) must read back as the same article.
		viaWire, err := encodeArticle(nil, &got, &w)
		if err != nil {
			t.Fatal(err)
		}
		if !stdjson.Valid(viaWire) {
			t.Fatalf("encoding through the wire of %q wrote invalid JSON: %q", data, viaWire)
		}
		enc, err := encodeArticle([]byte("prefix"), &got, nil)
		if err != nil || string(enc[:6]) != "prefix" {
			t.Fatalf("AppendArticle lost its prefix: %q %v", enc, err)
		}
		enc = enc[6:]
		if err != nil {
			t.Fatal(err)
		}
		if !stdjson.Valid(enc) {
			t.Fatalf("EncodeArticle wrote invalid JSON: %q", enc)
		}
		var viaLib Article
		if err := json.Unmarshal(enc, (*articleFields)(&viaLib)); err != nil {
			t.Fatalf("library cannot read EncodeArticle's %q: %v", enc, err)
		}
		again, err := decodeArticle(enc, nil)
		if err != nil || !reflect.DeepEqual(again, viaLib) {
			t.Fatalf("round trip of %q: %v\n got %+v\nwant %+v", enc, err, again, viaLib)
		}
		if back, err := decodeArticle(viaWire, nil); err != nil || !reflect.DeepEqual(back, again) {
			t.Fatalf("wire round trip of %q: %v\n got %+v\nwant %+v", data, err, back, again)
		}
		if again.Text != got.Text && utf8.ValidString(got.Text) {
			t.Fatalf("text changed in a round trip: %q → %q", got.Text, again.Text)
		}
	})
}

func TestAppendJSONStringMatchesLibrary(t *testing.T) {
	for _, s := range []string{
		"", "plain", "a\nb\tc\rd", `q"uote\slash`, "\x00\x01\x1f\x7f", "caf\u00e9 “curly” — dash",
		"sep\u2028arator\u2029", "bad \xff\xfe utf8", strings.Repeat("eight by", 9) + "\"",
		"\xe2\x80", // truncated 3-byte sequence starting like U+2028
	} {
		got := string(appendJSONString(nil, s))
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		// The library escapes <, > and & (EscapeHTML); we need not.
		var a, b string
		if err := stdjson.Unmarshal([]byte(got), &a); err != nil {
			t.Fatalf("%q: invalid JSON %q: %v", s, got, err)
		}
		if err := stdjson.Unmarshal(want, &b); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%q: encodes to %q, library to %s", s, got, want)
		}
	}
}

func TestEncodeArticleIsTheLibrarysBytes(t *testing.T) {
	a := Article{
		Schema: SchemaVersion, ID: "abc", URL: "https://example.com/a?x=1&y=2", Title: `A "quoted" title`,
		Summary: "first", HTML: "<p>One &amp; two</p>\n", Text: "One & two.\n\n“Curly” — dash \x01 tab\t",
		Entities: []Entity{{ID: "e", Name: "Nato", Type: Organization, Mentions: []Mention{{Start: 0, End: 3, Text: "One"}}, Count: 1}},
		Stages:   []StageMark{{Stage: "cleaner", Version: "1"}},
	}
	got, err := EncodeArticle(&a)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Append(nil, (*articleFields)(&a), 0)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("EncodeArticle:\n%s\nlibrary:\n%s", got, want)
	}
}

func TestWireCopiesUnchangedTextAndEscapesChanged(t *testing.T) {
	in := []byte(`{"schema":1,"id":"x","text":"caf\u00e9 \"q\"\n\nnext","html":"<p>x</p>"}`)
	a, w, err := DecodeArticleWire(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := AppendArticleWire(nil, &a, w)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"text":"caf\u00e9 \"q\"\n\nnext"`)) {
		t.Fatalf("unchanged text was not copied as written: %s", out)
	}
	a.Text += "!"
	out, err = AppendArticleWire(nil, &a, w)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"text":"café \"q\"\n\nnext!"`)) {
		t.Fatalf("changed text was not encoded anew: %s", out)
	}
	// Raw control characters are accepted on input but never copied out.
	lenient := []byte("{\"schema\":1,\"text\":\"tab\there\"}")
	a, w, err = DecodeArticleWire(lenient)
	if err != nil {
		t.Fatal(err)
	}
	out, _ = AppendArticleWire(nil, &a, w)
	if !stdjson.Valid(out) {
		t.Fatalf("invalid JSON copied through: %q", out)
	}
}

// TestScanText checks the word-at-a-time scan against its definition
// at every alignment, so a byte straddling two words is still seen.
func TestScanText(t *testing.T) {
	for _, tc := range []struct {
		name, s              string
		controls, separators bool
	}{
		{"empty", "", false, false},
		{"plain", "Nato said it would respond.", false, false},
		{"curly quotes", "Nato’s aim — “de-escalation”", false, false},
		{"line separator", "one\u2028two", false, true},
		{"paragraph separator", "one\u2029two", false, true},
		{"other E2 80 sequences", "dash \u2013 and \u202f narrow space", false, false},
		{"A8 and A9 ending other characters", "è é ©", false, false},
		{"tab", "a\tb", true, false},
		{"newline and separator", "a\nb\u2029", true, true},
		{"NUL", "a\x00b", true, false},
		{"DEL and astral", "\x7f 😀", false, false},
		{"lone lead byte (invalid)", "abc\xe2", false, false},
		{"truncated separator (invalid)", "abc\xe2\x80", false, false},
		{"continuation bytes alone (invalid)", "\x80\xa8\xa9", false, false},
		{"encoded surrogate (invalid)", "\xed\xa0\x80", false, false},
		{"invalid after a curly quote", "’\xff’", false, false},
	} {
		for pad := range 41 { // every offset into the 8- and 32-byte strides
			b := []byte(strings.Repeat("x", pad) + tc.s + strings.Repeat("y", pad))
			valid, controls, separators := scanText(b)
			if valid != utf8.Valid(b) || valid && (controls != tc.controls || separators != tc.separators || controls != hasRunes(b, isControl) || separators != hasRunes(b, isSeparator)) {
				t.Errorf("%s, padded by %d: scanText(%q) = %v, %v, %v; want %v, %v, %v", tc.name, pad, b, valid, controls, separators, utf8.Valid(b), tc.controls, tc.separators)
			}
		}
	}
}

func hasRunes(b []byte, f func(rune) bool) bool { return bytes.ContainsFunc(b, f) }
func isControl(r rune) bool                     { return r < 0x20 }
func isSeparator(r rune) bool                   { return r == '\u2028' || r == '\u2029' }

func FuzzScanText(f *testing.F) {
	for _, s := range []string{"plain", "Nato’s “aim”", "a\u2028b", "tab\t", "\xe2\x80", "è é"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		valid, controls, separators := scanText(b)
		if valid != utf8.Valid(b) || valid && (controls != hasRunes(b, isControl) || separators != hasRunes(b, isSeparator)) {
			t.Fatalf("scanText(%q) = %v, %v, %v", b, valid, controls, separators)
		}
	})
}
