package story

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"time"
)

// Article is what the story memory keeps of one linked article: its
// signature and the decision taken for it.
type Article struct {
	ID          string `json:"id"`
	StoryID     string `json:"story"`
	DuplicateOf string `json:"dup,omitempty"`
	// Time is the publication time (Dated) or, without one, when the
	// article was linked; Unix seconds.
	Time  int64 `json:"t"`
	Dated bool  `json:"dated,omitempty"`
	// Seen is when the article was linked (Unix seconds): the memory
	// forgets it TTL later.
	Seen int64     `json:"seen"`
	Sig  Signature `json:"sig"`
}

// Rule decides when an article is a copy of an earlier one and which
// story it reports. Every score is in [0,1]. The rule is used by every
// memory, in one place: Index.Decide.
type Rule struct {
	// CopyText: estimated Jaccard of word 3-shingles at or above which an
	// article is a near-verbatim copy.
	CopyText float64
	// RewordSkeleton and RewordTerms: an article is a reworded copy when
	// its names and numbers run in the same order (skeleton Jaccard) and
	// its vocabulary matches (term cosine), both at or above these.
	RewordSkeleton, RewordTerms float64
	// Story: an article joins the most similar story whose similarity
	// (Similarity) is at or above this, else it starts a story.
	Story float64
	// Window: a dated article never joins a story whose latest dated
	// article is further away in time than this.
	Window time.Duration
	// HalfLife is the time decay: a story's similarity is multiplied by
	// 2^(−Δt/HalfLife), Δt the time between the article and the story's
	// nearest dated article, both dated (0: no decay).
	HalfLife time.Duration
}

// DefaultRule holds the thresholds fitted on the event-level DUC 2004
// docsets (see docs/BENCHMARKS.md, "Stories").
var DefaultRule = Rule{
	CopyText: 0.5, RewordSkeleton: 0.5, RewordTerms: 0.4,
	Story: 0.14, Window: 72 * time.Hour,
}

// IsCopy reports whether scores say one article copies the other.
func (r *Rule) IsCopy(sc Scores) bool {
	return sc.Text >= r.CopyText || sc.Skeleton >= r.RewordSkeleton && sc.Terms >= r.RewordTerms
}

// Similarity of an article to a story: 0.7·its similarity to the
// story's centroid + 0.3·its similarity to the story's closest recent
// article. The centroid carries what the story has been about so far, and
// depends less on the order articles arrive in; the closest article adds
// what it is about now. (Weights 0.6–0.8 on the centroid score alike on
// the dev set; 0.5 and the centroid alone score lower.)
func Similarity(centroid, closest float64) float64 { return 0.7*centroid + 0.3*closest }

// TermWeight is the weight of terms against entities in Related and in
// the centroid similarity (fitted with the story threshold).
const TermWeight = 0.8

// Related is how related two articles are: TermWeight·term cosine +
// (1−TermWeight)·weighted entity Jaccard.
func Related(sc Scores) float64 { return TermWeight*sc.Terms + (1-TermWeight)*sc.Entities }

// Decision is what Index.Decide found for an article.
type Decision struct {
	StoryID, DuplicateOf string
	// Best is the most related earlier article and its scores (for logs
	// and measurements); empty when there was none.
	Best       string
	BestScores Scores
	// Similarity of the article to the story it joined (0 for a new one).
	Similarity float64
}

// NewStoryID names the story an article starts.
func NewStoryID(articleID string) string {
	sum := sha256.Sum256([]byte("story\x00" + articleID))
	return hex.EncodeToString(sum[:8])
}

// Sizes bounding the work of one decision.
const (
	// lookupTerms of an article's strongest terms, and all its entities,
	// find candidate stories; a story is indexed under the same of each
	// of its articles.
	lookupTerms = 10
	// maxCandidates stories, those sharing the most lookup weight, are
	// scored in full.
	maxCandidates = 48
	// recentMembers of the memberStories stories closest by centroid are
	// compared one by one.
	recentMembers = 16
	memberStories = 6
	// maxBandMembers: a text band keeps its newest articles (a copy
	// shares several bands with its original).
	maxBandMembers = 32
	// centroidTerms: a story's centroid keeps its strongest terms.
	centroidTerms = 160
)

// IndexOptions bound an Index.
type IndexOptions struct {
	// TTL: an article is forgotten TTL after it was linked (Article.Seen).
	TTL time.Duration
	// MaxArticles: beyond it the oldest linked go first.
	MaxArticles int
}

// Index is the story memory's content in one process: recent articles,
// the stories they form (each with a centroid that grows as articles
// join) and the lookups from text bands, terms and entities to them.
// Applying the same articles in the same order gives the same Index, and
// so the same decisions: replicas that apply one log agree. It is not
// safe for concurrent use.
type Index struct {
	opts     IndexOptions
	articles map[string]*Article
	order    []string // article ids, in the order added
	stories  map[string]*storyState
	bands    map[string][]string            // LSH band key → article ids
	postings map[string]map[string]struct{} // term or entity → story ids
}

type storyState struct {
	id    string
	live  int // articles still in memory
	terms map[string]float64
	ents  map[string]float64
	tNorm float64
	eNorm float64
	// dated times seen, for the window and the decay
	first, last int64
	dated       bool
	members     []string // newest last, at most recentMembers
	keys        map[string]struct{}
}

// NewIndex returns an empty Index.
func NewIndex(opts IndexOptions) *Index {
	if opts.TTL <= 0 {
		opts.TTL = 7 * 24 * time.Hour
	}
	if opts.MaxArticles <= 0 {
		opts.MaxArticles = 10_000
	}
	return &Index{opts: opts, articles: map[string]*Article{}, stories: map[string]*storyState{},
		bands: map[string][]string{}, postings: map[string]map[string]struct{}{}}
}

// Len is how many articles the Index holds.
func (x *Index) Len() int { return len(x.articles) }

// Stories is how many stories the Index holds.
func (x *Index) Stories() int { return len(x.stories) }

// Get returns the article linked under id, if the Index holds it.
func (x *Index) Get(id string) (Article, bool) {
	a, ok := x.articles[id]
	if !ok {
		return Article{}, false
	}
	return *a, true
}

// Decide applies the rule to a against the Index: the most similar copy
// among earlier articles sharing a text band or in a candidate story is
// its original (or that copy's own original), and gives it its story;
// otherwise the most similar story within the window does, when similar
// enough; else it starts a story. An article is only a copy of one not
// published after it. Decide does not change the Index (Add does).
func (x *Index) Decide(r *Rule, a *Article) Decision {
	var d Decision
	bestCopy, bestAny := -1.0, -1.0
	copyStory := ""
	type scored struct {
		sc Scores
		ok bool
	}
	cache := map[string]scored{}
	// compare scores a against an earlier article (ok false when it is
	// gone or outside the window), noting the best copy.
	compare := func(id string) (Scores, bool) {
		if v, seen := cache[id]; seen {
			return v.sc, v.ok
		}
		c := x.articles[id]
		if id == a.ID || c == nil || a.Dated && c.Dated && absDur(a.Time-c.Time) > r.Window {
			cache[id] = scored{}
			return Scores{}, false
		}
		sc := Compare(&a.Sig, &c.Sig)
		cache[id] = scored{sc, true}
		if rel := Related(sc); rel > bestAny {
			bestAny, d.Best, d.BestScores = rel, c.ID, sc
		}
		// A copy names the original, not another copy; and an original
		// forgotten and seen again is not a copy of itself.
		original := cmp.Or(c.DuplicateOf, c.ID)
		if r.IsCopy(sc) && original != a.ID && !(a.Dated && c.Dated && c.Time > a.Time) {
			if s := sc.Text + sc.Skeleton; s > bestCopy {
				bestCopy, copyStory, d.DuplicateOf = s, c.StoryID, original
			}
		}
		return sc, true
	}
	for _, k := range a.Sig.BandKeys() {
		for _, id := range x.bands[k] {
			compare(id)
		}
	}

	type cand struct {
		s      *storyState
		lookup float64
		sim    float64
	}
	lookup := map[string]float64{}
	for _, w := range a.Sig.lookupKeys() {
		for sid := range x.postings[w.Key] {
			lookup[sid] += w.W
		}
	}
	cands := make([]cand, 0, len(lookup))
	for sid, w := range lookup {
		s := x.stories[sid]
		if a.Dated && s.dated && !s.within(a.Time, r.Window) {
			continue
		}
		cands = append(cands, cand{s: s, lookup: w})
	}
	slices.SortFunc(cands, func(p, q cand) int {
		return cmp.Or(cmp.Compare(q.lookup, p.lookup), cmp.Compare(p.s.id, q.s.id))
	})
	cands = cands[:min(len(cands), maxCandidates)]
	// The centroid first, for every candidate; then article by article
	// for the closest few.
	for i := range cands {
		cands[i].sim = cands[i].s.centroid(&a.Sig)
	}
	slices.SortFunc(cands, func(p, q cand) int {
		return cmp.Or(cmp.Compare(q.sim, p.sim), cmp.Compare(p.s.id, q.s.id))
	})
	best := -1.0
	for i := range cands {
		s := cands[i].s
		if i < memberStories {
			member := 0.0
			for _, id := range s.members {
				if sc, ok := compare(id); ok {
					member = max(member, Related(sc))
				}
			}
			cands[i].sim = Similarity(cands[i].sim, member)
		}
		sim := cands[i].sim
		if a.Dated && s.dated && r.HalfLife > 0 {
			sim *= math.Exp2(-float64(s.gap(a.Time)) / r.HalfLife.Seconds())
		}
		if sim > best || sim == best && s.id < d.StoryID {
			best = sim
			if sim >= r.Story {
				d.StoryID, d.Similarity = s.id, sim
			}
		}
	}
	switch {
	case d.DuplicateOf != "":
		d.StoryID = copyStory
	case d.StoryID == "":
		d.StoryID, d.Similarity = NewStoryID(a.ID), 0
	}
	return d
}

func absDur(secs int64) time.Duration {
	if secs < 0 {
		secs = -secs
	}
	return time.Duration(secs) * time.Second
}

// within reports whether t is within w of the story's dated span.
func (s *storyState) within(t int64, w time.Duration) bool {
	return time.Duration(s.gap(t))*time.Second <= w
}

// gap is the distance in seconds from t to the story's dated span.
func (s *storyState) gap(t int64) int64 {
	switch {
	case t < s.first:
		return s.first - t
	case t > s.last:
		return t - s.last
	}
	return 0
}

// centroid is the similarity of a signature to the story's centroid:
// TermWeight·term cosine + (1−TermWeight)·entity cosine.
func (s *storyState) centroid(sig *Signature) float64 {
	dot := func(ws []Weight, c map[string]float64, norm float64) float64 {
		if norm == 0 {
			return 0
		}
		sum, n := 0.0, 0.0
		for _, w := range ws {
			sum += w.W * c[w.Key]
			n += w.W * w.W
		}
		if n == 0 {
			return 0
		}
		return min(sum/(math.Sqrt(n)*norm), 1)
	}
	return TermWeight*dot(sig.Terms, s.terms, s.tNorm) + (1-TermWeight)*dot(sig.Entities, s.ents, s.eNorm)
}

// lookupKeys are the keys a signature finds stories under, and is indexed
// under: its strongest terms and its entities, weighted.
func (s *Signature) lookupKeys() []Weight {
	terms := slices.Clone(s.Terms)
	slices.SortFunc(terms, func(a, b Weight) int { return cmp.Or(cmp.Compare(b.W, a.W), cmp.Compare(a.Key, b.Key)) })
	out := make([]Weight, 0, lookupTerms+len(s.Entities))
	for _, t := range terms[:min(len(terms), lookupTerms)] {
		out = append(out, Weight{"t:" + t.Key, t.W})
	}
	for _, e := range s.Entities {
		out = append(out, Weight{"e:" + e.Key, e.W})
	}
	return out
}

// Add stores a decided article: it joins its story's centroid, members
// and lookups, and older articles are forgotten (TTL before now, Unix
// seconds, or beyond MaxArticles). Adding an id already held does nothing.
func (x *Index) Add(a Article, now int64) {
	x.Expire(now)
	if _, ok := x.articles[a.ID]; ok {
		return
	}
	p := &a
	x.articles[a.ID] = p
	x.order = append(x.order, a.ID)
	for _, k := range a.Sig.BandKeys() {
		ids := append(x.bands[k], a.ID)
		if len(ids) > maxBandMembers {
			ids = slices.Delete(ids, 0, len(ids)-maxBandMembers)
		}
		x.bands[k] = ids
	}
	s := x.stories[a.StoryID]
	if s == nil {
		s = &storyState{id: a.StoryID, terms: map[string]float64{}, ents: map[string]float64{}, keys: map[string]struct{}{}}
		x.stories[a.StoryID] = s
	}
	s.live++
	if a.Dated {
		if !s.dated {
			s.first, s.last, s.dated = a.Time, a.Time, true
		}
		s.first, s.last = min(s.first, a.Time), max(s.last, a.Time)
	}
	s.members = append(s.members, a.ID)
	if len(s.members) > recentMembers {
		s.members = s.members[len(s.members)-recentMembers:]
	}
	if a.DuplicateOf == "" { // a copy adds nothing to what the story is about
		s.tNorm = addVector(s.terms, a.Sig.Terms, centroidTerms)
		s.eNorm = addVector(s.ents, a.Sig.Entities, centroidTerms)
	}
	for _, w := range a.Sig.lookupKeys() {
		if _, ok := s.keys[w.Key]; ok {
			continue
		}
		s.keys[w.Key] = struct{}{}
		p := x.postings[w.Key]
		if p == nil {
			p = map[string]struct{}{}
			x.postings[w.Key] = p
		}
		p[s.id] = struct{}{}
	}
	for len(x.order) > x.opts.MaxArticles {
		x.forget(x.order[0])
		x.order = x.order[1:]
	}
}

// addVector adds ws (normalised) to c, keeps its keep strongest entries
// and returns its norm.
func addVector(c map[string]float64, ws []Weight, keep int) float64 {
	n := 0.0
	for _, w := range ws {
		n += w.W * w.W
	}
	if n == 0 {
		return norm(c)
	}
	n = math.Sqrt(n)
	for _, w := range ws {
		c[w.Key] += w.W / n
	}
	if len(c) > 2*keep {
		type kv struct {
			k string
			v float64
		}
		all := make([]kv, 0, len(c))
		for k, v := range c {
			all = append(all, kv{k, v})
		}
		slices.SortFunc(all, func(a, b kv) int { return cmp.Or(cmp.Compare(b.v, a.v), cmp.Compare(a.k, b.k)) })
		for _, e := range all[keep:] {
			delete(c, e.k)
		}
	}
	return norm(c)
}

func norm(c map[string]float64) float64 {
	s := 0.0
	for _, v := range c {
		s += v * v
	}
	return math.Sqrt(s)
}

// Expire forgets the articles linked more than the TTL before now (Unix
// seconds), oldest first.
func (x *Index) Expire(now int64) {
	cut := now - int64(x.opts.TTL/time.Second)
	n := 0
	for _, id := range x.order {
		if a := x.articles[id]; a != nil && a.Seen >= cut {
			break
		}
		x.forget(id)
		n++
	}
	x.order = x.order[n:]
}

// forget drops an article, its bands, and its story when it was the
// story's last article in memory.
func (x *Index) forget(id string) {
	a := x.articles[id]
	if a == nil {
		return
	}
	delete(x.articles, id)
	for _, k := range a.Sig.BandKeys() {
		ids := slices.DeleteFunc(x.bands[k], func(m string) bool { return m == id })
		if len(ids) == 0 {
			delete(x.bands, k)
		} else {
			x.bands[k] = ids
		}
	}
	s := x.stories[a.StoryID]
	if s == nil {
		return
	}
	s.members = slices.DeleteFunc(s.members, func(m string) bool { return m == id })
	if s.live--; s.live > 0 {
		return
	}
	delete(x.stories, s.id)
	for k := range s.keys {
		delete(x.postings[k], s.id)
		if len(x.postings[k]) == 0 {
			delete(x.postings, k)
		}
	}
}
