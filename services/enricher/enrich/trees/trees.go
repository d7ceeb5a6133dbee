// Package trees is the small trained-scorer machinery the enricher's
// models share (keywords' ranking, the quote classifier, the speaker
// ranker): boosted regression trees (the trees a model file holds, how they
// score a feature vector, and Fit, which the generators keywords/gen and
// quotes/gen grow them with) and Logistic, a standardised logistic
// regression with trees on top, with FitLogistic for its linear part.
package trees

// Tree is a regression tree: Nodes[0] is the root.
type Tree []Node

// Node is a split (Left > 0: feature < Threshold goes Left, else Right)
// or a leaf with its Value.
type Node struct {
	Feature   int     `json:"f,omitempty"`
	Threshold float64 `json:"t,omitempty"`
	Left      int     `json:"l,omitempty"`
	Right     int     `json:"r,omitempty"`
	Value     float64 `json:"v,omitempty"`
}

// Eval returns the tree's value for features f.
func (t Tree) Eval(f []float64) float64 {
	n := &t[0]
	for n.Left > 0 {
		if f[n.Feature] < n.Threshold {
			n = &t[n.Left]
		} else {
			n = &t[n.Right]
		}
	}
	return n.Value
}
