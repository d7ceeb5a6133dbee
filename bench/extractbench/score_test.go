package extractbench

import (
	"math"
	"slices"
	"testing"
)

func TestWordTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Hello, world!", []string{"Hello", "world"}},
		{"snake_case isn't 3.14", []string{"snake_case", "isn", "t", "3", "14"}},
		{"Zürich – naïve café", []string{"Zürich", "naïve", "café"}},
		{"日本語のテキスト", []string{"日本語のテキスト"}},
		{"½ price ²", []string{"½", "price", "²"}},
		// Python's \w excludes combining marks: a decomposed é splits the word.
		{"cafe\u0301 ok", []string{"cafe", "ok"}},
		{"हिन्दी", []string{"ह", "न", "द"}},
	} {
		if got := wordTokens(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("wordTokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScrapinghubPage(t *testing.T) {
	for _, tc := range []struct {
		name        string
		truth, pred string
		tp, fp, fn  float64
		exact       bool
	}{
		{"identical", "a b c d e", "a  b, c. d e", 1, 0, 0, true},
		{"both empty", "", "...", 0, 0, 0, true},
		{"empty prediction", "a b c d e", "", 0, 0, 1, false},
		// truth shingles: abcd bcde; pred: abcd bcdx → tp1 fp1 fn1
		{"one differs", "a b c d e", "a b c d x", 1.0 / 3, 1.0 / 3, 1.0 / 3, false},
		// short texts are one shingle each
		{"short equal", "a b", "a b", 1, 0, 0, true},
		{"short differ", "a b", "a c", 0, 0.5, 0.5, false},
		{"case sensitive", "A b c d", "a b c d", 0, 0.5, 0.5, false},
	} {
		c, exact := scrapinghubPage(tc.truth, tc.pred)
		if !near(c.tp, tc.tp) || !near(c.fp, tc.fp) || !near(c.fn, tc.fn) || exact != tc.exact {
			t.Errorf("%s: got %+v exact=%v, want tp=%v fp=%v fn=%v exact=%v", tc.name, c, exact, tc.tp, tc.fp, tc.fn, tc.exact)
		}
	}
}

func TestScrapinghubPageRepeatCounts(t *testing.T) {
	// "a b c d a b c d": shingles abcd×2, bcda, cdab, dabc → 5; truth abcd×1.
	c, _ := scrapinghubPage("a b c d", "a b c d a b c d")
	if !near(c.tp, 1.0/5) || !near(c.fp, 4.0/5) || c.fn != 0 {
		t.Fatalf("got %+v, want tp=1/5 fp=4/5", c)
	}
}

func TestScrapinghubScores(t *testing.T) {
	pages := []shingleCounts{
		{1, 0, 0},     // perfect
		{0, 0, 1},     // empty prediction: counts for recall only
		{0.5, 0.5, 0}, // half junk
		{0, 0, 0},     // both empty: counts for neither
	}
	s := scrapinghubScores(pages, 1)
	wantP := (1 + 0.5) / 2.0
	wantR := (1 + 0 + 1) / 3.0
	if !near(s.Precision, wantP) || !near(s.Recall, wantR) {
		t.Fatalf("P=%v R=%v, want %v %v", s.Precision, s.Recall, wantP, wantR)
	}
	if want := 2 * wantP * wantR / (wantP + wantR); !near(s.F1, want) {
		t.Fatalf("F1=%v, want harmonic mean of means %v", s.F1, want)
	}
	if !near(s.Accuracy, 0.25) {
		t.Fatalf("accuracy %v", s.Accuracy)
	}
}

func TestCollapseSpace(t *testing.T) {
	for in, want := range map[string]string{
		"  a \t\n b\u00a0\u2003c  ": "a b c",
		"x\u001fy":                  "x y",
		"\u200bz":                   "\u200bz", // zero-width space is not whitespace
		"":                          "",
	} {
		if got := collapseSpace(in); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrafilaturaScoring(t *testing.T) {
	text := "The first\nparagraph  here.\n\nAnother\u00a0one."
	c := trafilaturaPage(text,
		[]string{"first paragraph here", "Another one.", "missing bit"},
		[]string{"Share this", "paragraph\nhere"}, false)
	if c != (snippetCounts{tp: 2, fn: 1, fp: 1, tn: 1}) {
		t.Fatalf("got %+v", c)
	}
	failed := trafilaturaPage("ignored", []string{"a", "b"}, []string{"c"}, true)
	if failed != (snippetCounts{fn: 2, tn: 1}) {
		t.Fatalf("failed page: %+v", failed)
	}
	var pooled snippetCounts
	pooled.add(c)
	pooled.add(failed)
	s := trafilaturaScores(pooled) // tp2 fn3 fp1
	if !near(s.Precision, 2.0/3) || !near(s.Recall, 2.0/5) || !near(s.F1, 4.0/8) {
		t.Fatalf("got %+v", s)
	}
}
