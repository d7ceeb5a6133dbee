package ner

import (
	"testing"
	"unicode/utf8"
)

// FuzzRecognize feeds Recognize arbitrary bytes: it must not panic, and its
// spans must satisfy checkSpans; the tokens Tokenize makes must satisfy
// checkOffsets.
func FuzzRecognize(f *testing.F) {
	for _, s := range []string{
		"Nato and Russia began tense negotiations on Wednesday.",
		"“We will not allow anyone to slam Nato’s open door policy shut,” Ms Smith said.",
		"pic.twitter.com/QkYlu1HdhU — Wendy R. Sherman (@DeputySecState) January 10, 2022",
		".UeJNJ::before{display:none}}.cPCVUJ{min-height:389px}",
		"🇷🇺 Interministerial delegation arrives at the @usmissiongeneva for 🇷🇺/🇺🇸",
		"U.S.-led A.B.C. Mr. O'Neill's don't 100,000 3.5% www.x.com a@b.co",
		"\xff\xfe\xc3 Zürich\u200b São\u0301 Paulo",
		"-- ... … ‘’ “” '' `` «»",
	} {
		f.Add(s)
	}
	m, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkOffsets(t, text, Tokenize(text))
		spans := m.Recognize(text)
		checkSpans(t, text, spans)
		for _, s := range spans {
			if utf8.ValidString(text) && !utf8.ValidString(s.Text) {
				t.Fatalf("span %+v of valid text is not valid UTF-8", s)
			}
		}
	})
}
