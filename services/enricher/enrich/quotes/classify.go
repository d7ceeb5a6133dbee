package quotes

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"github.com/newsflow/newsflow/services/enricher/enrich/trees"
)

// The quotation classifier decides whether a quote-marked segment that
// survived the rules is words somebody said or a scare quote, a term, a
// title or a slogan. It is a logistic regression over the features below,
// fitted on the PolNeAR development set by ./gen (go generate); see
// data/model.json for the weights, the cross-validated figures and the
// threshold. A segment is dropped only when the model is confident.

//go:generate go run ./gen -gold ../../../../../shared/enrich/quotes/gold.jsonl -out data/model.json -speaker-out data/speaker.json -maxloss 0.005 -trees 300 -depth 4 -shrink 0.05

// FeatureNames names the classifier's features, in order.
var FeatureNames = []string{
	"log_words", "one_word", "two_three_words", "cap_share", "title_case", "first_cap",
	"ends_punct", "inner_comma", "first_person", "second_person",
	"sent_initial", "sent_final", "para_start", "runs_on", "single_marks",
	"before_article", "before_label_word", "before_colon", "before_comma",
	"verb_left", "verb_right", "describe_left", "outside_words",
	"by_cue", "by_chain", "by_continuation", "by_subject", "by_same_words", "no_speaker", "pronoun_speaker",
	"word_after", "possessive_before", "prep_before", "in_list", "speaker_not_person", "short_para", "clause_word",
}

// Model is the fitted classifier: a logistic regression on the features
// with boosted trees for the interactions it leaves ("short, lower case,
// nobody credited"), and the threshold Find keeps a quotation at.
type Model struct {
	trees.Logistic
	Threshold float64 `json:"threshold"`
	// Source and figures of the fit, for the reader.
	Note map[string]any `json:"note,omitempty"`
}

//go:embed data/model.json
var modelJSON []byte

// model is the embedded classifier. A model that does not match
// FeatureNames (features changed, go generate not yet run) is modelErr:
// Find then keeps every quotation the rules keep, so that ./gen, which
// runs the enricher, can refit it; TestModelMatchesFeatures fails on it.
var model, modelErr = loadModel(modelJSON)

func loadModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("quotes: data/model.json: %w", err)
	}
	if err := m.Check(FeatureNames); err != nil {
		return nil, fmt.Errorf("quotes: data/model.json: %w; run go generate", err)
	}
	return &m, nil
}

// ModelErr says why the embedded classifier cannot be used (nil when it
// can).
func ModelErr() error { return modelErr }

// Prob is the classifier's probability that c is an attributed
// quotation; Find keeps c when it is at least the model's threshold.
func (c Candidate) Prob() float64 {
	if modelErr != nil {
		return 1
	}
	return model.Prob(c.Features)
}

// labelWords come right before a label in quotation marks: the term
// “…”, so-called “…”.
var labelWords = wordSet(`called dubbed so-called term terms word words phrase slogan nicknamed named titled known as`)

var articles = wordSet(`a an the his her their its our my this that these those`)

var firstPerson = wordSet(`i me my mine we us our ours i'm i've i'd i'll we're we've we'll myself ourselves`)

var secondPerson = wordSet(`you your yours you're you've you'll yourself`)

// clauseWords are auxiliaries and copulas: a quotation holding one is
// likely a clause somebody said, not a term or a title.
var clauseWords = wordSet(`is are was were be been am will would can could should must may might
	has have had do does did isn't aren't wasn't weren't won't wouldn't can't couldn't don't doesn't didn't
	it's that's there's he's she's they're`)

// afterWords may follow a closing mark directly in an attribution: “…” he said.
var afterWords = wordSet(`he she they we i it said says say told adds added asked writes wrote according`)

// segWords merges smallWords, firstPerson and secondPerson, each word in
// lower case and capitalised, for the features' one look-up per word.
var segWords, maxSegWordLen = func() (map[string]uint8, int) {
	m, longest := map[string]uint8{}, 0
	for bit, set := range []map[string]bool{smallWords, firstPerson, secondPerson, clauseWords} {
		for w := range set {
			m[w] |= 1 << bit
			m[strings.ToUpper(w[:1])+w[1:]] |= 1 << bit
			longest = max(longest, len(w))
		}
	}
	return m, longest
}()

const (
	segSmall uint8 = 1 << iota
	segFirstPerson
	segSecondPerson
	segClause
)

// features describes segment s, whose speaker is sp, for the classifier.
func (a *attributor) features(s *segment, sp speaker, f []float64) {
	d := a.d
	clear(f)
	words, caps, titled := 0, 0, true
	first := true
	lastPunct := false
	for i := d.TokenAt(s.start); i < len(d.Tokens) && d.Tokens[i].Start < s.end; i++ {
		t := d.Tokens[i]
		switch t.Kind {
		case tokens.Word, tokens.Number:
			// One look-up per word, of the text as written (quotations
			// are long: no lower-casing; the map has both forms), and
			// only words as short as the longest entry.
			var kind uint8
			if t.End-t.Start <= maxSegWordLen {
				kind = segWords[d.TokenText(i)]
			}
			words++
			if t.Cap {
				caps++
			} else if kind&segSmall == 0 || first {
				titled = false
			}
			if first {
				f[5] = b2f(t.Cap)
				first = false
			}
			if kind&segFirstPerson != 0 {
				f[8] = 1
			}
			if kind&segSecondPerson != 0 {
				f[9] = 1
			}
			if kind&segClause != 0 {
				f[36] = 1
			}
			lastPunct = false
		case tokens.Punct:
			if a.isPunct(i, ",") {
				f[7] = 1
			}
			lastPunct = a.isPunct(i, ".", ",", "?", "!", ";", ":")
		}
	}
	f[0] = math.Log1p(float64(words))
	f[1] = b2f(words == 1)
	f[2] = b2f(words >= 2 && words <= 3)
	if words > 0 {
		f[3] = float64(caps) / float64(words)
	}
	f[4] = b2f(titled && words > 0)
	f[6] = b2f(lastPunct)
	lFrom, lTo, rFrom, rTo := a.context(s)
	f[10] = b2f(lTo-lFrom == 0)
	f[11] = b2f(rTo-rFrom == 0 || rTo-rFrom == 1 && d.Tokens[rFrom].Kind == tokens.Punct)
	f[12] = b2f(a.standsAlone(s))
	f[13] = b2f(s.close == -1)
	if s.open >= 0 {
		f[14] = b2f(a.isPunct(s.open, "\u2018", "'"))
		if j := s.open - 1; j >= lFrom && j >= 0 {
			w := a.word(j)
			f[15] = b2f(articles[w])
			f[16] = b2f(labelWords[w])
			f[17] = b2f(a.isPunct(j, ":"))
			f[18] = b2f(a.isPunct(j, ","))
		}
	}
	outside := 0
	for _, r := range [2][2]int{{lFrom, lTo}, {rFrom, rTo}} {
		for i := r[0]; i < r[1]; i++ {
			if d.Tokens[i].Kind != tokens.Word {
				continue
			}
			outside++
			w := a.word(i)
			if speechVerbs[w] {
				if r[0] == lFrom {
					f[19] = 1
				} else {
					f[20] = 1
				}
			}
			if describeVerbs[w] && r[0] == lFrom {
				f[21] = 1
			}
		}
	}
	f[22] = math.Log1p(float64(outside))
	switch {
	case !sp.found():
		f[28] = 1
	case sp.how == byCue:
		f[23] = 1
	case sp.how == byChain:
		f[24] = 1
	case sp.how == byContinuation:
		f[25] = 1
	case sp.how == bySubject:
		f[26] = 1
	case sp.how == bySameWords:
		f[27] = 1
	}
	f[29] = b2f(sp.pronoun)
	// After the closing mark: a word straight after it (the “Make
	// America Great Again” hats) or another quotation in a list.
	if s.close >= 0 && s.close+1 < len(d.Tokens) {
		j := s.close + 1
		if t := d.Tokens[j]; t.Kind == tokens.Word && t.Para == d.Tokens[s.close].Para && !afterWords[a.word(j)] {
			f[30] = 1
		}
		for k := j; k < len(d.Tokens) && k <= j+2 && d.Tokens[k].Para == d.Tokens[s.close].Para; k++ {
			if w := a.word(k); w == "and" || w == "or" || a.isPunct(k, ",") {
				continue
			}
			if a.isPunct(k, "\u201c", "\"", "'", "\u2018") {
				f[33] = 1
			}
			break
		}
	}
	if j := s.open - 1; s.open > 0 && d.Tokens[j].Para == d.Tokens[s.open].Para {
		w := a.word(j)
		f[31] = b2f(w == "s" && j > 0 && a.isPunct(j-1, "'", "\u2019") || strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "\u2019s"))
		f[32] = b2f(prepositions[w] || w == "as" || w == "like")
		// “attack,” “Benghazi” and “talking points”: a list of terms.
		for k := j; k >= 0 && k >= j-2 && d.Tokens[k].Para == d.Tokens[s.open].Para; k-- {
			if w := a.word(k); w == "and" || w == "or" || a.isPunct(k, ",") {
				continue
			}
			if a.isPunct(k, "\u201d", "\"", "'", "\u2019") {
				f[33] = 1
			}
			break
		}
	}
	f[34] = b2f(sp.entity != nil && sp.entity.Type != pipeline.Person)
	pFrom, pTo := d.ParaTokens(s.para)
	f[35] = b2f(pTo-pFrom <= 20)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
