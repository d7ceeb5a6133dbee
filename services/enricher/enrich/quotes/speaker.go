package quotes

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"github.com/newsflow/newsflow/services/enricher/enrich/trees"
)

// The speaker ranker checks the rules' speaker against the other people
// and organisations named near the quotation. For each quotation and each
// entity mentioned in its paragraph or the three before, it scores how
// likely the entity is the one credited with the words: where its nearest
// mention stands (before or after the quotation in the same sentence, an
// earlier sentence or paragraph), how far, whether a cue word follows or
// precedes it, whether it is a sentence's subject, a possessor or the
// object of a preposition, whether the quotation names it itself, its
// type and how often the article names it, and what the rules chose (and
// how). A logistic regression fitted by ./gen on the PolNeAR development
// set (an entity is right when the scorer's speaker test accepts its name
// for the gold source), cross-validated by document; data/speaker.json.
// The rules' speaker is replaced only when a cue of the quotation's own
// sentence did not give it ("she told X that …, the State Department
// said": PolNeAR credits the outer source, a reader the one who spoke)
// and the ranker prefers another entity by at least Switch; a quotation the rules left without a
// speaker takes the ranker's best entity only at probability Assign or
// more.

// SpeakerFeatureNames names the ranker's features, in order.
var SpeakerFeatureNames = []string{
	"left_same_sentence", "right_same_sentence", "same_paragraph", "paragraph_before", "two_paragraphs_before", "three_paragraphs_before",
	"log_distance", "cue_right_after", "cue_after_in_sentence", "cue_right_before", "first_in_sentence", "possessor", "after_preposition",
	"person", "organisation", "log_mentions", "named_inside", "persons_between",
	"rule_pick", "rule_cue", "rule_chain", "rule_continuation", "rule_subject", "rule_same_words", "rule_pronoun", "rule_none",
	"previous_speaker", "quote_opens_paragraph", "mention_opens_sentence_after",
	"right_after_close", "right_before_open", "nearest_before", "nearest_after", "log_sentences", "log_earlier_quotes", "log_window_mentions",
	"mention_quoted", "short_paragraph",
}

// SpeakerModel is the fitted ranker: the probability that an entity
// with the features is the quotation's speaker, with boosted trees for
// which readings of the rules to trust where.
type SpeakerModel struct {
	trees.Logistic
	// Switch: the margin by which another entity must beat the rules'
	// one; Assign: the least probability for a quotation without one.
	Switch float64        `json:"switch"`
	Assign float64        `json:"assign"`
	Note   map[string]any `json:"note,omitempty"`
}

//go:embed data/speaker.json
var speakerJSON []byte

var speakerModel, speakerErr = loadSpeaker(speakerJSON)

func loadSpeaker(b []byte) (*SpeakerModel, error) {
	var m SpeakerModel
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("quotes: data/speaker.json: %w", err)
	}
	if err := m.Check(SpeakerFeatureNames); err != nil {
		return nil, fmt.Errorf("quotes: data/speaker.json: %w; run go generate", err)
	}
	return &m, nil
}

// SpeakerOption is an entity that may have said a quotation, with the
// ranker's features.
type SpeakerOption struct {
	Entity   *canon.Entity
	Features []float64
}

// speakerWindow is how many paragraphs before the quotation's own the
// ranker looks at.
const speakerWindow = 3

// speakerOptions returns the entities mentioned near segment si, with
// their features; rule is the rules' speaker of every segment.
func (a *attributor) speakerOptions(segs []segment, si int, rule []speaker, earlier *earlierSpeakers) []SpeakerOption {
	d, s := a.d, &segs[si]
	from, to := s.open, s.close
	pFrom, pTo := d.ParaTokens(s.para)
	if from < 0 {
		from = pFrom
	}
	if to < 0 {
		to = pTo - 1
	}
	winFrom, _ := d.ParaTokens(max(0, s.para-speakerWindow))
	openSent, closeSent := d.Tokens[from].Sent, d.Tokens[to].Sent
	// The sentence after a quotation that ends its own: “…?” Trump asked.
	afterSent := closeSent
	if _, st := d.SentTokens(int(closeSent)); st <= to+2 && st < pTo {
		afterSent = d.Tokens[st].Sent
	}
	// The entities met in the window, in order, with their nearest
	// mention (a short list: a linear search beats a map here).
	type near struct {
		ei              int32
		at, dist, count int
		inside          bool
	}
	var buf [16]near
	opts := buf[:0]
	find := func(ei int32) *near {
		for k := range opts {
			if opts[k].ei == ei {
				return &opts[k]
			}
		}
		opts = append(opts, near{ei: ei, at: -1})
		return &opts[len(opts)-1]
	}
	nearestBefore, nearestAfter := int32(-1), int32(-1)
	for i := winFrom; i < pTo; i++ {
		ei := a.ment[i]
		if ei < 0 || i > winFrom && a.ment[i-1] == ei {
			continue
		}
		if e := a.ents[ei]; e.Type != pipeline.Person && e.Type != pipeline.Organization {
			continue
		}
		if i >= from && i <= to {
			find(ei).inside = true
			continue
		}
		dist := from - i
		if i > to {
			dist = i - to
			if nearestAfter < 0 && d.Tokens[i].Para == int32(s.para) {
				nearestAfter = ei
			}
		} else if d.Tokens[i].Para == int32(s.para) {
			nearestBefore = ei
		}
		n := find(ei)
		if n.at < 0 || dist < n.dist {
			n.at, n.dist = i, dist
		}
		n.count++
	}
	// Entities named only inside the quotation are no options.
	k := 0
	for _, n := range opts {
		if n.at >= 0 {
			opts[k] = n
			k++
		}
	}
	opts = opts[:k]
	if len(opts) == 0 {
		return nil
	}
	var prev *canon.Entity
	if si > 0 {
		prev = rule[si-1].entity
	}
	r := rule[si]
	feats := make([]float64, len(opts)*len(SpeakerFeatureNames))
	out := make([]SpeakerOption, 0, len(opts))
	for k, n := range opts {
		ei, e := n.ei, a.ents[n.ei]
		f := feats[k*len(SpeakerFeatureNames) : (k+1)*len(SpeakerFeatureNames) : (k+1)*len(SpeakerFeatureNames)]
		m := n.at
		mt := d.Tokens[m]
		end := m
		for end+1 < len(d.Tokens) && a.ment[end+1] == ei {
			end++
		}
		para := int(mt.Para)
		switch {
		case m < from && mt.Sent == openSent:
			f[0] = 1
		case m > to && (mt.Sent == closeSent || mt.Sent == afterSent):
			f[1] = 1
		case para == s.para:
			f[2] = 1
		case para == s.para-1:
			f[3] = 1
		case para == s.para-2:
			f[4] = 1
		default:
			f[5] = 1
		}
		f[6] = math.Log1p(float64(n.dist))
		sf, st := d.SentTokens(int(mt.Sent))
		for j := end + 1; j < st && j <= end+2; j++ {
			if a.cueAt(j) {
				f[7] = 1
			}
		}
		for j := end + 1; j < st && j <= end+10; j++ {
			if a.isQuoteMark(j) {
				break
			}
			if a.cueAt(j) {
				f[8] = 1
				break
			}
		}
		for j := m - 1; j >= sf && j >= m-2; j-- {
			if a.cueAt(j) {
				f[9] = 1
			}
		}
		first := true
		for j := sf; j < m; j++ {
			if a.ment[j] >= 0 && a.speakerAt(j) != nil {
				first = false
				break
			}
		}
		f[10] = b2f(first)
		f[11] = b2f(end+1 < len(d.Tokens) && d.Tokens[end+1].Kind == tokens.Possessive)
		f[12] = b2f(m > 0 && d.Tokens[m-1].Kind == tokens.Word && prepositions[a.word(m-1)])
		f[13] = b2f(e.Type == pipeline.Person)
		f[14] = b2f(e.Type == pipeline.Organization)
		f[15] = math.Log1p(float64(len(e.Mentions)))
		f[16] = b2f(n.inside)
		lo, hi := m, from
		if m > to {
			lo, hi = to, m
		}
		// Other persons named between (none of this entity: its nearest
		// mention is m).
		starts := a.personStarts()
		f[17] = math.Log1p(float64(starts[max(hi, lo+1)] - starts[lo+1]))
		if r.entity == e {
			f[18] = 1
			switch r.how {
			case byCue:
				f[19] = 1
			case byChain:
				f[20] = 1
			case byContinuation:
				f[21] = 1
			case bySubject:
				f[22] = 1
			case bySameWords:
				f[23] = 1
			}
			f[24] = b2f(r.pronoun)
		}
		f[25] = b2f(!r.found())
		f[26] = b2f(prev != nil && prev == e)
		f[27] = b2f(opensParagraph(d, s))
		f[28] = b2f(m > to && m == sf)
		// “…,” Bennett shot back / Bennett: “…”
		f[29] = b2f(m > to && m-to <= 3 && d.Tokens[m].Para == int32(s.para))
		f[30] = b2f(m < from && from-end <= 3 && d.Tokens[m].Para == int32(s.para))
		f[31] = b2f(ei == nearestBefore)
		f[32] = b2f(ei == nearestAfter)
		sents := int(openSent) - int(mt.Sent)
		if m > to {
			sents = int(mt.Sent) - int(closeSent)
		}
		f[33] = math.Log1p(float64(max(sents, 0)))
		f[34] = math.Log1p(float64(earlier.count(si, e)))
		f[35] = math.Log1p(float64(n.count))
		// Named inside another quotation: talked about, not talking.
		f[36] = b2f(mt.Quoted)
		mpFrom, mpTo := d.ParaTokens(para)
		f[37] = b2f(mpTo-mpFrom <= 20)
		out = append(out, SpeakerOption{Entity: e, Features: f})
	}
	return out
}

// rerank returns the speaker the ranker m gives a quotation whose rules'
// speaker is r, among opts.
func (m *SpeakerModel) rerank(r speaker, opts []SpeakerOption) speaker {
	if len(opts) == 0 {
		return r
	}
	bestP, ruleP := -1.0, -1.0
	var best *canon.Entity
	for _, o := range opts {
		p := m.Prob(o.Features)
		if p > bestP {
			bestP, best = p, o.Entity
		}
		if o.Entity == r.entity {
			ruleP = p
		}
	}
	switch {
	case best == r.entity:
		return r
	case r.entity != nil && r.how != byCue && ruleP >= 0 && bestP-ruleP >= m.Switch:
		return speaker{entity: best, how: r.how}
	case !r.found() && bestP >= m.Assign:
		return speaker{entity: best, how: bySubject}
	}
	return r
}

// SpeakerModelErr says why the embedded speaker ranker cannot be used
// (nil when it can); Find then keeps the rules' speakers.
func SpeakerModelErr() error { return speakerErr }

// earlierSpeakers counts, for each quotation, the quotations before it
// the rules gave to each entity.
type earlierSpeakers struct {
	rule []speaker
	// counts holds the counts of the quotations before upTo.
	upTo   int
	counts map[*canon.Entity]int
}

func speakerCounts(rule []speaker) *earlierSpeakers {
	return &earlierSpeakers{rule: rule}
}

// count returns how many quotations before si the rules gave to e; si
// must not decrease from one call to the next.
func (c *earlierSpeakers) count(si int, e *canon.Entity) int {
	if c.counts == nil {
		c.counts = map[*canon.Entity]int{}
	}
	for ; c.upTo < si; c.upTo++ {
		if x := c.rule[c.upTo].entity; x != nil {
			c.counts[x]++
		}
	}
	return c.counts[e]
}

// personStarts returns, for each token index i, how many mentions of
// persons start before it (len(Tokens)+1 entries), computed once.
func (a *attributor) personStarts() []int32 {
	if a.starts != nil {
		return a.starts
	}
	a.starts = make([]int32, len(a.d.Tokens)+1)
	for j, x := range a.ment {
		a.starts[j+1] = a.starts[j]
		if x >= 0 && (j == 0 || a.ment[j-1] != x) && a.ents[x].Type == pipeline.Person {
			a.starts[j+1]++
		}
	}
	return a.starts
}

// cueAt reports whether token i is a speech verb, cached per token (the
// ranker asks about the same words for every option).
func (a *attributor) cueAt(i int) bool {
	if a.cue == nil {
		a.cue = make([]int8, len(a.d.Tokens))
	}
	if a.cue[i] == 0 {
		a.cue[i] = 2
		if a.d.Tokens[i].Kind == tokens.Word && speechVerbs[a.word(i)] {
			a.cue[i] = 1
		}
	}
	return a.cue[i] == 1
}
