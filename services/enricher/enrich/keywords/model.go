package keywords

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Model is a logistic model over a candidate's features.
type Model struct {
	// Features are the names the weights belong to (FeatureNames when fitted).
	Features []string  `json:"features"`
	Bias     float64   `json:"bias"`
	Weights  []float64 `json:"weights"`
	// Source says what the model was fitted on and how it was checked.
	Source string `json:"source,omitempty"`
}

// Score is the model's probability that c is a keyword.
func (m *Model) Score(c *Candidate) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * c.Features[i]
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
	return &m, nil
}
