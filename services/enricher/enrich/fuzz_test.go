package enrich_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/enricher/enrich"
)

// FuzzProcess feeds arbitrary text (and a publication date or none) to
// Process: it must not panic, must fail only with its permanent input
// errors, and every offset it reports must be valid in the text it returns.
func FuzzProcess(f *testing.F) {
	for _, s := range []string{
		"Nato and Russia began talks on Wednesday.",
		"“We will not,” Ms Smith said.\n\n“Ever,” she added.",
		"‘It’s the allies’ view,’ said the alliance’s Assistant Secretary General Baiba Braze.",
		"OSCE (Organisation for Security and Cooperation in Europe) met Jan. 10, 2022-01-10 and three decades ago.",
		".UeJNJ::before{display:none}\nYour support helps us. Read more Sergei Rybakov said “",
		"\xff\xfe Mr \u201d\u201c\u2019 ' \" U.S. — @x #y pic.twitter.com/z",
		"", " ", "a", "Mr", "“", "10 January", "eight years after",
	} {
		f.Add(s, true)
	}
	if dir, err := shareddata.Dir(); err == nil {
		_ = dir
		for _, path := range shareddata.Seeds(f) {
			if data, err := os.ReadFile(path); err == nil {
				f.Add(string(data), true)
			}
		}
	}
	pub := time.Date(2022, 1, 12, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string, dated bool) {
		e, err := enrich.New(enrich.Options{MaxTextBytes: 1 << 16})
		if err != nil {
			t.Fatal(err)
		}
		a := pipeline.Article{ID: "fuzz", Text: text}
		if dated {
			a.PublishedAt = &pub
		}
		out, err := e.Process(context.Background(), a)
		if err != nil {
			if !pipeline.IsPermanent(err) || !errors.Is(err, enrich.ErrNoText) && !errors.Is(err, enrich.ErrTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkOffsets(t, out)
		if out.StoryID == "" {
			t.Fatal("no story id")
		}
	})
}
