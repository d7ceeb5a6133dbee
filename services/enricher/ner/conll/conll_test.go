package conll

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline/shareddata"
)

func TestChunks(t *testing.T) {
	tests := []struct {
		name string
		tags string
		want []Chunk
	}{
		{"IOB1", "I-PER I-PER O I-LOC B-LOC I-ORG", []Chunk{{0, 2, "PER"}, {3, 4, "LOC"}, {4, 5, "LOC"}, {5, 6, "ORG"}}},
		{"IOB2", "B-PER I-PER O B-LOC B-LOC B-ORG", []Chunk{{0, 2, "PER"}, {3, 4, "LOC"}, {4, 5, "LOC"}, {5, 6, "ORG"}}},
		{"BIOES", "B-PER E-PER O S-LOC S-LOC S-ORG", []Chunk{{0, 2, "PER"}, {3, 4, "LOC"}, {4, 5, "LOC"}, {5, 6, "ORG"}}},
		{"BILOU", "B-PER I-PER L-PER U-LOC O", []Chunk{{0, 3, "PER"}, {3, 4, "LOC"}}},
		{"type change splits", "I-PER I-ORG I-ORG", []Chunk{{0, 1, "PER"}, {1, 3, "ORG"}}},
		{"I after O starts", "O I-MISC I-MISC O", []Chunk{{1, 3, "MISC"}}},
		{"E then I starts anew", "B-LOC E-LOC I-LOC", []Chunk{{0, 2, "LOC"}, {2, 3, "LOC"}}},
		{"runs to the end", "O B-ORG I-ORG", []Chunk{{1, 3, "ORG"}}},
		{"none", "O O", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Chunks(strings.Fields(tt.tags)); !slices.Equal(got, tt.want) {
				t.Errorf("Chunks(%s) = %v, want %v", tt.tags, got, tt.want)
			}
		})
	}
}

// TestScoreTiny scores a hand-made prediction (IOB2) against a hand-made
// reference (IOB1) whose figures were worked out by hand: 7 reference
// entities, 7 predicted, 3 right (EU, German, Peter Blackburn).
func TestScoreTiny(t *testing.T) {
	gold, err := ReadFile("testdata/tiny.gold")
	if err != nil {
		t.Fatal(err)
	}
	pred, err := ReadFile("testdata/tiny.pred")
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) != 2 || len(pred) != 2 {
		t.Fatalf("read %d and %d documents, want 2 each", len(gold), len(pred))
	}
	var s Score
	for d := range gold {
		for i, sent := range gold[d].Sentences {
			if !slices.Equal(sent.Words, pred[d].Sentences[i].Words) {
				t.Fatalf("words differ: %q vs %q", sent.Words, pred[d].Sentences[i].Words)
			}
			if err := s.Add(sent.Tags, pred[d].Sentences[i].Tags); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]Counts{
		"ORG":  {Gold: 2, Predicted: 2, Correct: 1},
		"MISC": {Gold: 2, Predicted: 1, Correct: 1},
		"PER":  {Gold: 1, Predicted: 1, Correct: 1},
		"LOC":  {Gold: 2, Predicted: 3, Correct: 0},
	}
	for typ, w := range want {
		if got := s.ByType[typ]; got != w {
			t.Errorf("%s: got %+v, want %+v", typ, got, w)
		}
	}
	if want := (Counts{Gold: 7, Predicted: 7, Correct: 3}); s.Overall != want {
		t.Errorf("overall: got %+v, want %+v", s.Overall, want)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	near("overall F1", s.Overall.F1(), 3.0/7)
	near("MISC precision", s.ByType["MISC"].Precision(), 1)
	near("MISC recall", s.ByType["MISC"].Recall(), 0.5)
	near("MISC F1", s.ByType["MISC"].F1(), 2.0/3)
	near("LOC F1", s.ByType["LOC"].F1(), 0)
	near("accuracy", s.Accuracy(), 16.0/18)
	if s.Tokens != 18 {
		t.Errorf("tokens = %d, want 18", s.Tokens)
	}

	var report strings.Builder
	if err := s.WriteReport(&report); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"processed 18 tokens with 7 phrases; found: 7 phrases; correct: 3.",
		"precision:  42.86%; recall:  42.86%; FB1:  42.86",
		"MISC: precision: 100.00%; recall:  50.00%; FB1:  66.67  1",
	} {
		if !strings.Contains(report.String(), line) {
			t.Errorf("report lacks %q:\n%s", line, report.String())
		}
	}
}

func TestScoreLengthMismatch(t *testing.T) {
	var s Score
	if err := s.Add([]string{"O"}, []string{"O", "O"}); err == nil {
		t.Error("Add accepted sequences of different lengths")
	}
}

func TestReadRejectsBadTags(t *testing.T) {
	_, err := Read(strings.NewReader("EU NNP I-NP X-ORG\n"))
	if err == nil {
		t.Fatal("Read accepted tag X-ORG")
	}
}

// TestDevSetAgainstItself reads the CoNLL-2003 development set, which has
// 5942 entities by its published statistics, and scores it against itself.
func TestDevSetAgainstItself(t *testing.T) {
	docs, err := ReadFile(shareddata.Path(t, "ner", "conll2003", "eng.testa"))
	if err != nil {
		t.Fatal(err)
	}
	var s Score
	for _, d := range docs {
		for _, sent := range d.Sentences {
			if err := s.Add(sent.Tags, sent.Tags); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(docs) != 216 || s.Overall.Gold != 5942 || s.Overall.F1() != 1 {
		t.Errorf("%d documents, %d entities, F1 %v; want 216, 5942, 1", len(docs), s.Overall.Gold, s.Overall.F1())
	}
}
