// Package ner finds the people, organisations, places and other names in
// English news text: a pure-Go statistical tagger trained on CoNLL-2003,
// whose model is embedded in the binary.
package ner

import "github.com/newsflow/newsflow/pipeline"

// Span is one recognised name: Text == text[Start:End], byte offsets into
// the text given to the recogniser.
type Span struct {
	Start int                 `json:"start"`
	End   int                 `json:"end"`
	Type  pipeline.EntityType `json:"type"`
	Text  string              `json:"text"`
}
