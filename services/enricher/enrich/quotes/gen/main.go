// Command gen fits the quotation classifier (../data/model.json) on the
// PolNeAR development set (the shared gold.jsonl: 924 political news
// articles; the texts are never copied into the repository).
//
// Each article runs through the enricher as in production (the embedded
// entity model) to get its entities, then quotes.Candidates gives every
// quote-marked segment the rules keep, with its features. A candidate is
// a positive example when its normalised words are those of one of the
// article's gold quotes, ignored when they are those of an ignored
// segment, and a negative example otherwise. The model is a logistic
// regression with an L2 penalty, fitted by gradient descent on
// standardised features. Before the final fit on all articles it is
// cross-validated by document (folds by a hash of the text): the
// threshold is the highest probability below which dropping candidates
// in the held-out folds loses at most -maxloss of the gold quotes kept,
// and the held-out precision and recall at that threshold are written in
// the model's note. Run with `go generate` in package quotes.
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
	"strings"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/quotes"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"github.com/newsflow/newsflow/services/enricher/enrich/trees"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

type example struct {
	text string
	f    []float64
	pos  bool
	fold int
}

var bp trees.Params

func init() {
	flag.IntVar(&bp.Rounds, "trees", 100, "boosted trees added to the linear model")
	flag.IntVar(&bp.Depth, "depth", 3, "depth of each tree")
	flag.Float64Var(&bp.Shrink, "shrink", 0.1, "shrinkage of each tree's values")
	flag.Float64Var(&bp.Lambda, "leaf-l2", 1, "L2 penalty on leaf values")
	flag.Float64Var(&bp.MinWeight, "min-weight", 5, "least hessian sum in a leaf")
	flag.IntVar(&bp.Bins, "bins", 32, "candidate thresholds per feature")
}

func main() {
	goldPath := flag.String("gold", "", "PolNeAR gold.jsonl")
	out := flag.String("out", "data/model.json", "model file to write")
	folds := flag.Int("folds", 5, "cross-validation folds")
	lambda := flag.Float64("l2", 1e-3, "L2 penalty")
	maxLoss := flag.Float64("maxloss", 0.003, "share of kept gold quotes the threshold may drop in cross-validation")
	dump := flag.String("dump", "", "also write the candidates' features, labels and held-out probabilities here (TSV), for analysis")
	speakerOut := flag.String("speaker-out", "data/speaker.json", "speaker ranker file to write")
	half := flag.Int("train-half", -1, "fit on one half of the articles only (FNV-32a of the text mod 2), for a held-out check of the other")
	flag.Parse()
	docs, err := load(*goldPath, *folds, *half)
	if err != nil {
		log.Fatal(err)
	}
	var exs []*example
	var sqs []*speakerQuote
	for _, dc := range docs {
		for _, c := range quotes.Candidates(dc.d, dc.ents) {
			n := normalise(c.Quote.Text)
			if dc.ignored[n] && !dc.gold[n] {
				continue
			}
			exs = append(exs, &example{text: c.Quote.Text, f: c.Features, pos: dc.gold[n], fold: dc.fold})
			if g, ok := dc.named[n]; ok {
				sq := &speakerQuote{fold: dc.fold, ruleOK: speakerCorrect(c.Quote.Speaker, g.Speaker, g.SpeakerLast), ruleIdx: -1, none: c.Quote.Speaker == ""}
				for j, o := range c.Speakers {
					sq.opts = append(sq.opts, o.Features)
					sq.ok = append(sq.ok, speakerCorrect(o.Entity.Name, g.Speaker, g.SpeakerLast))
					if o.Entity.ID == c.Quote.SpeakerID && c.Quote.SpeakerID != "" {
						sq.ruleIdx = j
					}
				}
				sqs = append(sqs, sq)
			}
		}
	}
	sm := fitSpeaker(sqs, *folds, *lambda)
	if *half >= 0 {
		sm.Note["train_half"] = *half
	}
	if err := writeJSON(*speakerOut, sm, true); err != nil {
		log.Fatal(err)
	}
	pos := 0
	for _, e := range exs {
		if e.pos {
			pos++
		}
	}
	log.Printf("%d candidates, %d gold, %d not", len(exs), pos, len(exs)-pos)
	// Cross-validation by document: held-out probabilities for every example.
	held := make([]float64, len(exs))
	for k := range *folds {
		var train []*example
		for _, e := range exs {
			if e.fold != k {
				train = append(train, e)
			}
		}
		m := fit(train, *lambda)
		for i, e := range exs {
			if e.fold == k {
				held[i] = m.Prob(e.f)
			}
		}
	}
	for _, t := range []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7} {
		tp, fp, fn := count(exs, held, t)
		log.Printf("cv at %.2f: gold kept %d dropped %d, false alarms %d", t, tp, fn, fp)
	}
	for _, ml := range []float64{0.001, 0.002, 0.003, 0.004, 0.005, 0.007, 0.01} {
		t := threshold(exs, held, ml)
		tp, fp, fn := count(exs, held, t)
		log.Printf("cv maxloss %.3f: threshold %.2f, gold kept %d dropped %d, false alarms %d", ml, t, tp, fn, fp)
	}
	if *dump != "" {
		var b strings.Builder
		b.WriteString(strings.Join(quotes.FeatureNames, "\t") + "\tpos\tfold\theld\ttext\n")
		for i, e := range exs {
			for _, x := range e.f {
				fmt.Fprintf(&b, "%g\t", x)
			}
			fmt.Fprintf(&b, "%d\t%d\t%g\t%s\n", int(b2f(e.pos)), e.fold, held[i], strings.Join(strings.Fields(e.text), " "))
		}
		if err := os.WriteFile(*dump, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	th := threshold(exs, held, *maxLoss)
	tp, fp, fn := count(exs, held, th)
	tp0, fp0, _ := count(exs, held, 0)
	log.Printf("cv threshold %.3f: kept gold %d of %d, false alarms %d -> %d", th, tp, tp0, fp0, fp)
	m := fit(exs, *lambda)
	m.Threshold = th
	all := make([]float64, len(exs))
	for i, e := range exs {
		all[i] = m.Prob(e.f)
	}
	atp, afp, afn := count(exs, all, th)
	log.Printf("full fit on all folds at the same threshold: kept gold %d, dropped %d, false alarms %d", atp, afn, afp)
	m.Note = map[string]any{
		"source":       "PolNeAR development set (../shared/enrich/quotes/gold.jsonl, 924 articles), candidates from quotes.Candidates after the enricher; go generate",
		"candidates":   len(exs),
		"gold":         pos,
		"cv_folds":     *folds,
		"cv_gold_kept": tp, "cv_gold_dropped": fn, "cv_false_alarms_before": fp0, "cv_false_alarms_after": fp,
		"fit_gold_dropped": afn, "fit_false_alarms_after": afp,
		"l2": *lambda, "maxloss": *maxLoss, "trees": bp.Rounds, "depth": bp.Depth,
	}
	if *half >= 0 {
		m.Note["train_half"] = *half
	}
	if err := writeJSON(*out, m, true); err != nil {
		log.Fatal(err)
	}
}

func writeJSON(path string, v any, indent bool) error {
	var b []byte
	var err error
	if indent {
		b, err = json.MarshalIndent(v, "", " ")
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// threshold is the highest cut (in steps of 0.01) that drops at most
// maxLoss of the gold candidates, by held-out probabilities.
func threshold(exs []*example, p []float64, maxLoss float64) float64 {
	pos := 0
	for _, e := range exs {
		if e.pos {
			pos++
		}
	}
	best := 0.0
	for t := 0.01; t < 0.9; t += 0.01 {
		_, _, fn := count(exs, p, t)
		if float64(fn) <= maxLoss*float64(pos) {
			best = math.Round(t*100) / 100
		}
	}
	return best
}

func round(v float64) float64 { return math.Round(v*1e5) / 1e5 }

func count(exs []*example, p []float64, t float64) (tp, fp, fn int) {
	for i, e := range exs {
		keep := p[i] >= t
		switch {
		case keep && e.pos:
			tp++
		case keep:
			fp++
		case e.pos:
			fn++
		}
	}
	return
}

func fit(exs []*example, lambda float64) *quotes.Model {
	xs := make([][]float64, len(exs))
	ys := make([]float64, len(exs))
	for i, e := range exs {
		xs[i], ys[i] = e.f, b2f(e.pos)
	}
	m := &quotes.Model{Logistic: trees.FitLogistic(quotes.FeatureNames, xs, ys, lambda, 3000)}
	if bp.Rounds > 0 {
		m.Trees = trees.Fit(m.BaseScores(xs), xs, ys, bp)
	}
	return m
}

type goldQuote struct {
	Text         string `json:"text"`
	Speaker      string `json:"speaker"`
	SpeakerLast  string `json:"speaker_last"`
	SpeakerClass string `json:"speaker_class"`
}

type article struct {
	Source  string      `json:"source"`
	Title   string      `json:"title"`
	Text    string      `json:"text"`
	Quotes  []goldQuote `json:"quotes"`
	Ignored []struct {
		Text string `json:"text"`
	} `json:"ignored"`
}

// doc is one article: the enricher's text and entities for the
// candidates, and the gold and ignored segments' words.
type doc struct {
	fold          int
	d             *tokens.Doc
	ents          []*canon.Entity
	gold, ignored map[string]bool
	// named: the gold quotes with a named source, by their words.
	named map[string]goldQuote
}

func load(path string, folds, half int) ([]*doc, error) {
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
	var docs []*doc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var ar article
		if err := json.Unmarshal(sc.Bytes(), &ar); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		h := fnv.New32a()
		h.Write([]byte(ar.Text))
		if half >= 0 && int(h.Sum32()%2) != half {
			continue
		}
		dc := &doc{fold: int(h.Sum32() % uint32(folds)), gold: map[string]bool{}, ignored: map[string]bool{}, named: map[string]goldQuote{}}
		for _, q := range ar.Quotes {
			dc.gold[normalise(q.Text)] = true
			if _, ok := dc.named[normalise(q.Text)]; !ok && q.SpeakerClass == "name" {
				dc.named[normalise(q.Text)] = q
			}
		}
		for _, q := range ar.Ignored {
			dc.ignored[normalise(q.Text)] = true
		}
		a, err := e.Process(context.Background(), pipeline.Article{ID: ar.Source, Title: ar.Title, Text: ar.Text})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ar.Source, err)
		}
		// The article's entities as the enricher resolved them (the
		// resolver's gender guesses are not carried by pipeline.Entity).
		dc.ents = make([]*canon.Entity, len(a.Entities))
		for i, en := range a.Entities {
			dc.ents[i] = &canon.Entity{ID: en.ID, Name: en.Name, Type: en.Type, Mentions: en.Mentions, Salience: en.Salience}
		}
		dc.d = tokens.Parse(a.Text)
		docs = append(docs, dc)
	}
	return docs, sc.Err()
}

// normalise keeps the lower-case letters and digits of s, words split by
// one space: the gold segment and ours differ in trimmed punctuation.
func normalise(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r > 127 && r != '\u2019' && r != '\u201c' && r != '\u201d' && r != '\u2018')
	}), " ")
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
