package conll

import (
	"fmt"
	"io"
	"slices"
)

// Counts are entity counts for one type or overall.
type Counts struct {
	Gold      int // entities in the reference
	Predicted int // entities the tagger found
	Correct   int // found entities with exactly the reference's span and type
}

// Precision is Correct/Predicted, 0 when nothing was predicted.
func (c Counts) Precision() float64 { return ratio(c.Correct, c.Predicted) }

// Recall is Correct/Gold, 0 when there is nothing to find.
func (c Counts) Recall() float64 { return ratio(c.Correct, c.Gold) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score accumulates conlleval's figures over sentences.
type Score struct {
	Tokens      int // tokens scored
	CorrectTags int // tokens whose predicted tag names the same type, or O, as the reference
	Overall     Counts
	ByType      map[string]Counts
}

// Add scores one sentence's predicted tags against its reference tags.
// Either may be IOB1, IOB2 or BIOES; both are read with Chunks.
func (s *Score) Add(gold, predicted []string) error {
	if len(gold) != len(predicted) {
		return fmt.Errorf("conll: %d reference tags but %d predicted", len(gold), len(predicted))
	}
	if s.ByType == nil {
		s.ByType = map[string]Counts{}
	}
	s.Tokens += len(gold)
	for i := range gold {
		_, g := split(gold[i])
		_, p := split(predicted[i])
		if g == p {
			s.CorrectTags++
		}
	}
	goldChunks, predChunks := Chunks(gold), Chunks(predicted)
	for _, c := range goldChunks {
		s.bump(c.Type, func(n *Counts) { n.Gold++ })
	}
	for _, c := range predChunks {
		s.bump(c.Type, func(n *Counts) { n.Predicted++ })
	}
	// Both lists are sorted by start and do not overlap: merge them.
	i, j := 0, 0
	for i < len(goldChunks) && j < len(predChunks) {
		g, p := goldChunks[i], predChunks[j]
		switch {
		case g.Start < p.Start:
			i++
		case p.Start < g.Start:
			j++
		default:
			if g == p {
				s.bump(g.Type, func(n *Counts) { n.Correct++ })
			}
			i++
			j++
		}
	}
	return nil
}

func (s *Score) bump(typ string, f func(*Counts)) {
	c := s.ByType[typ]
	f(&c)
	s.ByType[typ] = c
	f(&s.Overall)
}

// Types returns the entity types seen in the reference or the predictions,
// sorted.
func (s *Score) Types() []string {
	types := make([]string, 0, len(s.ByType))
	for t := range s.ByType {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// Accuracy is the share of tokens tagged with the right type (or O).
func (s *Score) Accuracy() float64 { return ratio(s.CorrectTags, s.Tokens) }

// WriteReport writes conlleval's report: the totals, then P/R/F1 per type.
func (s *Score) WriteReport(w io.Writer) error {
	o := s.Overall
	_, err := fmt.Fprintf(w, "processed %d tokens with %d phrases; found: %d phrases; correct: %d.\n",
		s.Tokens, o.Gold, o.Predicted, o.Correct)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n",
		100*s.Accuracy(), 100*o.Precision(), 100*o.Recall(), 100*o.F1())
	for _, t := range s.Types() {
		c := s.ByType[t]
		if _, err := fmt.Fprintf(w, "%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n",
			t, 100*c.Precision(), 100*c.Recall(), 100*c.F1(), c.Predicted); err != nil {
			return err
		}
	}
	return nil
}
