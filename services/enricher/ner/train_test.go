package ner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

// TestTrainTiny trains on a hand-made corpus of eight sentences (a few
// milliseconds): the model must learn its training data, and training
// twice must give the same bytes.
func TestTrainTiny(t *testing.T) {
	train, err := conll.ReadFile("testdata/tiny.train")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := conll.ReadFile("testdata/tiny.dev")
	if err != nil {
		t.Fatal(err)
	}
	cfg := TrainConfig{Epochs: 5, Folds: 2, Seed: 7, Gazetteer: os.DirFS("gazetteer")}
	var out [2]bytes.Buffer
	var m *Model
	for i := range out {
		if m, err = Train(context.Background(), train, dev, cfg); err != nil {
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
	got := m2.Tag(strings.Fields("Jens Stoltenberg of Nato spoke in Brussels ."))
	want := []string{"B-PER", "I-PER", "O", "B-ORG", "O", "O", "B-LOC", "O"}
	if !slices.Equal(got, want) {
		t.Errorf("tiny model tags a training sentence %q, want %q", got, want)
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
