// Package memtest checks implementations of enrich.Memory, as
// testing/fstest checks file systems.
package memtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// Report is a news report used by the checks; Copy and Other are a copy
// of it and an unrelated report.
const (
	Report = "Nato and Russia began tense negotiations on Wednesday aimed at bridging wide differences over Ukraine. " +
		"“We will not allow anyone to slam Nato’s open door policy shut,” Ms Smith said, after Julianne Smith met Russian envoys in Brussels. " +
		"Wendy Sherman briefed the allies in Geneva on Monday; Sergei Ryabkov said Moscow wanted guarantees."
	Other = "Heavy rain flooded the lower town of Passau on Sunday as the Danube rose above its banks. " +
		"Firefighters evacuated two care homes, and the mayor said the water would peak on Tuesday."
)

// Article signs text as the enricher would, with the entities of
// Report, or of Other when the text starts as Other does.
func Article(id, text string) story.Article {
	now := time.Now().Unix()
	ents := []story.Entity{{ID: "nato", Salience: 1}, {ID: "russia", Salience: 0.8}}
	if strings.HasPrefix(text, Other[:20]) {
		ents = []story.Entity{{ID: "passau", Salience: 1}, {ID: "danube", Salience: 0.6}}
	}
	return story.Article{ID: id, Time: now, Seen: now, Sig: story.Sign(tokens.Parse(text), ents)}
}

// Contract checks the behaviour every enrich.Memory must have; open
// returns a Memory on one shared, initially empty store each time it is
// called (for a Memory with no sharing, the same one): a copy names its
// original and joins its story, whichever Memory links it; an unrelated
// report starts a story of its own; a redelivery gets the first decision;
// and copies linked at the same moment through several Memories agree on
// one original.
func Contract(t *testing.T, open func() enrich.Memory) {
	t.Helper()
	ctx := context.Background()
	rule := story.DefaultRule
	m1, m2 := open(), open()
	d, err := m1.Link(ctx, &rule, Article("a", Report))
	if err != nil {
		t.Fatal(err)
	}
	if d.StoryID != story.NewStoryID("a") || d.DuplicateOf != "" {
		t.Fatalf("first article: %+v", d)
	}
	d, err = m2.Link(ctx, &rule, Article("b", Report+" A copy."))
	if err != nil {
		t.Fatal(err)
	}
	if d.StoryID != story.NewStoryID("a") || d.DuplicateOf != "a" {
		t.Fatalf("copy linked through another memory: %+v, want a copy of a in a's story", d)
	}
	d, err = m2.Link(ctx, &rule, Article("c", Other))
	if err != nil {
		t.Fatal(err)
	}
	if d.StoryID != story.NewStoryID("c") || d.DuplicateOf != "" {
		t.Fatalf("unrelated article: %+v", d)
	}
	// A redelivery of b, to the other memory and with changed text,
	// keeps its first decision.
	d, err = m1.Link(ctx, &rule, Article("b", Other))
	if err != nil {
		t.Fatal(err)
	}
	if d.StoryID != story.NewStoryID("a") || d.DuplicateOf != "a" {
		t.Fatalf("redelivery: %+v", d)
	}
	// A copy of a copy names the original.
	d, err = m1.Link(ctx, &rule, Article("e", Report+" A copy, again."))
	if err != nil {
		t.Fatal(err)
	}
	if d.DuplicateOf != "a" {
		t.Fatalf("copy of a copy: %+v", d)
	}

	// Copies of a new report linked at the same moment through several
	// memories: one original, one story.
	mems := []enrich.Memory{m1, m2, open()}
	const n = 12
	results := make([]pipeline.Article, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("race%02d", i)
			d, err := mems[i%len(mems)].Link(ctx, &rule, Article(id, Other+fmt.Sprintf(" (Copy %d.)", i)+" Schools stayed shut in Passau."))
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = pipeline.Article{ID: id, StoryID: d.StoryID, DuplicateOf: d.DuplicateOf}
		}()
	}
	wg.Wait()
	if !t.Failed() {
		for _, r := range results {
			if r.StoryID != story.NewStoryID("c") || r.DuplicateOf != "c" {
				t.Fatalf("copy %s of c: story %s, copy of %q", r.ID, r.StoryID, r.DuplicateOf)
			}
		}
	}
}

// OneOriginal checks what enriching copies of one article at the same
// moment must give, whichever workers or replicas did it: one story for
// all, exactly one original, and every other a copy of that original.
func OneOriginal(t testing.TB, results []pipeline.Article) {
	t.Helper()
	originals := map[string]bool{}
	for _, r := range results {
		if r.StoryID != results[0].StoryID {
			t.Fatalf("stories differ: %s and %s", r.StoryID, results[0].StoryID)
		}
		if r.DuplicateOf == "" {
			originals[r.ID] = true
		}
	}
	if len(originals) != 1 {
		t.Fatalf("%d originals, want 1: %v", len(originals), originals)
	}
	for _, r := range results {
		if r.DuplicateOf != "" && !originals[r.DuplicateOf] {
			t.Errorf("%s is a copy of %s, not of the original", r.ID, r.DuplicateOf)
		}
	}
}
