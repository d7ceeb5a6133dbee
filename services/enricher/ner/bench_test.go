package ner

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

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
	return text, len(Tokenize(text))
}

// BenchmarkRecognize tags the five seed articles, CSS and all, from raw
// text: tokenising, sentence splitting and both stages.
func BenchmarkRecognize(b *testing.B) {
	m := mustLoad(b)
	text, tokens := seedText(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		m.Recognize(text)
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
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
	for b.Loop() {
		for _, doc := range words {
			m.TagDocument(doc)
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkTokenize(b *testing.B) {
	text, tokens := seedText(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Tokenize(text)
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
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
