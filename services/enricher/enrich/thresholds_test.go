package enrich_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
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
	return story.Sign(doc.Parse(out.Text), ents)
}

func related(sc story.Scores) float64 { return 0.5*sc.Terms + 0.5*sc.Entities }

func isCopy(sc story.Scores, th enrich.Thresholds) bool {
	return sc.Text >= th.CopyText || sc.Skeleton >= th.RewordSkeleton && sc.Terms >= th.RewordTerms
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
			if isCopy(sc, th) {
				t.Errorf("seeds %s and %s score as copies: %+v", ss[i].name, ss[j].name, sc)
			}
			if j < i {
				best = max(best, related(sc))
			}
			if j > i {
				rows = append(rows, fmt.Sprintf("%s-%s text=%.3f skeleton=%.3f terms=%.3f entities=%.3f related=%.3f",
					ss[i].name, ss[j].name, sc.Text, sc.Skeleton, sc.Terms, sc.Entities, related(sc)))
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
		if !isCopy(sc, th) {
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
			negRelated = append(negRelated, related(sc))
			maxSkel, maxText = max(maxSkel, sc.Skeleton), max(maxText, sc.Text)
			if related(sc) >= th.Story || isCopy(sc, th) {
				t.Errorf("a 1996 Reuters article links to seed %s: %+v", ss[i].name, sc)
			}
		}
	}
	// Among the CoNLL articles themselves (two days of Reuters wire) some
	// pairs are one story and a few are one report twice.
	head := func(s string) string { s = strings.Join(strings.Fields(s), " "); return s[:min(len(s), 50)] }
	pairs, copies, linked := 0, 0, 0
	for i := range conll {
		for j := i + 1; j < len(conll); j++ {
			pairs++
			sc := story.Compare(&conll[i], &conll[j])
			if isCopy(sc, th) {
				copies++
				rows = append(rows, fmt.Sprintf("CoNLL copy: text=%.3f skeleton=%.3f terms=%.3f %q / %q", sc.Text, sc.Skeleton, sc.Terms, head(docs[i]), head(docs[j])))
			}
			if related(sc) >= th.Story {
				linked++
			}
		}
	}
	rows = append(rows, fmt.Sprintf("CoNLL pairs: %d, story links %d (%.2f%%), copies %d", pairs, linked, 100*float64(linked)/float64(pairs), copies))
	if copies > 5 || linked*100 > pairs {
		t.Errorf("CoNLL articles link too easily: %d copies, %d story links in %d pairs", copies, linked, pairs)
	}
	slices.Sort(negRelated)
	n := len(negRelated)
	rows = append(rows, fmt.Sprintf("seeds x %d CoNLL articles: related p50=%.3f p99=%.3f max=%.3f; skeleton max=%.3f; text max=%.3f",
		len(docs), negRelated[n/2], negRelated[n*99/100], negRelated[n-1], maxSkel, maxText))
	t.Log("\n" + strings.Join(rows, "\n"))
}
