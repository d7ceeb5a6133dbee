package enrich

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

func conllDocs(path string) []string {
	f, _ := os.Open(path)
	defer f.Close()
	var docs []string
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "-DOCSTART-") {
			if b.Len() > 0 {
				docs = append(docs, b.String())
			}
			b.Reset()
			continue
		}
		if l == "" {
			b.WriteString("\n\n")
			continue
		}
		w, _, _ := strings.Cut(l, " ")
		b.WriteString(w + " ")
	}
	docs = append(docs, b.String())
	return docs
}

func TestDumpNegatives(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	e, _ := New(Options{})
	sign := func(text string) story.Signature {
		a := pipeline.Article{Text: text}
		d := docOf(text)
		ents := e.entities(d, a.Title)
		var se []story.Entity
		for _, en := range ents {
			se = append(se, story.Entity{ID: en.ID, Salience: en.Salience})
		}
		return story.Sign(d, se)
	}
	var seeds []story.Signature
	for _, f := range []string{"000_269625666507c4d8", "001_cca40fcf012346ae", "002_b6dd964b37f04e4f", "003_aab5c01cf3b7a9ea", "004_c42f8059e1cbe96e"} {
		data, _ := os.ReadFile("/work/shared/seeds/" + f + ".txt")
		a, _ := pipeline.DecodeRaw(data, nil)
		seeds = append(seeds, sign(a.Text))
	}
	for i, f := range []string{"000_269625666507c4d8", "001_cca40fcf012346ae", "002_b6dd964b37f04e4f", "003_aab5c01cf3b7a9ea", "004_c42f8059e1cbe96e"} {
		data, _ := os.ReadFile("/work/shared/seeds/" + f + ".txt")
		a, _ := pipeline.DecodeRaw(data, nil)
		sp := sign(spinText(a.Text))
		sc := story.Compare(&sp, &seeds[i])
		fmt.Printf("spun %d: text=%.3f skel=%.3f terms=%.3f ents=%.3f\n", i, sc.Text, sc.Skeleton, sc.Terms, sc.Entities)
	}
	docs := conllDocs("/work/shared/ner/conll2003/eng.testa")
	var rel, terms, ents, skel, text []float64
	var sigs []story.Signature
	for _, d := range docs {
		s := sign(d)
		sigs = append(sigs, s)
		for i := range seeds {
			sc := story.Compare(&s, &seeds[i])
			rel = append(rel, 0.5*sc.Terms+0.5*sc.Entities)
			terms = append(terms, sc.Terms)
			ents = append(ents, sc.Entities)
			skel = append(skel, sc.Skeleton)
			text = append(text, sc.Text)
		}
	}
	var rel2, skel2, text2, terms2 []float64
	head := func(s string) string { s = strings.ReplaceAll(s, "\n", " "); if len(s) > 70 { s = s[:70] }; return s }
	for i := range sigs {
		for j := i + 1; j < len(sigs); j++ {
			sc := story.Compare(&sigs[i], &sigs[j])
			if r := 0.5*sc.Terms + 0.5*sc.Entities; r >= 0.2 && r < 0.45 && os.Getenv("DUMP") == "pairs" {
				fmt.Printf("%.3f %q | %q\n", r, head(docs[i]), head(docs[j]))
			}
			if (sc.Skeleton >= 0.25 || sc.Text >= 0.25 || sc.Terms >= 0.55) && os.Getenv("DUMP") == "dups" {
				fmt.Printf("text=%.3f skel=%.3f terms=%.3f %q | %q\n", sc.Text, sc.Skeleton, sc.Terms, head(docs[i]), head(docs[j]))
			}
			rel2 = append(rel2, 0.5*sc.Terms+0.5*sc.Entities)
			skel2 = append(skel2, sc.Skeleton)
			text2 = append(text2, sc.Text)
			terms2 = append(terms2, sc.Terms)
		}
	}
	q := func(name string, xs []float64) {
		sort.Float64s(xs)
		n := len(xs)
		fmt.Printf("%-14s n=%d p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f\n", name, n, xs[n/2], xs[n*9/10], xs[n*99/100], xs[n*999/1000], xs[n-1])
	}
	q("seed-rel", rel)
	q("seed-terms", terms)
	q("seed-ents", ents)
	q("seed-skel", skel)
	q("seed-text", text)
	q("conll-rel", rel2)
	q("conll-skel", skel2)
	q("conll-text", text2)
	q("conll-terms", terms2)
}
