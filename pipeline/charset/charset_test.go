package charset

import (
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, enc string
	}{
		{"ascii", "<p>plain</p>", "<p>plain</p>", UTF8},
		{"valid utf-8 wins over a wrong declaration",
			`<meta charset="iso-8859-1"><p>Zürich</p>`, `<meta charset="iso-8859-1"><p>Zürich</p>`, UTF8},
		{"meta charset", "<meta charset=\"iso-8859-1\"><p>Z\xfcrich</p>", "<meta charset=\"iso-8859-1\"><p>Zürich</p>", Windows1252},
		{"http-equiv", "<meta http-equiv=Content-Type content='text/html; charset=windows-1251'><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>",
			"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'><p>Привет</p>", "windows-1251"},
		{"upper-case label", "<META CHARSET=ISO-8859-2><p>\xb1</p>", "<META CHARSET=ISO-8859-2><p>ą</p>", "iso-8859-2"},
		{"xml declaration", "<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><p>\xa4</p>", "<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><p>€</p>", "iso-8859-15"},
		{"undeclared legacy is windows-1252", "<p>caf\xe9 \x93quoted\x94</p>", "<p>café “quoted”</p>", Windows1252},
		{"unknown label falls through", "<meta charset=klingon><p>caf\xe9</p>", "<meta charset=klingon><p>café</p>", Windows1252},
		{"utf-16 label without BOM means utf-8", "<meta charset=utf-16><p>caf\xc3\xa9 \xff</p>", "<meta charset=utf-16><p>café \uFFFD</p>", UTF8},
		{"utf-8 BOM", "\xef\xbb\xbf<p>ok \xff</p>", "<p>ok \uFFFD</p>", UTF8},
		{"utf-16le BOM", "\xff\xfe<\x00p\x00>\x00\xe9\x00", "<p>é", "utf-16le"},
		{"mostly utf-8 with a stray byte", "<p>Zürich, Genève, Köln, \x96 Bern</p>", "<p>Zürich, Genève, Köln, \uFFFD Bern</p>", UTF8},
		{"meta wins over an earlier script charset",
			"<script charset=\"utf-8\"></script><meta content=\"text/html; charset=gb2312\"><p>\xc4\xe3</p>",
			"<script charset=\"utf-8\"></script><meta content=\"text/html; charset=gb2312\"><p>你</p>", "gbk"},
		{"gbk", "<meta charset=gbk><p>\xc4\xe3\xba\xc3</p>", "<meta charset=gbk><p>你好</p>", "gbk"},
		{"shift_jis", "<meta charset=Shift_JIS><p>\x82\xb1\x82\xf1</p>", "<meta charset=Shift_JIS><p>こん</p>", "shift_jis"},
	} {
		got, enc := Decode(tc.in)
		if got != tc.want || enc != tc.enc {
			t.Errorf("%s: Decode = %q, %q; want %q, %q", tc.name, got, enc, tc.want, tc.enc)
		}
	}
}

func TestDeclaredOnlyInFirst16KB(t *testing.T) {
	page := "<p>" + strings.Repeat("x", prescanLimit) + "<meta charset=koi8-r>\xe9"
	if got := Declared(page); got != "" {
		t.Fatalf("Declared found %q past the prescan limit", got)
	}
	if _, enc := Decode(page); enc != Windows1252 {
		t.Fatalf("Decode used %q", enc)
	}
}

func TestValidUTF8IsNotCopied(t *testing.T) {
	in := strings.Repeat("<p>grüße</p>", 100)
	out, _ := Decode(in)
	if &[]byte(in)[0] == nil || out != in {
		t.Fatal("changed valid input")
	}
	if allocs := testing.AllocsPerRun(10, func() { Decode(in) }); allocs != 0 {
		t.Fatalf("%v allocations decoding valid UTF-8", allocs)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("<meta charset=iso-8859-1>caf\xe9")
	f.Add("\xff\xfe<\x00")
	f.Add("<?xml encoding='")
	f.Fuzz(func(t *testing.T, in string) {
		out, enc := Decode(in)
		if !utf8.ValidString(out) || enc == "" {
			t.Fatalf("Decode(%q) = %q, %q", in, out, enc)
		}
	})
}

// The transport's charset (HTTP, a message's Content-Type) wins over the
// page's own; valid UTF-8 still stays UTF-8.
func TestDecodeHTTP(t *testing.T) {
	for _, tc := range []struct {
		name, in, contentType, want, enc string
	}{
		{"http charset over meta", "<meta charset=windows-1251><p>caf\xe9</p>", "text/html; charset=ISO-8859-1",
			"<meta charset=windows-1251><p>café</p>", Windows1252},
		{"no http charset: the meta", "<meta charset=windows-1251><p>\xcf\xf0\xe8</p>", "text/html",
			"<meta charset=windows-1251><p>При</p>", "windows-1251"},
		{"unknown http charset: the meta", "<meta charset=iso-8859-2><p>\xb1</p>", "text/html; charset=klingon",
			"<meta charset=iso-8859-2><p>ą</p>", "iso-8859-2"},
		{"valid utf-8 whatever http says", "<p>Zürich</p>", "text/html; charset=iso-8859-1", "<p>Zürich</p>", UTF8},
		{"bom over http", "\xff\xfe<\x00p\x00>\x00", "text/html; charset=iso-8859-1", "<p>", "utf-16le"},
		{"plain text", "caf\xe9 cr\xe8me", "text/plain; charset=iso-8859-1", "café crème", Windows1252},
	} {
		got, enc := DecodeHTTP(tc.in, tc.contentType)
		if got != tc.want || enc != tc.enc {
			t.Errorf("%s: DecodeHTTP = %q, %q; want %q, %q", tc.name, got, enc, tc.want, tc.enc)
		}
	}
}

func TestNewReaderLabel(t *testing.T) {
	r, err := NewReaderLabel("ISO-8859-1", strings.NewReader("caf\xe9"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil || b.String() != "café" {
		t.Fatalf("%q, %v", b.String(), err)
	}
	if _, err := NewReaderLabel("klingon", strings.NewReader("")); err == nil {
		t.Fatal("an unknown label was accepted")
	}
}
