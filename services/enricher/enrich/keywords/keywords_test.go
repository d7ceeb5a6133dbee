package keywords_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/keywords"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// names marks every occurrence of each (text, entity, type) in text, as
// the enricher passes recognised names.
func names(text string, ents ...keywords.Name) []keywords.Name {
	var out []keywords.Name
	for _, e := range ents {
		s := text[e.Start:e.End]
		for from := 0; ; {
			i := strings.Index(text[from:], s)
			if i < 0 {
				break
			}
			n := e
			n.Start, n.End = from+i, from+i+len(s)
			out = append(out, n)
			from += i + len(s)
		}
	}
	slices.SortFunc(out, func(a, b keywords.Name) int { return a.Start - b.Start })
	return out
}

func name(text, s string, entity int, typ pipeline.EntityType) keywords.Name {
	i := strings.Index(text, s)
	return keywords.Name{Span: tokens.Span{Start: i, End: i + len(s)}, Person: typ == pipeline.Person, Entity: entity, Type: typ}
}

func extract(text string, n int, ns []keywords.Name) []string {
	var got []string
	for _, k := range keywords.Extract(tokens.Parse(text), n, ns) {
		got = append(got, k.Text)
	}
	return got
}

const nato = "Nato rejected Russia’s demands on Wednesday. Nato’s open door policy is not negotiable, " +
	"Nato said, and the alliance will respond to any incursion. Russia wants security guarantees. " +
	"The talks ended in Brussels; the talks resume later, diplomats said, and a diplomatic breakthrough " +
	"is unlikely. Russian officials stressed that American and European diplomats listen.\n\n" +
	".UeJNJ::before{display:none}.cPCVUJ{min-height:389px;margin-bottom:16px}"

func TestExtractNounsAndNames(t *testing.T) {
	ns := names(nato, name(nato, "Nato", 0, pipeline.Organization), name(nato, "Russia", 1, pipeline.Location),
		name(nato, "Brussels", 2, pipeline.Location), name(nato, "Russian", 3, pipeline.Misc))
	kws := keywords.Extract(tokens.Parse(nato), 10, ns)
	var got []string
	for i, k := range kws {
		if k.Score <= 0 || k.Score > 1 || i > 0 && k.Score > kws[i-1].Score {
			t.Errorf("bad score order: %+v", kws)
		}
		got = append(got, k.Text)
	}
	if len(kws) == 0 || kws[0].Score != 1 {
		t.Fatalf("keywords %v: want the top one scored 1", kws)
	}
	for _, want := range []string{"Nato", "Russia"} {
		if !slices.Contains(got, want) {
			t.Errorf("keywords %q lack %q", got, want)
		}
	}
	// Verbs, adverbs, adjectives, demonyms, stop words and style sheets
	// are never keywords on their own.
	for _, bad := range []string{"respond", "stressed", "listen", "later", "said", "diplomatic", "unlikely",
		"Russian", "American", "European", "the", "UeJNJ", "display", "px", "Wednesday"} {
		if slices.Contains(got, bad) {
			t.Errorf("keywords %q contain %q", got, bad)
		}
	}
}

func TestOnePhrasePerConcept(t *testing.T) {
	// The recogniser did not link the surname to the full name: still
	// one keyword. Plural and singular are one too.
	text := "Sergei Ryabkov led the Russian delegation to Geneva. Ryabkov said the delegation wanted guarantees. " +
		"Ryabkov called the guarantee talks useful, and Ryabkov will report the guarantees to Moscow."
	ns := names(text, name(text, "Sergei Ryabkov", 0, pipeline.Person), name(text, "Geneva", 2, pipeline.Location),
		name(text, "Moscow", 3, pipeline.Location))
	ry := strings.Index(text, "Ryabkov said")
	for from := ry; from >= 0; {
		ns = append(ns, keywords.Name{Span: tokens.Span{Start: from, End: from + len("Ryabkov")}, Person: true, Entity: 1, Type: pipeline.Person})
		next := strings.Index(text[from+1:], "Ryabkov")
		if next < 0 {
			break
		}
		from += 1 + next
	}
	slices.SortFunc(ns, func(a, b keywords.Name) int { return a.Start - b.Start })
	got := extract(text, 10, ns)
	ryabkov, guarantee := 0, 0
	for _, k := range got {
		if strings.Contains(k, "Ryabkov") {
			ryabkov++
		}
		if strings.HasPrefix(k, "guarantee") {
			guarantee++
		}
	}
	if ryabkov != 1 || guarantee != 1 {
		t.Errorf("keywords %q: want one Ryabkov and one guarantee(s)", got)
	}
}

func TestHeadlineIsNoPhrase(t *testing.T) {
	// A title-case headline: the recogniser's "names" in it are not
	// keywords unless the body names them too, and no keyword runs over
	// its words.
	text := "Phish Phavors New York With 3-Day Phestival In Phinger Lakes\n\n" +
		"The band Phish will play a three-day festival at Watkins Glen in the Finger Lakes region of New York this summer. " +
		"The festival follows the band's Super Ball concert, and fans expect traffic on the roads to the festival."
	ns := names(text, name(text, "Phish Phavors New York With", 0, pipeline.Organization),
		name(text, "Phestival In Phinger Lakes", 1, pipeline.Misc), name(text, "Watkins Glen", 2, pipeline.Location),
		name(text, "Super Ball", 3, pipeline.Misc))
	ny := strings.LastIndex(text, "New York")
	ns = append(ns, keywords.Name{Span: tokens.Span{Start: ny, End: ny + len("New York")}, Entity: 4, Type: pipeline.Location})
	slices.SortFunc(ns, func(a, b keywords.Name) int { return a.Start - b.Start })
	got := extract(text, 10, ns)
	for _, k := range got {
		if strings.Contains(k, "Phavors") && strings.Contains(k, " ") || strings.Contains(k, "With") || strings.Contains(k, " In ") {
			t.Errorf("keywords %q contain the headline fragment %q", got, k)
		}
	}
	if !slices.Contains(got, "festival") {
		t.Errorf("keywords %q lack festival", got)
	}
}

func TestOfficeIsNoKeyword(t *testing.T) {
	text := "Foreign Secretary Liz Truss warned Moscow. Liz Truss said the Deputy Secretary of State would travel to Kyiv for talks."
	ns := names(text, name(text, "Liz Truss", 0, pipeline.Person), name(text, "Moscow", 1, pipeline.Location),
		name(text, "Kyiv", 2, pipeline.Location))
	got := extract(text, 10, ns)
	if !slices.Contains(got, "Liz Truss") {
		t.Errorf("keywords %q lack Liz Truss", got)
	}
	for _, k := range got {
		if strings.Contains(k, "Secretary") || strings.Contains(k, "Foreign") {
			t.Errorf("keywords %q contain the office %q", got, k)
		}
	}
}

func TestNothing(t *testing.T) {
	if kws := keywords.Extract(tokens.Parse("It is what it was."), 5, nil); len(kws) != 0 {
		t.Errorf("stop words only: %v", kws)
	}
	if kws := keywords.Extract(tokens.Parse("Nato"), 0, nil); kws != nil {
		t.Errorf("n=0: %v", kws)
	}
}

func TestStem(t *testing.T) {
	// Martin Porter's published vocabulary/output pairs, including the
	// reference implementation's departures (-bli → -ble, -logi → -log).
	for w, want := range map[string]string{
		"caresses": "caress", "ponies": "poni", "relational": "relat", "conditional": "condit",
		"hopeful": "hope", "generalization": "gener", "dresses": "dress", "friday": "fridai",
		"people": "peopl", "sensibility": "sensibl", "archaeology": "archaeolog", "bridesmaids": "bridesmaid",
		"is": "is", "ran": "ran", "agreed": "agre", "hopping": "hop", "filing": "file",
	} {
		if got := keywords.Stem(w); got != want {
			t.Errorf("Stem(%q) = %q, want %q", w, got, want)
		}
	}
}

func TestEmbeddedModel(t *testing.T) {
	// The shipped model fits the feature list and scores within (0,1).
	text := "Kate Middleton may keep her wedding dress designer a secret, but the dress designer spoke to the bride."
	kws := keywords.Extract(tokens.Parse(text), 3, nil)
	if len(kws) == 0 {
		t.Fatal("no keywords")
	}
	if _, err := keywords.ParseModel([]byte(`{"features":["x"],"weights":[1]}`)); err == nil {
		t.Error("a model for other features was accepted")
	}
}
