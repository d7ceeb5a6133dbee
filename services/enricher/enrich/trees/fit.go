package trees

import (
	"math"
	"slices"
)

// Params shape the boosted trees.
type Params struct {
	Rounds    int     // trees to grow
	Depth     int     // of each tree
	Shrink    float64 // shrinkage of each tree's values
	Lambda    float64 // L2 penalty on leaf values
	MinWeight float64 // least hessian sum in a leaf
	Bins      int     // candidate thresholds per feature
}

// Fit grows gradient-boosted regression trees for the logistic loss
// (second-order leaf values, as XGBoost) on top of a base score (log-odds)
// for examples xs with labels ys in {0, 1}. Leaf values are rounded to 5
// decimals, so that a model file is the same on every machine.
func Fit(base []float64, xs [][]float64, ys []float64, p Params) []Tree {
	var trees []Tree
	nf := len(xs[0])
	cuts := make([][]float64, nf)
	for j := range nf {
		vals := make([]float64, len(xs))
		for i, x := range xs {
			vals[i] = x[j]
		}
		slices.Sort(vals)
		vals = slices.Compact(vals)
		if len(vals) <= p.Bins {
			// thresholds between the distinct values
			for k := 1; k < len(vals); k++ {
				cuts[j] = append(cuts[j], (vals[k-1]+vals[k])/2)
			}
			continue
		}
		for k := 1; k < p.Bins; k++ {
			v := vals[k*len(vals)/p.Bins]
			if len(cuts[j]) == 0 || v > cuts[j][len(cuts[j])-1] {
				cuts[j] = append(cuts[j], v)
			}
		}
	}
	// bin[i][j]: the number of cuts at or below x[i][j].
	bin := make([][]uint8, len(xs))
	for i, x := range xs {
		bin[i] = make([]uint8, nf)
		for j, v := range x {
			k, _ := slices.BinarySearch(cuts[j], v)
			if k < len(cuts[j]) && cuts[j][k] == v {
				k++
			}
			bin[i][j] = uint8(k)
		}
	}
	score := slices.Clone(base)
	g, h := make([]float64, len(xs)), make([]float64, len(xs))
	rows := make([]int, len(xs))
	for range p.Rounds {
		for i := range xs {
			q := 1 / (1 + math.Exp(-score[i]))
			g[i], h[i] = ys[i]-q, q*(1-q)
			rows[i] = i
		}
		var t Tree
		grow(&t, rows, 0, bin, cuts, g, h, p)
		for i, x := range xs {
			score[i] += t.Eval(x)
		}
		trees = append(trees, t)
	}
	return trees
}

// grow appends to t the node for rows and returns its index.
func grow(t *Tree, rows []int, depth int, bin [][]uint8, cuts [][]float64, g, h []float64, p Params) int {
	var G, H float64
	for _, i := range rows {
		G += g[i]
		H += h[i]
	}
	self := len(*t)
	*t = append(*t, Node{Value: round(p.Shrink * G / (H + p.Lambda))})
	if depth == p.Depth || H < 2*p.MinWeight {
		return self
	}
	bestGain, bestF, bestK := 0.0, -1, 0
	parent := G * G / (H + p.Lambda)
	for j := range cuts {
		nb := len(cuts[j]) + 1
		if nb < 2 {
			continue
		}
		hg, hh := make([]float64, nb), make([]float64, nb)
		for _, i := range rows {
			b := bin[i][j]
			hg[b] += g[i]
			hh[b] += h[i]
		}
		var lg, lh float64
		for k := 0; k+1 < nb; k++ { // left: bins 0..k, threshold cuts[j][k]
			lg += hg[k]
			lh += hh[k]
			rg, rh := G-lg, H-lh
			if lh < p.MinWeight || rh < p.MinWeight {
				continue
			}
			if gain := lg*lg/(lh+p.Lambda) + rg*rg/(rh+p.Lambda) - parent; gain > bestGain {
				bestGain, bestF, bestK = gain, j, k
			}
		}
	}
	if bestF < 0 {
		return self
	}
	var left, right []int
	for _, i := range rows {
		if int(bin[i][bestF]) <= bestK {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	l := grow(t, left, depth+1, bin, cuts, g, h, p)
	r := grow(t, right, depth+1, bin, cuts, g, h, p)
	(*t)[self] = Node{Feature: bestF, Threshold: cuts[bestF][bestK], Left: l, Right: r}
	return self
}

func round(v float64) float64 { return math.Round(v*1e5) / 1e5 }
