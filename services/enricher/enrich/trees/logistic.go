package trees

import (
	"fmt"
	"math"
	"slices"
)

// Logistic is a logistic regression on standardised features with
// boosted trees on the raw features added to its log-odds: the form of
// the quote classifier and of the speaker ranker. A model file holds it
// as these JSON fields (a model type embeds it and adds its own).
type Logistic struct {
	Features []string  `json:"features"`
	Mean     []float64 `json:"mean"`
	Scale    []float64 `json:"scale"`
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
	// Trees are gradient-boosted on what the linear part leaves
	// (interactions between features).
	Trees []Tree `json:"trees,omitempty"`
}

// LogOdds is the model's log-odds for features f.
func (m *Logistic) LogOdds(f []float64) float64 {
	z := m.linear(f)
	for _, t := range m.Trees {
		z += t.Eval(f)
	}
	return z
}

func (m *Logistic) linear(f []float64) float64 {
	z := m.Bias
	for i, x := range f {
		z += m.Weights[i] * (x - m.Mean[i]) / m.Scale[i]
	}
	return z
}

// Prob is the model's probability for features f.
func (m *Logistic) Prob(f []float64) float64 {
	return 1 / (1 + math.Exp(-m.LogOdds(f)))
}

// Check says whether the model was fitted on the features names, in
// order (a model file older than its code's features is refused).
func (m *Logistic) Check(names []string) error {
	n := len(names)
	if !slices.Equal(m.Features, names) || len(m.Weights) != n || len(m.Mean) != n || len(m.Scale) != n {
		return fmt.Errorf("fitted on features %v, want %v", m.Features, names)
	}
	return nil
}

// FitLogistic fits the linear part on examples xs (raw features, named
// by names) with labels ys in {0, 1}: features standardised to mean 0 and
// deviation 1, the mean log loss plus lambda/2 times the squared weights
// (not the bias) minimised by iters steps of gradient descent at rate
// 0.5. Trees are left to the caller (Fit on BaseScores).
func FitLogistic(names []string, xs [][]float64, ys []float64, lambda float64, iters int) Logistic {
	nf := len(names)
	m := Logistic{Features: slices.Clone(names), Mean: make([]float64, nf), Scale: make([]float64, nf), Weights: make([]float64, nf)}
	n := float64(len(xs))
	for _, f := range xs {
		for j, x := range f {
			m.Mean[j] += x
		}
	}
	for j := range m.Mean {
		m.Mean[j] /= n
	}
	for _, f := range xs {
		for j, x := range f {
			m.Scale[j] += (x - m.Mean[j]) * (x - m.Mean[j])
		}
	}
	for j := range m.Scale {
		m.Scale[j] = math.Sqrt(m.Scale[j] / n)
		if m.Scale[j] < 1e-9 {
			m.Scale[j] = 1
		}
	}
	zs := make([][]float64, len(xs))
	for i, f := range xs {
		zs[i] = make([]float64, nf)
		for j, x := range f {
			zs[i][j] = (x - m.Mean[j]) / m.Scale[j]
		}
	}
	w := m.Weights
	g := make([]float64, nf+1)
	for range iters {
		clear(g)
		for i, x := range zs {
			z := m.Bias
			for j, v := range x {
				z += w[j] * v
			}
			d := 1/(1+math.Exp(-z)) - ys[i]
			for j, v := range x {
				g[j] += d * v
			}
			g[nf] += d
		}
		for j := range nf {
			w[j] -= 0.5 * (g[j]/n + lambda*w[j])
		}
		m.Bias -= 0.5 * g[nf] / n
	}
	return m
}

// BaseScores are the linear part's log-odds for examples xs: the base
// that Fit grows trees on.
func (m *Logistic) BaseScores(xs [][]float64) []float64 {
	base := make([]float64, len(xs))
	for i, f := range xs {
		base[i] = m.linear(f)
	}
	return base
}
