package ner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

// TestTrainTiny trains on a hand-made corpus of eight sentences (a few
// milliseconds): the model must learn its training data, and training
// twice must give the same bytes. Epochs are chosen on the training data
// itself: a two-sentence development set scores every epoch alike.
func TestTrainTiny(t *testing.T) {
	train, err := conll.ReadFile("testdata/tiny.train")
	if err != nil {
		t.Fatal(err)
	}
	cfg := TrainConfig{Epochs: 10, Folds: 2, Seed: 7, Gazetteer: os.DirFS("gazetteer")}
	var out [2]bytes.Buffer
	var m *Model
	for i := range out {
		if m, err = Train(context.Background(), train, train, cfg); err != nil {
			t.Fatal(err)
		}
		if _, err := m.WriteTo(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("training is not deterministic")
	}
	m2, err := Decode(&out[0])
	if err != nil {
		t.Fatal(err)
	}
	var score conll.Score
	for _, d := range train {
		var words [][]string
		for _, s := range d.Sentences {
			words = append(words, s.Words)
		}
		for i, tags := range m2.TagDocument(words) {
			if err := score.Add(d.Sentences[i].Tags, tags); err != nil {
				t.Fatal(err)
			}
		}
	}
	if f1 := score.Overall.F1(); f1 < 0.9 {
		t.Errorf("tiny model scores F1 %.3f on its own training data, want at least 0.9", f1)
	}
}

func TestTrainErrors(t *testing.T) {
	if _, err := Train(context.Background(), nil, nil, TrainConfig{}); !errors.Is(err, ErrNoData) {
		t.Errorf("Train without data: %v, want ErrNoData", err)
	}
	train, _ := conll.ReadFile("testdata/tiny.train")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, train, train, TrainConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Train with a cancelled context: %v, want context.Canceled", err)
	}
}
