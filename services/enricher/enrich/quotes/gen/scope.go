package main

import (
	"flag"
	"log"
	"math"
	"math/rand/v2"

	"github.com/newsflow/newsflow/services/enricher/enrich/quotes"
)

var (
	scopeEpochs   = flag.Int("scope-epochs", 4, "passes of the scope model's gradient descent")
	scopeMinCount = flag.Int("scope-min-count", 20, "least occurrences of a scope feature kept in the model")
	scopeL2       = flag.Float64("scope-l2", 1e-6, "L2 penalty of the scope model, per example")
	scopeRate     = flag.Float64("scope-rate", 0.05, "first step size of the scope model")
)

// fitScope fits the scope model, a logistic regression over hashed
// features, by averaged stochastic gradient descent on the words of the
// articles not in fold skip (all articles when skip is -1), features seen
// fewer than -scope-min-count times dropped. With a fold left out, it
// logs the held-out accuracy and log-loss of the fold's words.
func fitScope(docs []*doc, skip int) *quotes.ScopeModel {
	count := map[uint32]int{}
	for _, dc := range docs {
		if dc.fold == skip {
			continue
		}
		for _, x := range dc.scope {
			for _, h := range x.Features {
				count[h]++
			}
		}
	}
	index := map[uint32]int32{}
	var keys []uint32
	for h, n := range count {
		if n >= *scopeMinCount {
			index[h] = int32(len(keys))
			keys = append(keys, h)
		}
	}
	type row struct {
		f []int32
		y float64
	}
	var rows []row
	pos := 0
	for _, dc := range docs {
		if dc.fold == skip {
			continue
		}
		for i, x := range dc.scope {
			r := row{y: b2f(dc.inContent[i])}
			for _, h := range x.Features {
				if j, ok := index[h]; ok {
					r.f = append(r.f, j)
				}
			}
			rows = append(rows, r)
			pos += int(r.y)
		}
	}
	// Averaged SGD: w is the running weight vector, avg its mean over
	// the steps (kept as w - u/t with u the step-weighted updates).
	nf := len(keys)
	w, u := make([]float64, nf), make([]float64, nf)
	var b, ub float64
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	t := 1.0
	for ep := range *scopeEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := *scopeRate / (1 + float64(ep))
		for _, ri := range order {
			r := rows[ri]
			z := b
			for _, j := range r.f {
				z += w[j]
			}
			g := sigmoid(z) - r.y
			for _, j := range r.f {
				step := rate * (g + *scopeL2*w[j])
				w[j] -= step
				u[j] -= t * step
			}
			b -= rate * g
			ub -= t * rate * g
			t++
		}
	}
	m := &quotes.ScopeModel{Bias: round4(b - ub/t), Weights: make(map[uint32]float32, nf)}
	for j, h := range keys {
		if v := round4(w[j] - u[j]/t); v != 0 {
			m.Weights[h] = float32(v)
		}
	}
	m.Note = map[string]any{
		"source":     "PolNeAR development set (../shared/enrich/quotes/gold.jsonl): every word of the gold text, labelled by whether it lies inside an attribution's content span; go generate",
		"words":      len(rows),
		"in_content": pos,
		"features":   len(m.Weights),
		"epochs":     *scopeEpochs, "min_count": *scopeMinCount, "l2": *scopeL2, "rate": *scopeRate,
	}
	if skip >= 0 {
		n, right, ll := 0, 0, 0.0
		for _, dc := range docs {
			if dc.fold != skip {
				continue
			}
			for i, x := range dc.scope {
				p := sigmoid(m.Margin(x.Features))
				y := dc.inContent[i]
				if (p >= 0.5) == y {
					right++
				}
				if y {
					ll -= math.Log(max(p, 1e-9))
				} else {
					ll -= math.Log(max(1-p, 1e-9))
				}
				n++
			}
		}
		log.Printf("scope fold %d: %d features, held-out words %d, accuracy %.4f, log-loss %.4f (training: %d words, %.3f in content)",
			skip, len(m.Weights), n, float64(right)/float64(n), ll/float64(n), len(rows), float64(pos)/float64(len(rows)))
	} else {
		log.Printf("scope, all articles: %d features, %d words", len(m.Weights), len(rows))
	}
	return m
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
