package clean

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
)

func TestHeadline(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"first line",
			"Fed raises rates again as inflation bites\n\nThe Federal Reserve raised its main interest rate on Wednesday for the third time this year.",
			"Fed raises rates again as inflation bites"},
		{"question headline",
			"Will the talks in Geneva end the stand-off?\n\nDiplomats from both countries met on Monday for eight hours.",
			"Will the talks in Geneva end the stand-off?"},
		{"wrapped first paragraph is not a headline",
			"The Federal Reserve raised its main interest rate\non Wednesday for the third time this year, citing inflation.\n\nMarkets fell.",
			"The Federal Reserve raised its main interest rate on Wednesday for the third time…"},
		{"headline at the end, after the credit line",
			"Flooding has forced thousands of residents from their homes in northern Italy after days of heavy rain.\n\n" +
				"Rescue teams worked through the night in the Emilia-Romagna region, officials said.\n\n" +
				"News summary from an agency.\n\n" +
				"Thousands flee homes as heavy rain floods northern Italy",
			"Thousands flee homes as heavy rain floods northern Italy"},
		{"a last line that does not echo the top is not a headline",
			"Flooding has forced thousands of residents from their homes in northern Italy.\n\n" +
				"Join thought-provoking conversations, follow other readers and see their replies",
			"Flooding has forced thousands of residents from their homes in northern Italy"},
		{"lead sentence, shortened",
			"The U.S. and Russia were locked in high-wire talks over the fate of Ukraine on Monday with both sides signalling they would not back down.\n\nMore text.",
			"The U.S. and Russia were locked in high-wire talks over the fate of Ukraine…"},
		{"a short lead sentence is the headline, without its full stop",
			"Parliament approved the budget on Friday. The vote was 312 to 280.",
			"Parliament approved the budget on Friday"},
		{"no words", " \n\n ", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Headline(c.text); got != c.want {
				t.Errorf("Headline:\n got  %q\n want %q", got, c.want)
			}
		})
	}
}

func TestUntitledTextGetsAHeadline(t *testing.T) {
	c := New(Options{})
	out, err := c.Process(context.Background(), pipeline.Article{Schema: 1,
		Text: "Parliament approved the budget on Friday after a night of debate. The vote was 312 to 280, with three abstentions."})
	if err != nil {
		t.Fatal(err)
	}
	if out.Title != "Parliament approved the budget on Friday after a night of debate" {
		t.Errorf("title %q", out.Title)
	}
	out, err = c.Process(context.Background(), pipeline.Article{Schema: 1, Title: "Budget passes",
		Text: "Parliament approved the budget on Friday after a night of debate."})
	if err != nil || out.Title != "Budget passes" {
		t.Errorf("a title the article has is kept: %q, %v", out.Title, err)
	}
}

// The seed 004 (../shared/seeds) is plain text whose headline is its last
// line, after the credit line.
func TestSeedHeadlineAtTheEnd(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "shared", "seeds", "004_c42f8059e1cbe96e.txt"))
	if err != nil {
		t.Skipf("no seeds: %v", err)
	}
	a, err := pipeline.DecodeRaw(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := New(Options{}).Process(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Russia’s demands over Ukraine are ‘non-starters’, US says at crunch talks to avert conflict"; out.Title != want {
		t.Errorf("seed 004's headline: %q, want %q", out.Title, want)
	}
}

// TestHeadlineOnDUC measures the rules on the development articles of
// ../shared/enrich/stories that have a title (which their text does not
// hold): how often a text with no headline in it is wrongly found to have
// one (first or last line), and how often the title put back as the last
// line, after a credit line, is found.
func TestHeadlineOnDUC(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "shared", "enrich", "stories", "inputs", "*.json"))
	if len(files) == 0 {
		t.Skip("no ../shared/enrich/stories")
	}
	var n, wrong, found int
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var in struct{ Title, Text string }
		if err := json.Unmarshal(raw, &in); err != nil {
			t.Fatal(err)
		}
		title := oneSpaced(in.Title)
		if title == "" || !readsAsHeadline(title) {
			continue
		}
		n++
		text := strings.TrimSpace(in.Text)
		if h := Headline(text); !strings.HasSuffix(h, "…") && h != strings.TrimSuffix(oneSpaced(leadSentence(paragraphs(text)[0])), ".") {
			wrong++
		}
		if Headline(text+"\n\nDistributed by a news agency.\n\n"+title) == title {
			found++
		}
	}
	t.Logf("%d titled articles: a headline wrongly found in %d (%.1f%%); the title at the end found in %d (%.1f%%)",
		n, wrong, 100*float64(wrong)/float64(n), found, 100*float64(found)/float64(n))
	if wrong*20 > n || found*2 < n {
		t.Errorf("headline rules regressed on the development articles")
	}
}
