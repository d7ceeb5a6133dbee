package ner

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

func mustLoad(tb testing.TB) *Model {
	tb.Helper()
	m, err := Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return m
}

func TestLoadOnce(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	if a != b {
		t.Error("Load decoded the model twice")
	}
	st := a.Stats()
	if st.Features < 10000 || st.Rows[0] == 0 || st.Rows[1] == 0 {
		t.Errorf("implausibly small model: %+v", st)
	}
	if st.GazetteerLists == 0 || st.GazetteerPerList["loc.country"] < 150 {
		t.Errorf("model lacks its gazetteers: %+v", st)
	}
}

// checkSpans verifies Recognize's contract on text: spans in order, not
// overlapping, on rune boundaries, with Text == text[Start:End] and a
// valid type.
func checkSpans(t *testing.T, text string, spans []Span) {
	t.Helper()
	prev := 0
	for _, s := range spans {
		if s.Start < prev || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("span %+v out of order or out of range (previous end %d, text length %d)", s, prev, len(text))
		}
		if text[s.Start:s.End] != s.Text {
			t.Fatalf("span %+v: text[%d:%d] = %q", s, s.Start, s.End, text[s.Start:s.End])
		}
		if !runeBoundary(text, s.Start) || !runeBoundary(text, s.End) {
			t.Fatalf("span %+v not on rune boundaries", s)
		}
		if !s.Type.Valid() {
			t.Fatalf("span %+v has invalid type", s)
		}
		prev = s.End
	}
}

func TestRecognizeSeeds(t *testing.T) {
	m := mustLoad(t)
	type ent struct {
		typ  pipeline.EntityType
		text string
	}
	P, O, L := pipeline.Person, pipeline.Organization, pipeline.Location
	want := map[string][]ent{
		"000": {{P, "Wendy Sherman"}, {P, "Julianne Smith"}, {P, "James Cleverly"}, {P, "Baiba Braze"},
			{O, "Nato"}, {L, "Russia"}, {L, "Ukraine"}, {L, "Geneva"}, {L, "Brussels"}, {L, "Moscow"}, {L, "Denmark"}},
		"001": {{P, "Wendy Sherman"}, {P, "Sergei Ryabkov"}, {P, "Ryabkov"}, {P, "Jens Stoltenberg"}, {P, "Antony Blinken"},
			{P, "Vladimir Putin"}, {P, "Olha Stefanishyna"}, {O, "Nato"}, {O, "Interfax"}, {O, "Sky News"}, {O, "EU"},
			{L, "Geneva"}, {L, "Russia"}, {L, "Sweden"}, {L, "Finland"}, {L, "Kiev"}},
		"002": {{P, "Wendy Sherman"}, {P, "Sherman"}, {P, "Sergei Rybakov"}, {P, "Josep Borrell"}, {P, "Volodymyr Zelensky"},
			{O, "Nato"}, {O, "OSCE"}, {L, "Geneva"}, {L, "Vienna"}, {L, "Brussels"}, {L, "Kyiv"}},
		"003": {{P, "Liz Truss"}, {P, "Vladimir Putin"}, {P, "Wendy Sherman"}, {P, "Jens Stoltenberg"},
			{O, "Nato"}, {O, "Nato-Russia Council"}, {L, "Estonia"}, {L, "Latvia"}, {L, "Lithuania"}, {L, "Brussels"}},
		"004": {{P, "Wendy Sherman"}, {P, "Sergei Ryabkov"}, {O, "Nato"}, {L, "Geneva"}, {L, "Moscow"}, {L, "Kyiv"}},
	}
	for _, path := range shareddata.Seeds(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			spans := m.Recognize(text)
			checkSpans(t, text, spans)
			found := map[ent]bool{}
			for _, s := range spans {
				found[ent{s.Type, s.Text}] = true
			}
			for _, e := range want[name[:3]] {
				if !found[e] {
					t.Errorf("%s %q not found", e.typ, e.text)
				}
			}
			// No entity out of style sheets: seed 002 opens with a line
			// of CSS.
			for _, s := range spans {
				line := text[strings.LastIndexByte(text[:s.Start], '\n')+1:]
				if i := strings.IndexByte(line, '\n'); i >= 0 {
					line = line[:i]
				}
				if strings.Count(line, "{") > 2 {
					t.Errorf("entity %s %q found in CSS", s.Type, s.Text)
				}
			}
		})
	}
}

func TestRecognizeJunk(t *testing.T) {
	m := mustLoad(t)
	for _, text := range []string{
		`.UeJNJ::before{display:none}}.cPCVUJ{min-height:389px;margin-bottom:16px;clear:both}@media(min-width:1000px){.cPCVUJ{min-height:380px}}`,
		`font:bold 14px/20px 'Indy Sans','Indy Sans Fallback',sans-serif;text-decoration-line:underline;margin-block:0;text-align:center}`,
		`function Foo(){var Bar=document.getElementById("Nato");if(Bar){Bar.style.display="none";}window.Russia=Bar;}`,
		`<div class="Header"><a href="/World">World</a><span>Europe</span></div>`,
		`{"Title": "Nato", "Author": "Wendy Sherman", "Tags": ["Russia", "Geneva"]}`,
	} {
		spans := m.Recognize(text)
		checkSpans(t, text, spans)
		if len(spans) > 0 {
			t.Errorf("Recognize(%.40q...) = %v, want nothing from code", text, spans)
		}
	}
}

func TestRecognizeEdgeCases(t *testing.T) {
	m := mustLoad(t)
	for _, text := range []string{"", " ", "\n\n\n", ".", "“”", "\xff\xfe", strings.Repeat("Nato ", 5000), "a\x00b Russia"} {
		checkSpans(t, text, m.Recognize(text))
	}
}

func TestRecognizeSpansAndTypes(t *testing.T) {
	m := mustLoad(t)
	text := "Wendy Sherman, the US deputy secretary of state, met Sergei Ryabkov of Russia in Geneva on Monday, Nato said."
	spans := m.Recognize(text)
	checkSpans(t, text, spans)
	var got []string
	for _, s := range spans {
		got = append(got, fmt.Sprintf("%s %s %d", s.Type, s.Text, s.Start))
	}
	want := []string{"PERSON Wendy Sherman 0", "LOC US 19", "PERSON Sergei Ryabkov 53", "LOC Russia 71", "LOC Geneva 81", "ORG Nato 99"}
	if !slices.Equal(got, want) {
		t.Errorf("Recognize:\n got %q\nwant %q", got, want)
	}
}

func TestTag(t *testing.T) {
	m := mustLoad(t)
	got := m.Tag(strings.Fields("EU rejects German call to boycott British lamb ."))
	want := []string{"B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O"}
	if !slices.Equal(got, want) {
		t.Errorf("Tag = %q, want %q", got, want)
	}
	doc := [][]string{
		strings.Fields("Peter Blackburn"),
		{},
		strings.Fields("BRUSSELS 1996-08-22"),
		strings.Fields("The European Commission said on Thursday it disagreed with German advice ."),
	}
	tags := m.TagDocument(doc)
	if len(tags) != len(doc) {
		t.Fatalf("TagDocument returned %d sentences, want %d", len(tags), len(doc))
	}
	for i := range doc {
		if len(tags[i]) != len(doc[i]) {
			t.Errorf("sentence %d: %d tags for %d words", i, len(tags[i]), len(doc[i]))
		}
	}
	if !slices.Equal(tags[0], []string{"B-PER", "I-PER"}) || tags[2][0] != "B-LOC" || tags[3][1] != "B-ORG" || tags[3][2] != "I-ORG" {
		t.Errorf("TagDocument = %q", tags)
	}
}

// TestRecognizeConcurrent runs Recognize from many goroutines (run with
// -race): results must match a sequential run.
func TestRecognizeConcurrent(t *testing.T) {
	m := mustLoad(t)
	var texts []string
	for _, path := range shareddata.Seeds(t) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	want := make([][]Span, len(texts))
	for i, text := range texts {
		want[i] = m.Recognize(text)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(texts))
	for g := range 8 {
		wg.Go(func() {
			for k := range texts {
				i := (k + g) % len(texts)
				if got := m.Recognize(texts[i]); !slices.Equal(got, want[i]) {
					errs <- fmt.Errorf("goroutine %d, text %d: results differ", g, i)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestModelRoundTrip(t *testing.T) {
	m := mustLoad(t)
	var a bytes.Buffer
	if _, err := m.WriteTo(&a); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), embeddedModel) {
		t.Error("re-encoding the embedded model changed it")
	}
	m2, err := Decode(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	text := "Nato’s Jens Stoltenberg met Russia’s Sergei Lavrov in Brussels."
	if a, b := m.Recognize(text), m2.Recognize(text); !slices.Equal(a, b) {
		t.Errorf("decoded model differs: %v vs %v", a, b)
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("hello"),
		"truncated": embeddedModel[:len(embeddedModel)/2],
		"gzip junk": gzipBytes([]byte("newsflow-ner\x00\x99\x00\x00\x00")),
	} {
		if _, err := Decode(bytes.NewReader(data)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Decode error = %v, want ErrFormat", name, err)
		}
	}
}
