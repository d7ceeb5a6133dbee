package trees

import (
	"math"
	"testing"
)

// Fit on a rule no linear score can follow (x0 between 2 and 5): the trees
// must learn it from a zero base, and Eval must walk the splits they made.
func TestFitLearnsAnInterval(t *testing.T) {
	var xs [][]float64
	var ys []float64
	for i := range 80 {
		x := float64(i % 8)
		y := 0.0
		if x >= 2 && x < 5 {
			y = 1
		}
		xs = append(xs, []float64{x, float64(i % 3)})
		ys = append(ys, y)
	}
	base := make([]float64, len(xs))
	ts := Fit(base, xs, ys, Params{Rounds: 30, Depth: 2, Shrink: 0.3, Lambda: 1, MinWeight: 1, Bins: 16})
	if len(ts) != 30 {
		t.Fatalf("%d trees, want 30", len(ts))
	}
	for i, x := range xs {
		z := base[i]
		for _, tr := range ts {
			z += tr.Eval(x)
		}
		if p := 1 / (1 + math.Exp(-z)); (p > 0.5) != (ys[i] == 1) {
			t.Errorf("x=%v: p=%.3f, label %v", x, p, ys[i])
		}
	}
}

func TestEvalFollowsSplits(t *testing.T) {
	tr := Tree{{Feature: 1, Threshold: 0.5, Left: 1, Right: 2}, {Value: -1}, {Value: 2}}
	if got := tr.Eval([]float64{9, 0}); got != -1 {
		t.Errorf("left leaf: %v", got)
	}
	if got := tr.Eval([]float64{9, 0.5}); got != 2 {
		t.Errorf("right leaf (a value at the threshold goes right): %v", got)
	}
}
