// Command nertrain trains the newsflow entity model on CoNLL-2003 data and
// writes it where package ner embeds it:
//
//	go run ./services/enricher/ner/cmd/nertrain \
//		-train ../shared/ner/conll2003/eng.train \
//		-dev ../shared/ner/conll2003/eng.testa \
//		-out services/enricher/ner/model.bin
//
// Training is deterministic: the same data, gazetteers and flags give the
// same model, byte for byte.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/newsflow/newsflow/services/enricher/ner"
	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "nertrain:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		trainPath = flag.String("train", "../shared/ner/conll2003/eng.train", "CoNLL training `file`")
		devPath   = flag.String("dev", "../shared/ner/conll2003/eng.testa", "CoNLL development `file`, for choosing epochs (never trained on)")
		out       = flag.String("out", "services/enricher/ner/model.bin", "where to write the model")
		gazDir    = flag.String("gazetteer", "services/enricher/ner/gazetteer", "`directory` of gazetteer lists (*.txt); empty for none")
		cfg       ner.TrainConfig
	)
	flag.IntVar(&cfg.Epochs, "epochs", 20, "most epochs per stage")
	flag.IntVar(&cfg.Folds, "folds", 5, "cross-validation folds for the second stage's training labels")
	flag.IntVar(&cfg.MinCount, "min-count", 1, "drop features seen fewer times in training")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "shuffling seed")
	flag.Parse()
	cfg.Log = os.Stderr
	if *gazDir != "" {
		if st, err := os.Stat(*gazDir); err != nil || !st.IsDir() {
			return fmt.Errorf("gazetteer directory %s: not found (run from the repository root, or set -gazetteer)", *gazDir)
		}
		cfg.Gazetteer = os.DirFS(*gazDir)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	train, err := conll.ReadFile(*trainPath)
	if err != nil {
		return err
	}
	dev, err := conll.ReadFile(*devPath)
	if err != nil {
		return err
	}
	m, err := ner.Train(ctx, train, dev, cfg)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%.1f MB)\n", *out, float64(buf.Len())/1e6)

	// Check the file round-trips and score it the way users will.
	loaded, err := ner.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return fmt.Errorf("reloading the model: %w", err)
	}
	var score conll.Score
	began := time.Now()
	tokens := 0
	for _, d := range dev {
		words := make([][]string, len(d.Sentences))
		for i, s := range d.Sentences {
			words[i] = s.Words
			tokens += len(s.Words)
		}
		for i, tags := range loaded.TagDocument(words) {
			if err := score.Add(d.Sentences[i].Tags, tags); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(os.Stderr, "%s, reloaded model (%.0f tokens/s):\n", *devPath, float64(tokens)/time.Since(began).Seconds())
	return score.WriteReport(os.Stderr)
}
