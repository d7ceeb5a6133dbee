package enrich

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

// TestDumpScores prints the pairwise story scores of the seeds (DUMP=1).
func TestDumpScores(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	files, _ := filepath.Glob("/work/shared/seeds/*.txt")
	sort.Strings(files)
	e, _ := New(Options{})
	var sigs []story.Signature
	for _, f := range files {
		data, _ := os.ReadFile(f)
		a, _ := pipeline.DecodeRaw(data, nil)
		out, err := e.Process(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		d := docOf(out.Text)
		var se []story.Entity
		for _, en := range out.Entities {
			se = append(se, story.Entity{ID: en.ID, Salience: en.Salience})
		}
		sigs = append(sigs, story.Sign(d, se))
		fmt.Printf("%s story=%s dup=%s\n", filepath.Base(f)[:3], out.StoryID, out.DuplicateOf)
	}
	for i := range sigs {
		for j := i + 1; j < len(sigs); j++ {
			sc := story.Compare(&sigs[i], &sigs[j])
			fmt.Printf("%d-%d text=%.3f skel=%.3f terms=%.3f ents=%.3f related=%.3f\n", i, j, sc.Text, sc.Skeleton, sc.Terms, sc.Entities, 0.5*sc.Terms+0.5*sc.Entities)
		}
	}
}

func docOf(text string) *doc.Doc { return doc.Parse(text) }
