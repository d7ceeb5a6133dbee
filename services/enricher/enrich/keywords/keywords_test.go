package keywords_test

import (
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
	"github.com/newsflow/newsflow/services/enricher/enrich/keywords"
)

func texts(kws []string) string { return strings.Join(kws, "; ") }

func TestExtract(t *testing.T) {
	text := "Nato rejected Russia’s demands. Nato’s open door policy is not negotiable, Nato said. " +
		"The open door policy is old. Russia wants guarantees. The talks ended; talks resume later.\n\n" +
		".UeJNJ::before{display:none}.cPCVUJ{min-height:389px;margin-bottom:16px}"
	d := doc.Parse(text)
	kws := keywords.Extract(d, 5, nil)
	var got []string
	for i, k := range kws {
		if k.Score <= 0 || k.Score > 1 || i > 0 && k.Score > kws[i-1].Score {
			t.Errorf("bad score order: %+v", kws)
		}
		got = append(got, k.Text)
	}
	if kws[0].Score != 1 {
		t.Errorf("top score = %v, want 1", kws[0].Score)
	}
	g := texts(got)
	for _, want := range []string{"Nato", "Russia"} {
		if !strings.Contains("; "+g+"; ", "; "+want+"; ") {
			t.Errorf("keywords %q lack %q", g, want)
		}
	}
	for _, bad := range []string{"said", "the", "UeJNJ", "display", "px", "open door", "door", "rejected", "later"} {
		if strings.Contains("; "+g+"; ", "; "+bad+"; ") {
			t.Errorf("keywords %q contain %q", g, bad)
		}
	}
}

func TestPersonsAndHeadlineCase(t *testing.T) {
	text := "Foreign Secretary Liz Truss warned. Liz Truss spoke. News World Europe update."
	d := doc.Parse(text)
	i := strings.Index(text, "Liz Truss")
	j := strings.LastIndex(text, "Liz Truss")
	names := []keywords.Name{{Span: doc.Span{Start: i, End: i + 9}, Person: true}, {Span: doc.Span{Start: j, End: j + 9}, Person: true}}
	var got []string
	for _, k := range keywords.Extract(d, 10, names) {
		got = append(got, k.Text)
	}
	g := texts(got)
	if !strings.Contains(g, "Liz Truss") || strings.Contains(g, "Secretary Liz") || strings.Contains(g, "World") {
		t.Errorf("keywords = %q", g)
	}
}

func TestNothing(t *testing.T) {
	if kws := keywords.Extract(doc.Parse("It is what it was."), 5, nil); len(kws) != 0 {
		t.Errorf("stop words only: %v", kws)
	}
	if kws := keywords.Extract(doc.Parse("Nato"), 0, nil); kws != nil {
		t.Errorf("n=0: %v", kws)
	}
}
