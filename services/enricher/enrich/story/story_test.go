package story

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"unsafe"

	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

func TestMinHashEstimatesJaccard(t *testing.T) {
	set := func(from, to int) []uint64 {
		var s []uint64
		for i := from; i < to; i++ {
			s = append(s, splitmix(uint64(i)))
		}
		return s
	}
	a := minHash(set(0, 1000), TextHashes)
	if estimate(a, minHash(set(0, 1000), TextHashes)) != 1 {
		t.Fatal("identical sets differ")
	}
	if e := estimate(a, minHash(set(5000, 6000), TextHashes)); e > 0.05 {
		t.Fatalf("disjoint sets estimate %v", e)
	}
	// |A∩B| = 500, |A∪B| = 1500: J = 1/3.
	if e := estimate(a, minHash(set(500, 1500), TextHashes)); math.Abs(e-1.0/3) > 0.15 {
		t.Fatalf("J=1/3 estimated as %v", e)
	}
	if minHash(nil, 4) != nil || estimate(nil, nil) != 0 {
		t.Fatal("empty sets must be similar to nothing")
	}
}

func TestSignatureDeterministicAndKeys(t *testing.T) {
	text := strings.Repeat("Nato and Russia began talks in Brussels on Wednesday about Ukraine. ", 5)
	ents := []Entity{{"e1", 0.9}, {"e2", 0.8}, {"e3", 0.5}, {"e4", 0.1}}
	a, b := Sign(tokens.Parse(text), ents), Sign(tokens.Parse(text), ents)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("signature not deterministic")
	}
	keys := a.BandKeys()
	if len(keys) != Bands {
		t.Fatalf("%d keys, want %d", len(keys), Bands)
	}
	for _, k := range keys {
		for _, r := range k {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.') {
				t.Fatalf("key %q has %q", k, r)
			}
		}
	}
	sc := Compare(&a, &b)
	if sc.Text != 1 || sc.Skeleton != 1 || math.Abs(sc.Terms-1) > 1e-3 || sc.Entities != 1 {
		t.Fatalf("self-similarity %+v", sc)
	}
	other := Sign(tokens.Parse("Cricket scores from Colombo: Sri Lanka beat Australia by four wickets."), nil)
	if sc := Compare(&a, &other); sc.Text != 0 || sc.Terms > 0.1 || sc.Entities != 0 {
		t.Fatalf("unrelated similarity %+v", sc)
	}
	if sc1, sc2 := Compare(&a, &other), Compare(&other, &a); sc1 != sc2 {
		t.Fatal("Compare is not symmetric")
	}
}

func TestBottomK(t *testing.T) {
	set := func(from, to int) []uint64 {
		var s []uint64
		for i := from; i < to; i++ {
			s = append(s, uint64(i)*0x9e3779b97f4a7c15)
		}
		return s
	}
	// Small sets compare exactly: |A∩B| = 10, |A∪B| = 30.
	if e := estimateBottomK(bottomK(set(0, 20), 64), bottomK(set(10, 30), 64), 64); math.Abs(e-1.0/3) > 1e-9 {
		t.Fatalf("small sets: %v, want exactly 1/3", e)
	}
	// Large sets are estimated: J = 500/1500.
	if e := estimateBottomK(bottomK(set(0, 1000), 64), bottomK(set(500, 1500), 64), 64); math.Abs(e-1.0/3) > 0.15 {
		t.Fatalf("large sets: %v, want about 1/3", e)
	}
	if estimateBottomK(nil, bottomK(set(0, 5), 64), 64) != 0 || estimateBottomK(nil, nil, 64) != 0 {
		t.Fatal("empty sets must be similar to nothing")
	}
	a := bottomK(set(0, 50), 64)
	if estimateBottomK(a, a, 64) != 1 {
		t.Fatal("a set is not itself")
	}
}

// The story index keeps signatures for the whole story window: a term
// must not be a slice of the article's text, which would keep the text.
func TestTermsDoNotHoldTheText(t *testing.T) {
	text := strings.Repeat("Negotiators met in Geneva about the treaty and the sanctions. ", 20)
	sig := Sign(tokens.Parse(text), nil)
	if len(sig.Terms) == 0 {
		t.Fatal("no terms")
	}
	lo := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	for _, w := range sig.Terms {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(w.Key))); p >= lo && p < lo+uintptr(len(text)) {
			t.Errorf("term %q points into the article's text", w.Key)
		}
	}
}
