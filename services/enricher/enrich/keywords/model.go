package keywords

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/newsflow/newsflow/services/enricher/enrich/trees"
)

// Model scores a candidate's features: the log-odds that it is a key are
// a bias, a linear term and a sum of small regression trees (boosted).
type Model struct {
	// Features are the names the weights belong to (FeatureNames when fitted).
	Features []string     `json:"features"`
	Bias     float64      `json:"bias"`
	Weights  []float64    `json:"weights"`
	Trees    []trees.Tree `json:"trees,omitempty"`
	// Source says what the model was fitted on and how it was checked.
	Source string `json:"source,omitempty"`
}

// treeCandidates is how many candidates, the best by the linear term,
// the trees score; the others keep the linear score. The trees move a
// score by little, so they only reorder the top, and scoring every
// candidate of a long article with every tree would be most of the cost.
const treeCandidates = 12

// ScoreAll returns the probability that each candidate is a keyword.
func (m *Model) ScoreAll(cands []Candidate) []float64 {
	z := make([]float64, len(cands))
	for i := range cands {
		z[i] = m.linear(&cands[i])
	}
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	if len(m.Trees) > 0 {
		if len(order) > treeCandidates {
			slices.SortFunc(order, func(a, b int) int { return cmp.Compare(z[b], z[a]) })
			order = order[:treeCandidates]
		}
		for _, i := range order {
			for _, t := range m.Trees {
				z[i] += t.Eval(cands[i].Features)
			}
		}
	}
	for i := range z {
		z[i] = 1 / (1 + math.Exp(-z[i]))
	}
	return z
}

func (m *Model) linear(c *Candidate) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * c.Features[i]
	}
	return z
}

// Score is the model's probability that c is a keyword, all trees
// applied.
func (m *Model) Score(c *Candidate) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * c.Features[i]
	}
	for _, t := range m.Trees {
		z += t.Eval(c.Features)
	}
	return 1 / (1 + math.Exp(-z))
}

//go:embed data/model.json
var modelJSON []byte

var loadModel = sync.OnceValue(func() *Model {
	m, err := ParseModel(modelJSON)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return m
})

// ParseModel reads a model file and checks it fits the feature list.
func ParseModel(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("keywords model: %w", err)
	}
	if !slices.Equal(m.Features, FeatureNames) || len(m.Weights) != len(FeatureNames) {
		return nil, fmt.Errorf("keywords model: fitted on features %v, want %v", m.Features, FeatureNames)
	}
	for i, t := range m.Trees {
		if len(t) == 0 {
			return nil, fmt.Errorf("keywords model: tree %d is empty", i)
		}
		for _, n := range t {
			if n.Left > 0 && (n.Left >= len(t) || n.Right <= 0 || n.Right >= len(t) || n.Feature < 0 || n.Feature >= len(FeatureNames)) {
				return nil, fmt.Errorf("keywords model: tree %d has a bad node %+v", i, n)
			}
		}
	}
	return &m, nil
}
