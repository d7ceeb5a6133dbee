package nerbench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	prose "github.com/jdkato/prose/v2"
)

// TestRun runs the comparison on a tiny hand-made CoNLL file: both rows
// and the ratio must be printed, and newsflow must score it perfectly.
func TestRun(t *testing.T) {
	var out strings.Builder
	err := Run(context.Background(), &out, "../../services/enricher/ner/conll/testdata/tiny.gold", Options{MinTime: time.Millisecond, Report: true})
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"7 entities", "newsflow", "prose/v2", "tokens/s", "speed", "processed 18 tokens with 7 phrases"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// The rows: name, P, R, F1, then per type; newsflow must find most of
	// these plain entities, and speeds must be positive.
	rows := map[string][]string{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) > 16 && (f[0] == "newsflow" || f[0] == "prose/v2") {
			rows[f[0]] = f
		}
	}
	if len(rows) != 2 {
		t.Fatalf("want a newsflow and a prose/v2 row:\n%s", s)
	}
	for name, f := range rows {
		var p, r, f1, speed float64
		fmt.Sscan(f[1], &p)
		fmt.Sscan(f[2], &r)
		fmt.Sscan(f[3], &f1)
		fmt.Sscan(f[16], &speed)
		if p < 0 || p > 100 || r < 0 || r > 100 || f1 < 0 || f1 > 100 || speed <= 0 {
			t.Errorf("%s row %q: implausible figures", name, f)
		}
		if name == "newsflow" && f1 < 70 {
			t.Errorf("newsflow F1 %.2f on the tiny file, want at least 70", f1)
		}
	}
}

func TestRunErrors(t *testing.T) {
	if err := Run(context.Background(), &strings.Builder{}, "testdata/missing.conll", Options{}); err == nil {
		t.Error("Run on a missing file succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, &strings.Builder{}, "../../services/enricher/ner/conll/testdata/tiny.gold", Options{SkipProse: true}); err == nil {
		t.Error("Run with a cancelled context succeeded")
	}
}

// TestProseTags checks the mapping of prose's entities back onto CoNLL
// words, including an entity prose finds inside one word.
func TestProseTags(t *testing.T) {
	m := prose.ModelFromData("en")
	words := strings.Fields("Wendy Sherman met Sergei Ryabkov in Geneva .")
	got := proseTags(m, words)
	want := []string{"B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O"}
	if !slices.Equal(got, want) {
		t.Errorf("proseTags = %q, want %q", got, want)
	}
	if len(proseTags(m, []string{"US-Russia", "talks"})) != 2 {
		t.Error("proseTags changed the sentence length")
	}
}
