package enrich_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// signature enriches text alone (a fresh memory) and signs it.
func signature(t testing.TB, text string) story.Signature {
	t.Helper()
	e := newEnricher(t, enrich.Options{})
	out, err := e.Process(context.Background(), pipeline.Article{ID: "x", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	ents := make([]story.Entity, len(out.Entities))
	for i, en := range out.Entities {
		ents[i] = story.Entity{ID: en.ID, Salience: en.Salience}
	}
	return story.Sign(tokens.Parse(out.Text), ents)
}

// TestStoryThresholds measures the default thresholds against the seeds
// (one story, no copies), reworded copies of them (copies) and the 216
// Reuters articles of CoNLL eng.testa, from 1996 (never the seeds' story).
// Run with -v for the table docs/BENCHMARKS.md quotes.
func TestStoryThresholds(t *testing.T) {
	th := enrich.DefaultThresholds
	ss := seeds(t)
	sigs := make([]story.Signature, len(ss))
	for i, s := range ss {
		sigs[i] = signature(t, s.a.Text)
	}
	var rows []string
	for i := range sigs {
		best := 0.0
		for j := range sigs {
			if i == j {
				continue
			}
			sc := story.Compare(&sigs[i], &sigs[j])
			if th.IsCopy(sc) {
				t.Errorf("seeds %s and %s score as copies: %+v", ss[i].name, ss[j].name, sc)
			}
			if j < i {
				best = max(best, story.Related(sc))
			}
			if j > i {
				rows = append(rows, fmt.Sprintf("%s-%s text=%.3f skeleton=%.3f terms=%.3f entities=%.3f related=%.3f",
					ss[i].name, ss[j].name, sc.Text, sc.Skeleton, sc.Terms, sc.Entities, story.Related(sc)))
			}
		}
		if i > 0 && best < th.Story {
			t.Errorf("seed %s: best link to an earlier seed %.3f < story threshold %.2f", ss[i].name, best, th.Story)
		}
		if i > 0 {
			rows = append(rows, fmt.Sprintf("seed %s best link to an earlier seed: %.3f", ss[i].name, best))
		}
	}
	for i, s := range ss {
		sp := signature(t, spin(s.a.Text))
		sc := story.Compare(&sp, &sigs[i])
		rows = append(rows, fmt.Sprintf("reworded %s: text=%.3f skeleton=%.3f terms=%.3f entities=%.3f", s.name, sc.Text, sc.Skeleton, sc.Terms, sc.Entities))
		if !th.IsCopy(sc) {
			t.Errorf("reworded copy of %s not a copy: %+v", s.name, sc)
		}
	}
	docs := conllDocs(t, "ner", "conll2003", "eng.testa")
	var negRelated []float64
	maxSkel, maxText := 0.0, 0.0
	conll := make([]story.Signature, len(docs))
	for k, d := range docs {
		sig := signature(t, d)
		conll[k] = sig
		for i := range sigs {
			sc := story.Compare(&sig, &sigs[i])
			negRelated = append(negRelated, story.Related(sc))
			maxSkel, maxText = max(maxSkel, sc.Skeleton), max(maxText, sc.Text)
			if story.Related(sc) >= th.Story || th.IsCopy(sc) {
				t.Errorf("a 1996 Reuters article links to seed %s: %+v", ss[i].name, sc)
			}
		}
	}
	// Among the CoNLL articles themselves (two days of Reuters wire) a few
	// are one report twice.
	head := func(s string) string { s = strings.Join(strings.Fields(s), " "); return s[:min(len(s), 50)] }
	pairs, copies := 0, 0
	for i := range conll {
		for j := i + 1; j < len(conll); j++ {
			pairs++
			sc := story.Compare(&conll[i], &conll[j])
			if th.IsCopy(sc) {
				copies++
				rows = append(rows, fmt.Sprintf("CoNLL copy: text=%.3f skeleton=%.3f terms=%.3f %q / %q", sc.Text, sc.Skeleton, sc.Terms, head(docs[i]), head(docs[j])))
			}
		}
	}
	// Linked as a stream with the rule, two days of wire make many small
	// stories (a match report and its results table), never one that
	// swallows the wire.
	x := story.NewIndex(story.IndexOptions{})
	sizes := map[string]int{}
	for k := range conll {
		a := story.Article{ID: fmt.Sprint(k), Sig: conll[k]}
		d := x.Decide(&th, &a)
		a.StoryID = d.StoryID
		x.Add(a, 0)
		sizes[d.StoryID]++
	}
	largest := slices.Max(slices.Collect(maps.Values(sizes)))
	rows = append(rows, fmt.Sprintf("CoNLL pairs: %d, copies %d; linked as a stream: %d stories of %d articles, the largest %d",
		pairs, copies, len(sizes), len(conll), largest))
	if copies > 5 || largest*10 > len(conll) {
		t.Errorf("CoNLL articles link too easily: %d copies, a story of %d of %d articles", copies, largest, len(conll))
	}
	slices.Sort(negRelated)
	n := len(negRelated)
	rows = append(rows, fmt.Sprintf("seeds x %d CoNLL articles: related p50=%.3f p99=%.3f max=%.3f; skeleton max=%.3f; text max=%.3f",
		len(docs), negRelated[n/2], negRelated[n*99/100], negRelated[n-1], maxSkel, maxText))
	t.Log("\n" + strings.Join(rows, "\n"))
}
