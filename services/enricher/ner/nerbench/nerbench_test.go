package nerbench

import (
	"context"
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
	err := Run(context.Background(), &out, "../conll/testdata/tiny.gold", Options{MinTime: time.Millisecond, Report: true})
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"7 entities", "newsflow", "prose/v2", "tokens/s", "speed", "processed 18 tokens with 7 phrases"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	newsflow := ""
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "newsflow ") && newsflow == "" {
			newsflow = line
		}
	}
	if f := strings.Fields(newsflow); len(f) < 4 || f[3] != "100.00" {
		t.Errorf("newsflow row %q: want F1 100.00 on the tiny file", newsflow)
	}
}

func TestRunErrors(t *testing.T) {
	if err := Run(context.Background(), &strings.Builder{}, "testdata/missing.conll", Options{}); err == nil {
		t.Error("Run on a missing file succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, &strings.Builder{}, "../conll/testdata/tiny.gold", Options{SkipProse: true}); err == nil {
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
