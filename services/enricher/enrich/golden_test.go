package enrich_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/capnames"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenRecognizer is the recogniser the golden files are made with: the
// statistical model the enricher ships (ner.Load). TestGoldenFallback
// pins the fallback recogniser's output too.
func goldenRecognizer(t *testing.T) enrich.Recognizer {
	t.Helper()
	m, err := ner.Load()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// goldenArticle is the part of an enriched article the golden files pin:
// everything the enricher adds, with mentions flattened for reading.
type goldenArticle struct {
	ID          string                 `json:"id"`
	PublishedAt string                 `json:"published_at,omitempty"`
	StoryID     string                 `json:"story_id"`
	DuplicateOf string                 `json:"duplicate_of,omitempty"`
	Entities    []goldenEntity         `json:"entities"`
	Quotes      []pipeline.Quote       `json:"quotes"`
	Dates       []pipeline.DateMention `json:"dates"`
	Keywords    []pipeline.Keyword     `json:"keywords"`
}

type goldenEntity struct {
	ID       string              `json:"id"`
	Name     string              `json:"name"`
	Type     pipeline.EntityType `json:"type"`
	Count    int                 `json:"count"`
	Salience float64             `json:"salience"`
	Mentions []string            `json:"mentions"` // "start-end text"
}

func golden(a pipeline.Article) goldenArticle {
	g := goldenArticle{ID: a.ID, StoryID: a.StoryID, DuplicateOf: a.DuplicateOf, Quotes: a.Quotes, Dates: a.Dates, Keywords: a.Keywords}
	if a.PublishedAt != nil {
		g.PublishedAt = a.PublishedAt.Format(time.DateOnly)
	}
	for _, e := range a.Entities {
		ge := goldenEntity{ID: e.ID, Name: e.Name, Type: e.Type, Count: e.Count, Salience: e.Salience}
		for _, m := range e.Mentions {
			ge.Mentions = append(ge.Mentions, fmt.Sprintf("%d-%d %s", m.Start, m.End, m.Text))
		}
		g.Entities = append(g.Entities, ge)
	}
	return g
}

// TestGolden enriches the five seeds, in order, through one memory, with
// the NER model, and compares everything the enricher adds with
// testdata/golden/*.json. Regenerate with:
//
//	go test ./enrich -run TestGolden -update
func TestGolden(t *testing.T) { testGolden(t, goldenRecognizer(t), "golden") }

// TestGoldenFallback does the same with the fallback recogniser (used when
// no model is configured), against testdata/golden-fallback/*.json.
func TestGoldenFallback(t *testing.T) { testGolden(t, capnames.New(nil), "golden-fallback") }

func testGolden(t *testing.T, rec enrich.Recognizer, dir string) {
	e := newEnricher(t, enrich.Options{Recognizer: rec})
	for _, s := range seeds(t) {
		got, err := json.MarshalIndent(golden(process(t, e, s.a)), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", dir, s.name+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("seed %s differs from %s (run with -update after checking the change):\n%s", s.name, path, firstDiff(want, got))
		}
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := range max(len(wl), len(gl)) {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return fmt.Sprintf("line %d\n want %s\n got  %s", i+1, w, g)
		}
	}
	return ""
}
