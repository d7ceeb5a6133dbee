// Package story computes the signatures that link articles into stories
// and spot copies: MinHash sketches of the text and of its names, the
// article's strongest terms and entities, and how two signatures compare.
//
// Everything here is deterministic across processes and machines (fixed
// hash seeds, no randomised maps in the output), because signatures are
// stored and compared by every enricher replica.
package story

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// Sizes of the sketches and of the candidate index.
const (
	TextHashes     = 60 // MinHash of word 3-shingles
	SkeletonHashes = 64 // bottom-k sketch of name/number 2-shingles
	Bands          = 12 // LSH bands over the text sketch...
	MaxTerms       = 32
	Rows           = 2 // ...of this many hashes each: a pair with Jaccard 0.5 shares a band with probability 0.97, 0.3 with 0.68, 0.1 with 0.11
	MaxEntities    = 12
)

// Signature is what an article leaves in the story memory.
type Signature struct {
	// Text is a MinHash sketch of the article's word 3-shingles: its
	// estimated Jaccard similarity finds copies.
	Text []uint32 `json:"text"`
	// Skeleton is a bottom-k sketch (the SkeletonHashes smallest hashes,
	// ascending) of the 2-shingles of its capitalised words and numbers in
	// order: a reworded copy keeps its names, numbers and their order while
	// its other words change. Skeletons are small sets, often smaller than
	// k, and then the sketch is the set and compares exactly.
	Skeleton []uint32 `json:"skel"`
	// Terms are its strongest words by TF-IDF, L2-normalised, sorted by term.
	Terms []Weight `json:"terms"`
	// Entities are its most salient entities by id, with their salience,
	// sorted by id.
	Entities []Weight `json:"ents"`
}

// Weight is a term or entity id with its weight. Sorted slices of them
// compare by merging, which is faster than maps and stores smaller.
type Weight struct {
	Key string  `json:"k"`
	W   float64 `json:"w"`
}

func sortWeights(ws []Weight) []Weight {
	slices.SortFunc(ws, func(a, b Weight) int { return strings.Compare(a.Key, b.Key) })
	return ws
}

// Entity is what Sign needs of an entity.
type Entity struct {
	ID       string
	Salience float64
}

// Sign computes the signature of a parsed article; ents are its entities.
func Sign(d *tokens.Doc, ents []Entity) Signature {
	var words, skeleton []string
	tf := map[string]int{}
	for _, t := range d.Tokens {
		if t.Junk || t.Kind == tokens.Punct {
			continue
		}
		w := lexicon.Fold(d.Text[t.Start:t.End])
		if t.Kind == tokens.Possessive {
			continue
		}
		words = append(words, w)
		switch {
		case t.Kind == tokens.Number:
			skeleton = append(skeleton, w)
		case t.Cap && !(t.SentStart && lexicon.IsCommon(d.Text[t.Start:t.End])):
			skeleton = append(skeleton, w)
		}
		if t.Kind == tokens.Word && !lexicon.IsStop(w) && len(w) > 2 {
			tf[w]++
		}
	}
	s := Signature{
		Text:     minHash(shingles(words, 3), TextHashes),
		Skeleton: bottomK(shingles(skeleton, 2), SkeletonHashes),
		Terms:    topTerms(tf),
	}
	seen := map[string]bool{}
	for _, e := range ents {
		if len(s.Entities) == MaxEntities {
			break
		}
		if !seen[e.ID] {
			seen[e.ID] = true
			s.Entities = append(s.Entities, Weight{e.ID, e.Salience})
		}
	}
	sortWeights(s.Entities)
	return s
}

// shingles returns the FNV-1a hashes of the n-word windows of words (or
// of the whole sequence when it is shorter).
func shingles(words []string, n int) []uint64 {
	if len(words) == 0 {
		return nil
	}
	if len(words) < n {
		n = len(words)
	}
	out := make([]uint64, 0, len(words)-n+1)
	for i := 0; i+n <= len(words); i++ {
		h := uint64(fnvOffset)
		for j := i; j < i+n; j++ {
			h = fnv1a(h, words[j])
			h *= fnvPrime // a zero byte between words: FNV-1a of 0 is a plain multiply
		}
		out = append(out, h)
	}
	return out
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnv1a(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// Fixed seeds: sketches must compare across processes and releases.
const (
	binSeed    = 0x6a09e667f3bcc909 // element hash
	rotateSeed = 0xbb67ae8584caa73b // densification step
)

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// minHash returns a k-value MinHash sketch of the set by one-permutation
// hashing (Li, Owen and Zhang 2012): one mixed hash per element picks a
// bin and competes for that bin's minimum, so a sketch costs one hash per
// element instead of k. Empty bins borrow the next non-empty bin's value
// (circularly) mixed with the distance, "rotation" densification
// (Shrivastava and Li 2014), which keeps the estimate unbiased for small
// sets. An empty set gives nil, which is similar to nothing.
func minHash(set []uint64, k int) []uint32 {
	if len(set) == 0 {
		return nil
	}
	const empty = math.MaxUint64
	bins := make([]uint64, k)
	for i := range bins {
		bins[i] = empty
	}
	for _, x := range set {
		h := splitmix(x ^ binSeed)
		b := (h >> 32) % uint64(k)
		if v := h & 0xffffffff; v < bins[b] {
			bins[b] = v
		}
	}
	out := make([]uint32, k)
	for i := range out {
		for d := 0; d < k; d++ {
			if v := bins[(i+d)%k]; v != empty {
				out[i] = uint32(splitmix(v + uint64(d)*rotateSeed))
				break
			}
		}
	}
	return out
}

// bottomK returns the k smallest distinct 32-bit mixed hashes of the set,
// ascending.
func bottomK(set []uint64, k int) []uint32 {
	if len(set) == 0 {
		return nil
	}
	hs := make([]uint32, len(set))
	for i, x := range set {
		hs[i] = uint32(splitmix(x^binSeed) >> 32)
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	return hs[:min(k, len(hs))]
}

// estimateBottomK estimates the Jaccard similarity of two sets from their
// bottom-k sketches: among the k smallest hashes of the union, the
// fraction in both. (A truncated sketch holds every hash of its set up to
// its largest, and the walk stops within k, so membership is always
// known.) When both sketches hold their whole sets, fewer than k, that is
// the exact Jaccard similarity.
func estimateBottomK(a, b []uint32, k int) float64 {
	both, seen := 0, 0
	i, j := 0, 0
	for seen < k && (i < len(a) || j < len(b)) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			i++
		case i == len(a) || b[j] < a[i]:
			j++
		default:
			both++
			i++
			j++
		}
		seen++
	}
	if seen == 0 {
		return 0
	}
	return float64(both) / float64(seen)
}

// estimate is the fraction of equal positions of two sketches: an
// unbiased estimate of the Jaccard similarity of the sets.
func estimate(a, b []uint32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// topTerms keeps the MaxTerms strongest words by TF-IDF, L2-normalised.
func topTerms(tf map[string]int) []Weight {
	type tw struct {
		t string
		w float64
	}
	all := make([]tw, 0, len(tf))
	for t, n := range tf {
		all = append(all, tw{t, (1 + math.Log(float64(n))) * lexicon.IDF(t)})
	}
	slices.SortFunc(all, func(a, b tw) int {
		if a.w != b.w {
			if a.w > b.w {
				return -1
			}
			return 1
		}
		return strings.Compare(a.t, b.t)
	})
	if len(all) > MaxTerms {
		all = all[:MaxTerms]
	}
	norm := 0.0
	for _, x := range all {
		norm += x.w * x.w
	}
	norm = math.Sqrt(norm)
	out := make([]Weight, len(all))
	for i, x := range all {
		// A term is often a slice of the article's text (a word already
		// folded): cloned, so that the story index, which keeps terms for
		// the story window, does not keep every article's whole text.
		out[i] = Weight{strings.Clone(x.t), math.Round(x.w/norm*1e4) / 1e4}
	}
	return sortWeights(out)
}

// BandKeys are the LSH bands of the text sketch: copies share at least
// one with high probability.
func (s *Signature) BandKeys() []string {
	if len(s.Text) != TextHashes {
		return nil
	}
	keys := make([]string, 0, Bands)
	var buf [Rows * 4]byte
	for b := range Bands {
		for r := range Rows {
			binary.LittleEndian.PutUint32(buf[r*4:], s.Text[b*Rows+r])
		}
		h := fnv1a(fnvOffset, string(buf[:]))
		keys = append(keys, "b"+strconv.Itoa(b)+"."+strconv.FormatUint(h, 36))
	}
	return keys
}

// Scores compare two signatures; each is in [0,1].
type Scores struct {
	Text     float64 // estimated Jaccard of word 3-shingles
	Skeleton float64 // estimated Jaccard of name/number 2-shingles
	Terms    float64 // cosine of the term vectors
	Entities float64 // weighted Jaccard of entity salience
}

// Compare scores the similarity of two signatures.
func Compare(a, b *Signature) Scores {
	return Scores{
		Text:     estimate(a.Text, b.Text),
		Skeleton: estimateBottomK(a.Skeleton, b.Skeleton, SkeletonHashes),
		Terms:    cosine(a.Terms, b.Terms),
		Entities: weightedJaccard(a.Entities, b.Entities),
	}
}

// merge calls f for every key of two sorted weight lists with its weight
// in each (0 where absent).
func merge(a, b []Weight, f func(x, y float64)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i].Key < b[j].Key:
			f(a[i].W, 0)
			i++
		case i == len(a) || b[j].Key < a[i].Key:
			f(0, b[j].W)
			j++
		default:
			f(a[i].W, b[j].W)
			i++
			j++
		}
	}
}

func cosine(a, b []Weight) float64 {
	sum := 0.0
	merge(a, b, func(x, y float64) { sum += x * y })
	return min(sum, 1)
}

func weightedJaccard(a, b []Weight) float64 {
	num, den := 0.0, 0.0
	merge(a, b, func(x, y float64) { num += min(x, y); den += max(x, y) })
	if den == 0 {
		return 0
	}
	return num / den
}
