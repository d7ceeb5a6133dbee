package main

import (
	"flag"
	"log"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/services/enricher/enrich/quotes"
	"github.com/newsflow/newsflow/services/enricher/enrich/trees"
)

// ruleCue is the index of the feature "rule_cue": the rules found the
// speaker through a cue of the quotation's sentence, which the ranker
// does not overrule.
var ruleCue = slices.Index(quotes.SpeakerFeatureNames, "rule_cue")

// assignMin is the least probability at which the ranker gives a speaker
// to a quotation the rules left without one: below one half the ranker
// thinks its best entity more likely wrong than right, and a wrong
// speaker misleads a reader more than none (the scorer counts both as
// one error on named sources, and does not score the others).
var assignMin = flag.Float64("speaker-assign-min", 0.5, "least assign threshold the cross-validation may choose")

var speakerTrees = trees.Params{Lambda: 1, MinWeight: 5, Bins: 32}

func init() {
	flag.IntVar(&speakerTrees.Rounds, "speaker-trees", 50, "boosted trees added to the speaker ranker")
	flag.IntVar(&speakerTrees.Depth, "speaker-depth", 3, "depth of each of the ranker's trees")
	flag.Float64Var(&speakerTrees.Shrink, "speaker-shrink", 0.2, "shrinkage of the ranker's trees")
}

// speakerQuote is one candidate matched to a gold quote with a named
// source: the rules' speaker, whether the scorer accepts it, and the
// ranker's options with whether the scorer accepts each.
type speakerQuote struct {
	fold    int
	ruleOK  bool
	ruleIdx int // the option that is the rules' speaker, or -1
	none    bool
	opts    [][]float64
	ok      []bool
}

// fitSpeaker fits the speaker ranker: a logistic regression over every
// option of every candidate matched to a named-source gold quote,
// cross-validated by document to choose the switch margin and the assign
// threshold (the pair that makes the most held-out speakers right), then
// refitted on all articles.
func fitSpeaker(qs []*speakerQuote, folds int, lambda float64) *quotes.SpeakerModel {
	held := make([][]float64, len(qs))
	for k := range folds {
		m := fitSpeakerModel(qs, func(q *speakerQuote) bool { return q.fold != k }, lambda)
		for i, q := range qs {
			if q.fold == k {
				held[i] = make([]float64, len(q.opts))
				for j, f := range q.opts {
					held[i][j] = m.Prob(f)
				}
			}
		}
	}
	ruleRight, oracleWrong, oracleNone := 0, 0, 0
	for _, q := range qs {
		if q.ruleOK {
			ruleRight++
		} else if slices.Contains(q.ok, true) {
			if q.none {
				oracleNone++
			} else {
				oracleWrong++
			}
		}
	}
	log.Printf("speaker ranker: of the quotes the rules get wrong, %d with another speaker and %d with none have a right option", oracleWrong, oracleNone)
	bestSw, bestAs, bestRight := 2.0, 2.0, ruleRight
	for sw := 0.0; sw <= 1.0; sw += 0.05 {
		for as := *assignMin; as <= 1.0; as += 0.05 {
			if r := speakerRight(qs, held, sw, as); r > bestRight {
				bestSw, bestAs, bestRight = sw, as, r
			}
		}
	}
	log.Printf("speaker ranker, cv by document: rules right %d of %d named-source candidates; ranker at switch %.2f, assign %.2f: %d", ruleRight, len(qs), bestSw, bestAs, bestRight)
	for _, p := range [][2]float64{{bestSw, bestAs}, {0.1, 0.5}, {0.2, 0.5}, {0.3, 0.6}, {0.5, 0.7}, {2, 0.3}, {2, 0.5}, {0.2, 2}} {
		sw, as := speakerChanges(qs, held, p[0], p[1])
		log.Printf("  switch %.2f assign %.2f: %d right; switched %v (wrong->right, right->wrong, wrong->wrong), assigned %v (right, wrong)", p[0], p[1], speakerRight(qs, held, p[0], p[1]), sw, as)
	}
	m := fitSpeakerModel(qs, func(*speakerQuote) bool { return true }, lambda)
	m.Switch, m.Assign = math.Round(bestSw*100)/100, math.Round(bestAs*100)/100
	all := make([][]float64, len(qs))
	for i, q := range qs {
		all[i] = make([]float64, len(q.opts))
		for j, f := range q.opts {
			all[i][j] = m.Prob(f)
		}
	}
	fitRight := speakerRight(qs, all, m.Switch, m.Assign)
	log.Printf("speaker ranker fitted on all articles, same thresholds: %d right (in-sample)", fitRight)
	m.Note = map[string]any{
		"source":         "PolNeAR development set (../shared/enrich/quotes/gold.jsonl): candidates matched to a gold quote with a named source; an option is right when score_quotes.py's speaker test accepts its name; go generate",
		"quotes":         len(qs),
		"cv_rules_right": ruleRight, "cv_ranker_right": bestRight, "fit_ranker_right": fitRight,
	}
	return m
}

// rankerPick is the option the ranker with probabilities p gives quote
// i at the margins sw (switch) and as (assign), as Find decides; -1 when
// the rules' speaker (or none) stands.
func rankerPick(q *speakerQuote, p []float64, sw, as float64) int {
	if len(q.opts) == 0 {
		return -1
	}
	best := 0
	for j := range q.opts {
		if p[j] > p[best] {
			best = j
		}
	}
	switch {
	case best == q.ruleIdx:
	case q.ruleIdx >= 0 && q.opts[q.ruleIdx][ruleCue] == 0 && p[best]-p[q.ruleIdx] >= sw:
		return best
	case q.none && p[best] >= as:
		return best
	}
	return -1
}

// speakerRight counts the quotes whose speaker is right when the ranker
// with probabilities p decides at the given margins.
func speakerRight(qs []*speakerQuote, p [][]float64, sw, as float64) int {
	right := 0
	for i, q := range qs {
		ok := q.ruleOK
		if pick := rankerPick(q, p[i], sw, as); pick >= 0 {
			ok = q.ok[pick]
		}
		if ok {
			right++
		}
	}
	return right
}

// speakerChanges counts what the ranker changes: switched speakers
// (wrong to right, right to wrong, wrong to wrong) and speakers given to
// quotes without one (right, wrong).
func speakerChanges(qs []*speakerQuote, p [][]float64, sw, as float64) (switched [3]int, assigned [2]int) {
	for i, q := range qs {
		pick := rankerPick(q, p[i], sw, as)
		switch {
		case pick < 0:
		case q.ruleIdx >= 0:
			switch {
			case !q.ruleOK && q.ok[pick]:
				switched[0]++
			case q.ruleOK && !q.ok[pick]:
				switched[1]++
			case !q.ok[pick]:
				switched[2]++
			}
		case q.ok[pick]:
			assigned[0]++
		default:
			assigned[1]++
		}
	}
	return
}

func fitSpeakerModel(qs []*speakerQuote, use func(*speakerQuote) bool, lambda float64) *quotes.SpeakerModel {
	var xs [][]float64
	var ys []float64
	for _, q := range qs {
		if !use(q) {
			continue
		}
		for j, f := range q.opts {
			xs = append(xs, f)
			ys = append(ys, b2f(q.ok[j]))
		}
	}
	lin := trees.FitLogistic(quotes.SpeakerFeatureNames, xs, ys, lambda, 2000)
	for j := range lin.Weights {
		lin.Weights[j] = round(lin.Weights[j])
	}
	lin.Bias = round(lin.Bias)
	m := &quotes.SpeakerModel{Logistic: lin}
	if speakerTrees.Rounds > 0 {
		m.Trees = trees.Fit(m.BaseScores(xs), xs, ys, speakerTrees)
	}
	return m
}

// The scorer's speaker test (score_quotes.py speaker_correct), for the
// ranker's labels.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+(?:['’.\-][\p{L}\p{N}_]+)*`)

var scorerStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the a an this that these those he she it they we i you his her its their our my your him them us me
who whom which what there here some many most several both all any each every one two three four five
jr sr ii iii iv mr mrs ms miss dr sen rep gov gen lt col sgt capt adm prof rev sir lord lady dame
president vice senator governor representative congressman congresswoman secretary mayor chairman
chairwoman chair speaker minister prime king queen prince princess pope attorney general judge justice
candidate nominee former then new republican democratic democrat
according but and or so if as when while after before because`) {
		m[w] = true
	}
	return m
}()

type scorerWord struct {
	w    string
	poss bool
}

func scorerWords(s string) []scorerWord {
	var out []scorerWord
	for _, w := range wordRE.FindAllString(s, -1) {
		w = strings.ReplaceAll(w, "’", "'")
		poss := false
		if strings.HasSuffix(strings.ToLower(w), "'s") && utf8.RuneCountInString(w) > 2 {
			w, poss = w[:len(w)-2], true
		}
		out = append(out, scorerWord{w, poss})
	}
	return out
}

func speakerCorrect(pred, goldSource, goldLast string) bool {
	if strings.TrimSpace(pred) == "" {
		return false
	}
	goldWords := map[string]bool{}
	for _, w := range scorerWords(goldSource) {
		if !w.poss {
			goldWords[strings.ToLower(w.w)] = true
		}
	}
	last := ""
	predWords := map[string]bool{}
	for _, w := range scorerWords(pred) {
		lw := strings.ToLower(w.w)
		predWords[lw] = true
		r, _ := utf8.DecodeRuneInString(w.w)
		if unicode.IsUpper(r) && utf8.RuneCountInString(w.w) > 1 && !scorerStop[lw] {
			last = lw
		}
	}
	if last != "" && goldWords[last] {
		return true
	}
	return goldLast != "" && predWords[goldLast]
}
