// Package quotes finds the direct quotations of an article and who said
// them.
//
// Quotations are text between double quotation marks (curly, straight,
// low-9 or guillemets) or UK-style single curly marks, told apart from
// apostrophes by where they stand. A quotation that runs over several
// paragraphs (each opening a mark that only the last one closes) gives one
// Quote per paragraph, all with the same speaker.
//
// The speaker is found, in order of trust, from
//
//  1. the words right after the quotation: “…,” X said / said X / he added;
//  2. "according to X" in the same sentence;
//  3. a speech verb before it in the sentence and its subject:
//     X said: “…”, X told reporters “…”, X said that … “…”, skipping an
//     apposition ("Julianne Smith, the US ambassador to Nato, said");
//  4. "described as “…” by X";
//  5. for a quotation standing alone at the start of a paragraph, the
//     speaker of the quotation just before it, when nobody else has been
//     named in between (news style for continuing a quote), or else the
//     subject of a speech verb ending the paragraph before ("Ash argued
//     in his email that …" / “…”);
//  6. the same words quoted elsewhere in the article with a speaker.
//
// A quotation ending its paragraph can also be signed by the next
// paragraph: a dash and a name ("- Bernie Sanders.").
//
// Speech verbs are a hand-written core and the cue verbs ./gencues learns
// from the PolNeAR attributions (data/cues.txt, go generate).
//
// A speaker is a named person, organisation or place (a capital speaking
// for its government), or he/she resolved to the most recent person of
// that gender, who to the person just named, a nominal ("the alliance")
// to the entity it names, or an office ("the deputy under secretary") to
// the person named just before. An unresolved nominal ("the Russian
// representative") is kept as the speaker's text without an id. When a
// person and an organisation are both credited ("Mr Ryabkov said the
// meeting had been “complex”, Interfax said"), the person is the speaker.
//
// Quotations the rules keep then go to a small classifier (classify.go,
// data/model.json, fitted by go generate on the PolNeAR dev set), which
// drops those it is confident are scare quotes, terms or titles rather
// than words somebody said, and their speakers to a ranker (speaker.go,
// data/speaker.json, fitted with it), which weighs the people and
// organisations named nearby against the rules' choice: it replaces a
// speaker no cue of the sentence gave when it prefers another, and gives
// one to a quotation the rules left without one when it is more likely
// right than wrong.
package quotes

import (
	"strings"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// Find returns the quotations of d with their speakers, resolved to the
// article's entities.
func Find(d *tokens.Doc, ents []*canon.Entity) []pipeline.Quote {
	var sm *SpeakerModel
	if speakerErr == nil {
		sm = speakerModel
	}
	cands := find(d, ents, sm)
	out := make([]pipeline.Quote, 0, len(cands))
	for _, c := range cands {
		if modelErr != nil || model.Prob(c.Features) >= model.Threshold {
			out = append(out, c.Quote)
		}
	}
	return out
}

// Candidate is a quotation the rules keep, with the classifier's features
// and the entities that may have said it, with the speaker ranker's.
type Candidate struct {
	Quote    pipeline.Quote
	Features []float64
	Speakers []SpeakerOption
}

// Candidates returns the quotations of d the rules keep, with the rules'
// speakers, before the classifier and the speaker ranker decide: what
// ./gen fits both on.
func Candidates(d *tokens.Doc, ents []*canon.Entity) []Candidate {
	return find(d, ents, nil)
}

// find returns the candidates of d; the speaker ranker sm, when not nil,
// checks the rules' speakers.
func find(d *tokens.Doc, ents []*canon.Entity, sm *SpeakerModel) []Candidate {
	segs := findSegments(d)
	if len(segs) == 0 {
		return nil
	}
	a := newAttributor(d, ents)
	speakers := make([]speaker, len(segs))
	for i := range segs {
		if d.IsJunk(tokens.Span{Start: segs[i].start, End: segs[i].end}) {
			continue
		}
		speakers[i] = a.attribute(&segs[i])
		speakers[i].how = byCue
	}
	// A quotation running over paragraphs has one speaker: the first found.
	// (Again after the readings below, which give only the chain's first
	// quotation a speaker.)
	chains := func() {
		for i := range segs {
			if segs[i].prev != -1 {
				continue
			}
			chainSpeaker := speaker{}
			for j := i; j != -1; j = segs[j].next {
				if speakers[j].found() {
					chainSpeaker = speakers[j]
					break
				}
			}
			for j := i; chainSpeaker.found() && j != -1; j = segs[j].next {
				if !speakers[j].resolved() {
					speakers[j] = chainSpeaker
					speakers[j].how = byChain
				}
			}
		}
	}
	chains()
	// A quotation standing alone at the start of its paragraph continues
	// the last attributed one, up to three paragraphs back, if nobody else
	// has been named since.
	// A later quotation in the same paragraph continues the one before.
	for i := range segs {
		if speakers[i].found() || segs[i].prev != -1 {
			continue
		}
		alone := a.standsAlone(&segs[i])
		for j := i - 1; j >= 0 && segs[i].para-segs[j].para <= 3; j-- {
			if !speakers[j].found() {
				continue
			}
			// Persons named in the attribution itself ("said Michael
			// Briggs, a spokesman for Sanders.") do not interrupt.
			from := segs[j].end
			if si := d.SentenceOf(segs[j].end); si >= 0 {
				from = max(from, d.Sentences[si].End)
			}
			if (alone || segs[j].para == segs[i].para) && !a.otherPersonBetween(speakers[j].entity, from, segs[i].start) {
				speakers[i] = speakers[j]
				speakers[i].how = byContinuation
			}
			break
		}
	}
	// A quotation standing alone at the start of its paragraph, after a
	// paragraph whose last sentence reports somebody's words with no
	// quotation of its own: "Ash argued in his email that …" / “…”.
	for i := range segs {
		if !speakers[i].found() && segs[i].prev == -1 && a.standsAlone(&segs[i]) {
			if sp := a.previousParagraph(&segs[i]); sp.found() {
				speakers[i] = sp
				speakers[i].how = byContinuation
			}
		}
	}
	// A quotation with no cue belongs to the subject of its sentence:
	// X called the plan “…”.
	for i := range segs {
		if !speakers[i].found() && segs[i].prev == -1 {
			speakers[i] = a.sentenceSubject(&segs[i])
			speakers[i].how = bySubject
			// A second quotation of the same sentence has the first one's
			// speaker: Obama condemned the test as “provocative” and a
			// “grave threat”.
			if !speakers[i].found() && i > 0 && speakers[i-1].found() && sameSentence(d, &segs[i-1], &segs[i]) {
				speakers[i] = speakers[i-1]
				speakers[i].how = bySubject
			}
		}
	}
	chains()
	// The same words quoted elsewhere: exactly, or one of five words or
	// more inside the other (checked among at most maxSameWords quotations).
	norm := make([]string, len(segs))
	byWords := map[string]int{}
	for i := range segs {
		norm[i] = normalise(d.Text[segs[i].start:segs[i].end])
		if _, ok := byWords[norm[i]]; !ok && speakers[i].resolved() && norm[i] != "" {
			byWords[norm[i]] = i
		}
	}
	for i := range segs {
		if speakers[i].resolved() {
			continue
		}
		if j, ok := byWords[norm[i]]; ok {
			speakers[i] = speakers[j]
			speakers[i].how = bySameWords
			continue
		}
		if len(segs) > maxSameWords {
			continue
		}
		for j := range segs {
			if j != i && speakers[j].resolved() && contains(norm[i], norm[j]) {
				speakers[i] = speakers[j]
				speakers[i].how = bySameWords
				break
			}
		}
	}
	// earlier[i][e]: how many quotations before i the rules gave to e.
	earlier := speakerCounts(speakers)
	out := make([]Candidate, 0, len(segs))
	feats := make([]float64, len(FeatureNames)*len(segs))
	for i, s := range segs {
		if d.IsJunk(tokens.Span{Start: s.start, End: s.end}) || speakers[i].how != byCue && a.isWorkTitle(&segs[i]) ||
			!speakers[i].found() && a.isLabel(&segs[i]) {
			continue
		}
		q := pipeline.Quote{Text: d.Text[s.start:s.end], Start: s.start, End: s.end}
		f := feats[i*len(FeatureNames) : (i+1)*len(FeatureNames) : (i+1)*len(FeatureNames)]
		a.features(&segs[i], speakers[i], f)
		sp := speakers[i]
		// The ranker never overrules a cue of the sentence: its options
		// are read only where it may decide (and always for ./gen).
		var opts []SpeakerOption
		if sm == nil || !sp.found() || sp.how != byCue {
			opts = a.speakerOptions(segs, i, speakers, earlier)
		}
		if sm != nil {
			sp = sm.rerank(sp, opts)
		}
		if e := sp.entity; e != nil {
			q.Speaker, q.SpeakerID, q.SpeakerTitle = e.Name, e.ID, a.title(e)
		} else {
			q.Speaker = sp.text
		}
		out = append(out, Candidate{Quote: q, Features: f, Speakers: opts})
	}
	return out
}

// speaker is an attribution: an entity, or only the words naming it.
type speaker struct {
	entity *canon.Entity
	text   string
	// pronoun: found through he or she, a weaker reading than a name.
	pronoun bool
	// how the speaker was found.
	how how
}

// how says which reading found a speaker, from the surest.
type how uint8

const (
	byCue          how = iota + 1 // a cue of the sentence: said X, X told, according to X
	byChain                       // the same quotation in the paragraph before
	byContinuation                // the quotation before, in the paragraph or just before it
	bySubject                     // the person the sentence is about
	bySameWords                   // the same words quoted elsewhere
)

func (s speaker) found() bool    { return s.entity != nil || s.text != "" }
func (s speaker) resolved() bool { return s.entity != nil }

// maxSameWords bounds the quadratic search for one quotation inside another.
const maxSameWords = 200

// contains reports whether one of two normalised quotations of at least
// five words holds the other.
func contains(na, nb string) bool {
	if strings.Count(na, " ") < 4 || strings.Count(nb, " ") < 4 {
		return false
	}
	return strings.Contains(na, nb) || strings.Contains(nb, na)
}

func normalise(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && r != '\u2019' && r != '\u201c' && r != '\u201d' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		if r != '\'' && r != '\u2019' {
			space = true
		}
	}
	return b.String()
}

// sameSentence reports whether two quotations open in one sentence.
func sameSentence(d *tokens.Doc, x, y *segment) bool {
	return x.open >= 0 && y.open >= 0 && d.Tokens[x.open].Sent == d.Tokens[y.open].Sent
}
