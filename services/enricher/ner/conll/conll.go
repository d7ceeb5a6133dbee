// Package conll reads CoNLL-format named-entity corpora and scores taggers
// against them the way the CoNLL shared tasks' conlleval script does:
// entity-level exact match of span and type, precision, recall and F1,
// overall and per type.
//
// A file has one token per line, the word first and the entity tag last,
// blank lines between sentences and "-DOCSTART-" lines between documents.
// Tags may be IOB1 (CoNLL-2003's own: "B-" only between two entities of the
// same type), IOB2/BIO, or BIOES/BILOU; Chunks reads them all.
package conll

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Sentence is one sentence: its words and their tags, of equal length.
type Sentence struct {
	Words []string
	Tags  []string
}

// Document is a run of sentences between "-DOCSTART-" lines. Taggers that
// use document-wide evidence (the same name tagged alike throughout) see a
// document at a time.
type Document struct {
	Sentences []Sentence
}

// Tokens returns the number of tokens in the document.
func (d Document) Tokens() int {
	n := 0
	for _, s := range d.Sentences {
		n += len(s.Words)
	}
	return n
}

// ErrFormat reports a malformed CoNLL file.
var ErrFormat = errors.New("conll: malformed input")

// ReadFile reads the CoNLL file at path; see Read.
func ReadFile(path string) ([]Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// Read reads a CoNLL file. Columns are separated by spaces or tabs; the
// first is the word and the last the tag (a line with one column has tag
// "O", so plain tokenised text reads too). A file without "-DOCSTART-"
// lines is one document.
func Read(r io.Reader) ([]Document, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var (
		docs []Document
		doc  Document
		sent Sentence
		line int
	)
	endSentence := func() {
		if len(sent.Words) > 0 {
			doc.Sentences = append(doc.Sentences, sent)
			sent = Sentence{}
		}
	}
	endDocument := func() {
		endSentence()
		if len(doc.Sentences) > 0 {
			docs = append(docs, doc)
			doc = Document{}
		}
	}
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 0:
			endSentence()
		case fields[0] == "-DOCSTART-":
			endDocument()
		default:
			tag := "O"
			if len(fields) > 1 {
				tag = fields[len(fields)-1]
				if !validTag(tag) {
					return nil, fmt.Errorf("%w: line %d: bad tag %q", ErrFormat, line, tag)
				}
			}
			sent.Words = append(sent.Words, fields[0])
			sent.Tags = append(sent.Tags, tag)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: line %d: %w", ErrFormat, line+1, err)
	}
	endDocument()
	return docs, nil
}

func validTag(tag string) bool {
	if tag == "O" {
		return true
	}
	prefix, typ, ok := strings.Cut(tag, "-")
	if !ok || typ == "" {
		return false
	}
	switch prefix {
	case "B", "I", "E", "S", "L", "U":
		return true
	}
	return false
}

// Chunk is one entity: words [Start, End) of a sentence, of type Type
// ("PER", "ORG", ...).
type Chunk struct {
	Start, End int
	Type       string
}

// Chunks returns the entities a tag sequence encodes, by conlleval's
// rules, so IOB1, IOB2 and BIOES/BILOU tags all read correctly: a chunk
// starts at B-, S- or U-, or at I-, E- or L- after O or after a tag of
// another type; it ends before O, B-, S- or U-, before a tag of another
// type, or after E-, L-, S- or U-.
func Chunks(tags []string) []Chunk {
	var out []Chunk
	open := -1
	openType := ""
	for i, tag := range tags {
		prefix, typ := split(tag)
		if open >= 0 {
			ends := prefix == "O" || prefix == "B" || prefix == "S" || prefix == "U" || typ != openType
			if ends {
				out = append(out, Chunk{Start: open, End: i, Type: openType})
				open = -1
			}
		}
		if prefix == "O" {
			continue
		}
		if open < 0 {
			open, openType = i, typ
		}
		if prefix == "E" || prefix == "L" || prefix == "S" || prefix == "U" {
			out = append(out, Chunk{Start: open, End: i + 1, Type: openType})
			open = -1
		}
	}
	if open >= 0 {
		out = append(out, Chunk{Start: open, End: len(tags), Type: openType})
	}
	return out
}

func split(tag string) (prefix, typ string) {
	if tag == "O" || tag == "" {
		return "O", ""
	}
	p, t, ok := strings.Cut(tag, "-")
	if !ok {
		return "O", ""
	}
	return p, t
}
