package ner

import (
	"bytes"
	"compress/gzip"
	"os"
	"strings"
	"testing"
)

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestGazetteerFiles(t *testing.T) {
	g, err := readGazetteer(os.DirFS("gazetteer"), ".")
	if err != nil {
		t.Fatal(err)
	}
	for c, name := range g.categories {
		kind, _, ok := strings.Cut(name, ".")
		if !ok || !map[string]bool{"per": true, "org": true, "loc": true, "misc": true, "cue": true}[kind] {
			t.Errorf("category %q is not <per|org|loc|misc|cue>.<kind>", name)
		}
		if len(g.phrases[c]) < 50 {
			t.Errorf("category %s has only %d entries", name, len(g.phrases[c]))
		}
	}
}

// The committed model must carry the gazetteer files as they are: edit a
// list and the model must be retrained.
func TestModelHasCurrentGazetteer(t *testing.T) {
	g, err := readGazetteer(os.DirFS("gazetteer"), ".")
	if err != nil {
		t.Fatal(err)
	}
	m := mustLoad(t)
	if strings.Join(g.categories, ",") != strings.Join(m.gaz.categories, ",") {
		t.Fatalf("model categories %v, files %v: retrain with `make model`", m.gaz.categories, g.categories)
	}
	for c := range g.categories {
		if strings.Join(g.phrases[c], "\n") != strings.Join(m.gaz.phrases[c], "\n") {
			t.Errorf("gazetteer %s differs from the model's: retrain with `make model`", g.categories[c])
		}
	}
}

func TestGazetteerMatch(t *testing.T) {
	g, err := newGazetteer([]string{"loc.country", "org.international"}, [][]string{
		{gazetteerPhrase("Turkey"), gazetteerPhrase("United States"), gazetteerPhrase("US"), gazetteerPhrase("Côte d’Ivoire")},
		{gazetteerPhrase("Organisation for Security and Co-operation in Europe"), gazetteerPhrase("Nato")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want string // token:category-bits:position per hit
	}{
		{"the United States and Turkey", "United:1:B States:1:L Turkey:1:U"},
		{"roast turkey for us", ""},
		{"talks at the Organisation for Security and Co-operation in Europe", "Organisation:2:B for:2:I Security:2:I and:2:I Co-operation:2:I in:2:I Europe:2:L"},
		{"NATO and the US", "NATO:2:U US:1:U"},
		{"Côte d'Ivoire", "Côte:1:B d'Ivoire:1:L"},
	}
	for _, tt := range tests {
		var d document
		words := tokenTexts(Tokenize(tt.text))
		d.addSentence(words)
		var got []string
		g.match(d.toks, func(i int, h gazHit) {
			got = append(got, words[i]+":"+string(rune('0'+h.mask))+":"+string("BILU"[h.pos]))
		})
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("match(%q) = %q, want %q", tt.text, s, tt.want)
		}
	}
}
