package ner

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline/cputime"
	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

// reportSpeed reports tokens per second of wall-clock time and of CPU
// time (see package cputime) for a benchmark that processed tokens per
// iteration; cpu is cputime.Now() when the loop started.
func reportSpeed(b *testing.B, tokens int, cpu time.Duration) {
	n := float64(tokens) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "tokens/s")
	if used := cputime.Now() - cpu; used > 0 {
		b.ReportMetric(n/used.Seconds(), "tokens/CPU-s")
	}
}

// seedText returns the five seed articles as one text, with the number of
// its tokens Recognize tags (the CSS preamble of seed 002 is skipped, so
// counting its tokens would flatter the speed).
func seedText(b *testing.B) (string, int) {
	b.Helper()
	var sb strings.Builder
	for _, path := range shareddata.Seeds(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		sb.Write(data)
		sb.WriteString("\n\n")
	}
	text := sb.String()
	tagged := 0
	for _, s := range SplitSentences(text, Tokenize(text)) {
		if prose(s) {
			tagged += len(s)
		}
	}
	return text, tagged
}

// BenchmarkRecognize tags the five seed articles, CSS and all, from raw
// text: tokenising, sentence splitting and both stages.
func BenchmarkRecognize(b *testing.B) {
	m := mustLoad(b)
	text, tokens := seedText(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		m.Recognize(text)
	}
	reportSpeed(b, tokens, cpu)
}

// BenchmarkTagDocument tags the CoNLL-2003 development set, pre-tokenised,
// a document at a time.
func BenchmarkTagDocument(b *testing.B) {
	m := mustLoad(b)
	docs, err := conll.ReadFile(shareddata.Path(b, "ner", "conll2003", "eng.testa"))
	if err != nil {
		b.Fatal(err)
	}
	var words [][][]string
	tokens := 0
	for _, d := range docs {
		var doc [][]string
		for _, s := range d.Sentences {
			doc = append(doc, s.Words)
		}
		words = append(words, doc)
		tokens += d.Tokens()
	}
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		for _, doc := range words {
			m.TagDocument(doc)
		}
	}
	reportSpeed(b, tokens, cpu)
}

func BenchmarkTokenize(b *testing.B) {
	text, _ := seedText(b)
	tokens := len(Tokenize(text))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		Tokenize(text)
	}
	reportSpeed(b, tokens, cpu)
}

// BenchmarkDecode decodes the embedded model, which Load does once per
// process.
func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(embeddedModel)); err != nil {
			b.Fatal(err)
		}
	}
}
