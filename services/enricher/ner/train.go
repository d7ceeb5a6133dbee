package ner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/newsflow/newsflow/services/enricher/ner/conll"
)

// TrainConfig controls Train. The zero value of a field means its default.
type TrainConfig struct {
	// Epochs is the most passes over the training data per stage; the
	// epoch whose averaged weights score best on the development set is
	// kept. Default 20.
	Epochs int
	// Folds is how many parts the training data is cut into to give the
	// second stage realistic first-stage labels: each part is tagged by a
	// first stage trained on the others, as unseen text will be. Default 5.
	Folds int
	// MinCount drops features seen fewer times in the training data.
	// Default 1 (keep all); weights that average to zero are dropped anyway.
	MinCount int
	// Seed seeds the shuffling of sentences between epochs; training is
	// deterministic for a given seed.
	Seed uint64
	// Gazetteer holds the name lists, one *.txt file per category, at its
	// root. Nil trains without gazetteers.
	Gazetteer fs.FS
	// Log receives progress; nil discards it.
	Log io.Writer
}

func (c *TrainConfig) defaults() {
	if c.Epochs <= 0 {
		c.Epochs = 20
	}
	if c.Folds <= 1 {
		c.Folds = 5
	}
	if c.MinCount <= 0 {
		c.MinCount = 1
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// ErrNoData reports training without training or development documents.
var ErrNoData = errors.New("ner: no training or development data")

// Train trains a model on train, choosing the number of epochs of each
// stage by F1 on dev. dev is never trained on.
func Train(ctx context.Context, train, dev []conll.Document, cfg TrainConfig) (*Model, error) {
	cfg.defaults()
	if len(train) == 0 || len(dev) == 0 {
		return nil, ErrNoData
	}
	var gaz *gazetteer
	if cfg.Gazetteer != nil {
		var err error
		if gaz, err = readGazetteer(cfg.Gazetteer, "."); err != nil {
			return nil, err
		}
	} else {
		gaz, _ = newGazetteer(nil, nil)
	}
	tr := &trainer{cfg: cfg, gaz: gaz, index: map[uint64]int32{}}
	began := time.Now()
	trainDocs, devDocs := tr.prepare(train), tr.prepare(dev)
	tr.logf("prepared %d training and %d development documents in %v", len(trainDocs), len(devDocs), time.Since(began).Round(time.Millisecond))

	// Stage 1.
	tr.indexFeatures(trainDocs, 0)
	tr.resolve(trainDocs, 0)
	tr.resolve(devDocs, 0)
	tr.logf("stage 1: %d features", len(tr.keys))
	first, epochs, err := tr.trainStage(ctx, 0, trainDocs, devDocs, cfg.Epochs, true)
	if err != nil {
		return nil, err
	}
	tr.decode(devDocs, 0, &first)

	// Realistic first-stage labels for the training data.
	folds := cfg.Folds
	for k := range folds {
		var in, out []*trainDoc
		for i, d := range trainDocs {
			if i%folds == k {
				out = append(out, d)
			} else {
				in = append(in, d)
			}
		}
		w, _, err := tr.trainStage(ctx, 0, in, nil, epochs, false)
		if err != nil {
			return nil, err
		}
		tr.decode(out, 0, &w)
		tr.logf("fold %d/%d: first-stage labels for %d documents", k+1, folds, len(out))
	}

	// Stage 2.
	tr.stage2Keys(trainDocs)
	tr.stage2Keys(devDocs)
	tr.indexFeatures(trainDocs, 1)
	tr.resolve(trainDocs, 1)
	tr.resolve(devDocs, 1)
	tr.logf("stage 2: %d features", len(tr.keys))
	second, _, err := tr.trainStage(ctx, 1, trainDocs, devDocs, cfg.Epochs, true)
	if err != nil {
		return nil, err
	}

	m, err := tr.model([2]*denseWeights{&first, &second})
	if err != nil {
		return nil, err
	}
	tr.logf("model: %+v (trained in %v)", m.Stats(), time.Since(began).Round(time.Second))
	return m, nil
}

type trainer struct {
	cfg   TrainConfig
	gaz   *gazetteer
	index map[uint64]int32
	keys  []uint64
}

// trainDoc is one document prepared for training: its tokens, gold labels,
// and per stage the feature keys and indices of each token.
type trainDoc struct {
	doc  document
	gold []label
	// stageKeys[s][i] are the keys of token i's features for stage s (the
	// second stage's include the first's).
	stageKeys [2][][]uint64
	feats     [2][][]int32
	labels1   []label // first-stage labels
}

func (tr *trainer) logf(format string, args ...any) {
	fmt.Fprintf(tr.cfg.Log, format+"\n", args...)
}

func (tr *trainer) prepare(docs []conll.Document) []*trainDoc {
	out := make([]*trainDoc, 0, len(docs))
	for _, cd := range docs {
		td := &trainDoc{}
		var gold []label
		for _, s := range cd.Sentences {
			td.doc.addSentence(s.Words)
			gold = labelsFromTags(s.Tags, gold)
			td.gold = append(td.gold, gold...)
		}
		td.doc.finish(tr.gaz)
		n := len(td.doc.toks)
		td.stageKeys[0] = make([][]uint64, n)
		for _, s := range td.doc.sents {
			for i := s.start; i < s.end; i++ {
				td.stageKeys[0][i] = td.doc.stage1Keys(i, s, tr.gaz, nil)
			}
		}
		td.labels1 = make([]label, n)
		out = append(out, td)
	}
	return out
}

// stage2Keys computes the second stage's keys from the first-stage labels.
func (tr *trainer) stage2Keys(docs []*trainDoc) {
	var mem memory
	for _, td := range docs {
		mem.build(&td.doc, td.labels1)
		td.stageKeys[1] = make([][]uint64, len(td.doc.toks))
		for _, s := range td.doc.sents {
			for i := s.start; i < s.end; i++ {
				keys := append([]uint64(nil), td.stageKeys[0][i]...)
				td.stageKeys[1][i] = td.doc.stage2Keys(i, s, td.labels1, &mem, keys)
			}
		}
	}
}

// indexFeatures numbers the keys of stage s seen at least MinCount times
// in the training documents.
func (tr *trainer) indexFeatures(docs []*trainDoc, s int) {
	counts := map[uint64]int{}
	for _, td := range docs {
		for _, keys := range td.stageKeys[s] {
			for _, k := range keys {
				counts[k]++
			}
		}
	}
	// Number in order of first appearance: deterministic, unlike map order.
	for _, td := range docs {
		for _, keys := range td.stageKeys[s] {
			for _, k := range keys {
				if _, ok := tr.index[k]; !ok && counts[k] >= tr.cfg.MinCount {
					tr.index[k] = int32(len(tr.keys))
					tr.keys = append(tr.keys, k)
				}
			}
		}
	}
}

// resolve maps each token's keys for stage s to feature indices, dropping
// unknown ones.
func (tr *trainer) resolve(docs []*trainDoc, s int) {
	for _, td := range docs {
		td.feats[s] = make([][]int32, len(td.stageKeys[s]))
		for i, keys := range td.stageKeys[s] {
			f := make([]int32, 0, len(keys))
			for _, k := range keys {
				if id, ok := tr.index[k]; ok {
					f = append(f, id)
				}
			}
			td.feats[s][i] = f
		}
	}
}

// perceptron is a structured perceptron with weight averaging: w are the
// current weights, u the same updates weighted by when they happened, so
// the average over all steps is w - u/c without summing every step.
type perceptron struct {
	w               []int32
	u               []int64
	trans, transU   [numLabels][numLabels]int64
	first, firstU   [numLabels]int64
	last, lastU     [numLabels]int64
	c               int64
	trans32         [numLabels][numLabels]int32
	first32, last32 [numLabels]int32
}

func newPerceptron(features int) *perceptron {
	return &perceptron{w: make([]int32, features*numLabels), u: make([]int64, features*numLabels), c: 1}
}

func (p *perceptron) bump(f []int32, l label, d int32) {
	for _, id := range f {
		i := int(id)*numLabels + int(l)
		p.w[i] += d
		p.u[i] += p.c * int64(d)
	}
}

func (p *perceptron) sync32() {
	for a := range numLabels {
		for b := range numLabels {
			p.trans32[a][b] = int32(p.trans[a][b])
		}
		p.first32[a] = int32(p.first[a])
		p.last32[a] = int32(p.last[a])
	}
}

// learn decodes one sentence with the current weights and updates them
// towards the gold labels where the decoding is wrong.
func (p *perceptron) learn(feats [][]int32, gold []label, emit [][numLabels]int32, back [][numLabels]uint8, pred []label) {
	for i, f := range feats {
		var e [numLabels]int32
		for _, id := range f {
			addRow(&e, p.w[int(id)*numLabels:int(id+1)*numLabels])
		}
		emit[i] = e
	}
	viterbi(&p.trans32, &p.first32, &p.last32, emit, pred, back)
	wrong := false
	for i := range gold {
		if gold[i] != pred[i] {
			wrong = true
			p.bump(feats[i], gold[i], 1)
			p.bump(feats[i], pred[i], -1)
		}
	}
	if wrong {
		n := len(gold)
		p.bumpTrans(&p.first, &p.firstU, gold[0], pred[0])
		p.bumpTrans(&p.last, &p.lastU, gold[n-1], pred[n-1])
		for i := 1; i < n; i++ {
			if gold[i-1] != pred[i-1] || gold[i] != pred[i] {
				p.trans[gold[i-1]][gold[i]]++
				p.transU[gold[i-1]][gold[i]] += p.c
				p.trans[pred[i-1]][pred[i]]--
				p.transU[pred[i-1]][pred[i]] -= p.c
			}
		}
		p.sync32()
	}
	p.c++
}

func (p *perceptron) bumpTrans(w, u *[numLabels]int64, gold, pred label) {
	if gold != pred {
		w[gold]++
		u[gold] += p.c
		w[pred]--
		u[pred] -= p.c
	}
}

// averaged returns the averaged weights, quantised as a model stores them.
func (p *perceptron) averaged() denseWeights {
	c := float64(p.c)
	avg := func(w int32, u int64) float64 { return float64(w) - float64(u)/c }
	rows := make([]float64, len(p.w))
	for i := range p.w {
		rows[i] = avg(p.w[i], p.u[i])
	}
	var trans [numLabels][numLabels]float64
	var first, last [numLabels]float64
	for a := range numLabels {
		for b := range numLabels {
			trans[a][b] = float64(p.trans[a][b]) - float64(p.transU[a][b])/c
		}
		first[a] = float64(p.first[a]) - float64(p.firstU[a])/c
		last[a] = float64(p.last[a]) - float64(p.lastU[a])/c
	}
	return quantise(rows, &trans, &first, &last)
}

// trainStage trains stage s for up to epochs passes over docs. With
// selectOnDev it evaluates the averaged weights on dev after each epoch and
// returns the best epoch's; otherwise the last epoch's.
func (tr *trainer) trainStage(ctx context.Context, s int, docs, dev []*trainDoc, epochs int, selectOnDev bool) (denseWeights, int, error) {
	p := newPerceptron(len(tr.keys))
	type ref struct{ doc, sent int }
	var order []ref
	longest := 0
	for d, td := range docs {
		for k, st := range td.doc.sents {
			order = append(order, ref{d, k})
			longest = max(longest, st.end-st.start)
		}
	}
	emit := make([][numLabels]int32, longest)
	back := make([][numLabels]uint8, longest)
	pred := make([]label, longest)
	var best denseWeights
	bestF1, bestEpoch := -1.0, 0
	for epoch := 1; epoch <= epochs; epoch++ {
		began := time.Now()
		rng := rand.New(rand.NewPCG(tr.cfg.Seed, uint64(s)<<32|uint64(epoch)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, r := range order {
			if err := ctx.Err(); err != nil {
				return denseWeights{}, 0, err
			}
			td := docs[r.doc]
			st := td.doc.sents[r.sent]
			n := st.end - st.start
			p.learn(td.feats[s][st.start:st.end], td.gold[st.start:st.end], emit[:n], back[:n], pred[:n])
		}
		if !selectOnDev {
			continue
		}
		w := p.averaged()
		score := tr.evaluate(dev, s, &w)
		f1 := score.Overall.F1()
		tr.logf("stage %d epoch %2d: dev F1 %.4f (P %.4f R %.4f) in %v", s+1, epoch, f1,
			score.Overall.Precision(), score.Overall.Recall(), time.Since(began).Round(time.Millisecond))
		if f1 > bestF1 {
			best, bestF1, bestEpoch = w, f1, epoch
		}
	}
	if !selectOnDev {
		return p.averaged(), epochs, nil
	}
	tr.logf("stage %d: best epoch %d, dev F1 %.4f", s+1, bestEpoch, bestF1)
	return best, bestEpoch, nil
}

// decode tags docs with stage s's weights w; stage 1 labels are stored as
// the documents' first-stage labels.
func (tr *trainer) decode(docs []*trainDoc, s int, w *denseWeights) [][]label {
	var out [][]label
	var emit [][numLabels]int32
	var back [][numLabels]uint8
	for _, td := range docs {
		n := len(td.doc.toks)
		emit = resize(emit, n)
		back = resize(back, n)
		labels := make([]label, n)
		for i, f := range td.feats[s] {
			var e [numLabels]int32
			for _, id := range f {
				addRow(&e, w.row(id))
			}
			emit[i] = e
		}
		for _, st := range td.doc.sents {
			viterbi(&w.trans, &w.first, &w.last, emit[st.start:st.end], labels[st.start:st.end], back[st.start:st.end])
		}
		if s == 0 {
			copy(td.labels1, labels)
		}
		out = append(out, labels)
	}
	return out
}

func (tr *trainer) evaluate(docs []*trainDoc, s int, w *denseWeights) conll.Score {
	var score conll.Score
	// For stage 1 this also overwrites the documents' first-stage labels;
	// Train re-decodes the development set with the chosen weights before
	// the second stage reads them.
	pred := tr.decode(docs, s, w)
	for d, td := range docs {
		for _, st := range td.doc.sents {
			g := iob2Tags(td.gold[st.start:st.end], nil)
			p := iob2Tags(pred[d][st.start:st.end], nil)
			score.Add(g, p)
		}
	}
	return score
}

// model assembles the runtime model: rows whose weights are all zero are
// dropped, the rest stored sparsely, and the feature table maps the keys
// left to their rows.
func (tr *trainer) model(stages [2]*denseWeights) (*Model, error) {
	m := &Model{gaz: tr.gaz}
	refs := make([][2]int32, len(tr.keys))
	for s, w := range stages {
		var entries []int32
		for f := range tr.keys {
			refs[f][s] = -1
			if (f+1)*numLabels > len(w.rows) {
				continue
			}
			start := len(entries)
			for l, v := range w.row(int32(f)) {
				if v != 0 {
					entries = append(entries, int32(v)<<8|int32(l))
				}
			}
			if n := len(entries) - start; n > 0 {
				if start >= 1<<(31-refLenBits) {
					return nil, fmt.Errorf("ner: stage %d has more weights than a row reference can address", s+1)
				}
				refs[f][s] = rowRef(start, n)
			}
		}
		m.stages[s] = stageWeights{entries: entries, trans: w.trans, first: w.first, last: w.last}
	}
	n := 0
	for _, r := range refs {
		if r[0] >= 0 || r[1] >= 0 {
			n++
		}
	}
	m.table = newFeatureTable(n)
	for f, k := range tr.keys {
		if r := refs[f]; r[0] >= 0 || r[1] >= 0 {
			m.table.insert(slot{key: k, rows: r})
		}
	}
	return m, nil
}
