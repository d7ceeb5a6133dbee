// Command gen fits the keyword model (../data/model.json) on the
// development stories of 500N-KPCrowd v1.1 (the shared gold.jsonl: 259
// broadcast-news stories with crowd-sourced keys; the stories themselves
// are never copied into the repository).
//
// Each story runs through the enricher as in production (the embedded
// entity model), its candidates are extracted, and a candidate is a
// positive example when its normalised form (lower case, letters and
// digits, Porter stems, as the KPCrowd scorer does) is one of the story's
// keys. The model is a logistic regression with an L2 penalty, fitted by
// gradient descent on standardised features, plus gradient-boosted
// regression trees on what it leaves (the trees catch interactions such
// as "a rare word, but only once, late in the story"). Before the final
// fit on all
// stories, it is cross-validated: the stories are split into folds by a
// hash of their text (so the same story filed under two categories stays
// in one fold), and F1@10 is measured on each held-out fold as the scorer
// measures it. Run with `go generate` in package keywords.
//
// With -conll it writes instead the part-of-speech table (../data/pos.tsv)
// from the CoNLL-2003 training text (pos.go).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"math"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/keywords"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"github.com/newsflow/newsflow/services/enricher/enrich/trees"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

var bp trees.Params

func init() {
	flag.IntVar(&bp.Rounds, "trees", 100, "boosted trees added to the linear model")
	flag.IntVar(&bp.Depth, "depth", 3, "depth of each tree")
	flag.Float64Var(&bp.Shrink, "shrink", 0.1, "shrinkage of each tree's values")
	flag.Float64Var(&bp.Lambda, "leaf-l2", 1, "L2 penalty on leaf values")
	flag.Float64Var(&bp.MinWeight, "min-weight", 5, "least hessian sum in a leaf")
	flag.IntVar(&bp.Bins, "bins", 32, "candidate thresholds per feature")
}

type story struct {
	Source string   `json:"source"`
	Title  string   `json:"title"`
	Text   string   `json:"text"`
	Keys   []string `json:"keys"`

	fold  int
	gold  map[string]bool
	cands []keywords.Candidate
	label []bool
}

func main() {
	conll := flag.String("conll", "", "CoNLL-2003 eng.train: write the part-of-speech table (-pos) from it and stop")
	posOut := flag.String("pos", "data/pos.tsv", "part-of-speech table to write")
	goldPath := flag.String("gold", "", "KPCrowd gold.jsonl")
	out := flag.String("out", "data/model.json", "model file to write")
	folds := flag.Int("folds", 5, "cross-validation folds")
	lambda := flag.Float64("l2", 1e-3, "L2 penalty")
	flag.Parse()
	if *conll != "" {
		if err := writePOS(*conll, *posOut); err != nil {
			log.Fatal(err)
		}
		return
	}
	stories, err := load(*goldPath, *folds)
	if err != nil {
		log.Fatal(err)
	}
	var sum [3]float64
	for f := range *folds {
		var train, test []*story
		for _, s := range stories {
			if s.fold == f {
				test = append(test, s)
			} else {
				train = append(train, s)
			}
		}
		m := fit(train, *lambda)
		p, r, f1 := evaluate(m, test)
		log.Printf("fold %d: %d stories, F1@10 %.3f (P %.3f, R %.3f)", f, len(test), f1, p, r)
		sum[0] += p * float64(len(test))
		sum[1] += r * float64(len(test))
		sum[2] += f1 * float64(len(test))
	}
	n := float64(len(stories))
	cv := fmt.Sprintf("%d-fold cross-validation by story: F1@10 %.3f (P@10 %.3f, R@10 %.3f)", *folds, sum[2]/n, sum[0]/n, sum[1]/n)
	log.Print(cv)
	m := fit(stories, *lambda)
	p, r, f1 := evaluate(m, stories)
	log.Printf("fitted on all %d stories, measured on them: F1@10 %.3f (P %.3f, R %.3f)", len(stories), f1, p, r)
	m.Source = fmt.Sprintf("logistic regression (L2 %g) fitted by keywords/gen on the %d development stories of 500N-KPCrowd v1.1; %s", *lambda, len(stories), cv)
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	for i, name := range m.Features {
		log.Printf("%-12s %+.3f", name, m.Weights[i])
	}
}

func load(path string, folds int) ([]*story, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := ner.Load()
	if err != nil {
		return nil, err
	}
	e, err := enrich.New(enrich.Options{Recognizer: rec})
	if err != nil {
		return nil, err
	}
	var stories []*story
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var s story
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		h := fnv.New32a()
		h.Write([]byte(s.Text))
		s.fold = int(h.Sum32() % uint32(folds))
		s.gold = map[string]bool{}
		for _, k := range s.Keys {
			s.gold[normalise(k)] = true
		}
		a, err := e.Process(context.Background(), pipeline.Article{ID: s.Source, Title: s.Title, Text: s.Text})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Source, err)
		}
		var names []keywords.Name
		for i, en := range a.Entities {
			for _, m := range en.Mentions {
				names = append(names, keywords.Name{Span: tokens.Span{Start: m.Start, End: m.End}, Person: en.Type == pipeline.Person, Entity: i, Type: en.Type})
			}
		}
		slices.SortFunc(names, func(a, b keywords.Name) int { return a.Start - b.Start })
		s.cands = keywords.Candidates(tokens.Parse(a.Text), names)
		for _, c := range s.cands {
			s.label = append(s.label, s.gold[normalise(c.Text)])
		}
		stories = append(stories, &s)
	}
	return stories, sc.Err()
}

// normalise is the scorer's: lower case, only letters, digits and spaces,
// Porter stems.
func normalise(k string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(k) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	ws := strings.Fields(b.String())
	for i, w := range ws {
		ws[i] = keywords.Stem(w)
	}
	return strings.Join(ws, " ")
}

// fit fits a logistic regression on standardised features and returns it
// on the raw scale.
func fit(stories []*story, lambda float64) *keywords.Model {
	nf := len(keywords.FeatureNames)
	var xs [][]float64
	var ys []float64
	for _, s := range stories {
		for i := range s.cands {
			xs = append(xs, s.cands[i].Features)
			ys = append(ys, b2f(s.label[i]))
		}
	}
	mean, sd := make([]float64, nf), make([]float64, nf)
	for _, x := range xs {
		for j, v := range x {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(len(xs))
	}
	for _, x := range xs {
		for j, v := range x {
			sd[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(len(xs)))
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	z := make([][]float64, len(xs))
	for i, x := range xs {
		z[i] = make([]float64, nf)
		for j, v := range x {
			z[i][j] = (v - mean[j]) / sd[j]
		}
	}
	// Adam on the mean log loss.
	w := make([]float64, nf+1) // last is the bias
	m1, m2 := make([]float64, nf+1), make([]float64, nf+1)
	grad := make([]float64, nf+1)
	const rate, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
	for it := 1; it <= 500; it++ {
		clear(grad)
		for i, x := range z {
			s := w[nf]
			for j, v := range x {
				s += w[j] * v
			}
			d := 1/(1+math.Exp(-s)) - ys[i]
			for j, v := range x {
				grad[j] += d * v
			}
			grad[nf] += d
		}
		for j := range grad {
			grad[j] /= float64(len(z))
			if j < nf {
				grad[j] += lambda * w[j]
			}
			m1[j] = b1*m1[j] + (1-b1)*grad[j]
			m2[j] = b2*m2[j] + (1-b2)*grad[j]*grad[j]
			mh := m1[j] / (1 - math.Pow(b1, float64(it)))
			vh := m2[j] / (1 - math.Pow(b2, float64(it)))
			w[j] -= rate * mh / (math.Sqrt(vh) + eps)
		}
	}
	m := &keywords.Model{Features: slices.Clone(keywords.FeatureNames), Bias: w[nf], Weights: make([]float64, nf)}
	for j := range nf {
		m.Weights[j] = round(w[j] / sd[j])
		m.Bias -= w[j] * mean[j] / sd[j]
	}
	m.Bias = round(m.Bias)
	if bp.Rounds > 0 {
		base := make([]float64, len(xs))
		for i, x := range xs {
			base[i] = m.Bias
			for j, w := range m.Weights {
				base[i] += w * x[j]
			}
		}
		m.Trees = trees.Fit(base, xs, ys, bp)
	}
	return m
}

func round(v float64) float64 { return math.Round(v*1e5) / 1e5 }

// evaluate measures macro P@10, R@10 and F1@10 as the KPCrowd scorer does.
func evaluate(m *keywords.Model, stories []*story) (p, r, f1 float64) {
	for _, s := range stories {
		scores := m.ScoreAll(s.cands)
		var top []string
		seen := map[string]bool{}
		for _, k := range keywords.Select(s.cands, scores, 10) {
			n := normalise(k.Text)
			if n == "" || seen[n] || len(top) == 10 {
				continue
			}
			seen[n] = true
			top = append(top, n)
		}
		correct := 0
		for _, k := range top {
			if s.gold[k] {
				correct++
			}
		}
		var sp, sr, sf float64
		if len(top) > 0 {
			sp = float64(correct) / float64(len(top))
		}
		if len(s.gold) > 0 {
			sr = float64(correct) / float64(len(s.gold))
		}
		if sp+sr > 0 {
			sf = 2 * sp * sr / (sp + sr)
		}
		p, r, f1 = p+sp, r+sr, f1+sf
	}
	n := float64(len(stories))
	return p / n, r / n, f1 / n
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
