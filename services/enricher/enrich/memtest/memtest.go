// Package memtest checks implementations of enrich.Memory, as
// testing/fstest checks file systems.
package memtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
)

// Contract checks the behaviour every enrich.Memory must have on an
// empty memory m: recall by shared key, the article's own record on a
// redelivery, ErrConflict for a write based on a stale Recall (whether
// the key was updated or created in between), and that an article whose
// write failed is never a candidate, only (for a Memory that writes keys
// one by one) pending until it is written.
func Contract(t *testing.T, m enrich.Memory) {
	t.Helper()
	ctx := context.Background()
	rc, err := m.Recall(ctx, "a", []string{"k1", "k2"})
	if err != nil {
		t.Fatal(err)
	}
	if rc.Self != nil || len(rc.Candidates) != 0 || rc.Versions["k1"] != 0 {
		t.Fatalf("empty memory recalled %+v", rc)
	}
	if err := m.Remember(ctx, enrich.Record{ID: "a", StoryID: "s1"}, []string{"k1", "k2"}, rc); err != nil {
		t.Fatal(err)
	}
	// b shares k2 with a.
	rcB, err := m.Recall(ctx, "b", []string{"k2", "k3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rcB.Candidates) != 1 || rcB.Candidates[0].ID != "a" || rcB.Candidates[0].StoryID != "s1" {
		t.Fatalf("b recalled %+v", rcB.Candidates)
	}
	// c read k2 at the same time as b; b writes first, so c must conflict.
	rcC, _ := m.Recall(ctx, "c", []string{"k2"})
	if err := m.Remember(ctx, enrich.Record{ID: "b", StoryID: "s1"}, []string{"k2", "k3"}, rcB); err != nil {
		t.Fatal(err)
	}
	if err := m.Remember(ctx, enrich.Record{ID: "c", StoryID: "s2"}, []string{"k2"}, rcC); !errors.Is(err, enrich.ErrConflict) {
		t.Fatalf("stale write: err = %v, want ErrConflict", err)
	}
	// Recalled again, c sees a and b.
	rcC, _ = m.Recall(ctx, "c", []string{"k2"})
	var ids []string
	for _, r := range rcC.Candidates {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	if fmt.Sprint(ids) != "[a b]" {
		t.Fatalf("c recalled %v, want [a b]", ids)
	}
	if err := m.Remember(ctx, enrich.Record{ID: "c", StoryID: "s1"}, []string{"k2"}, rcC); err != nil {
		t.Fatal(err)
	}
	// A redelivery of a finds its own record, and is not its own candidate.
	rcA, _ := m.Recall(ctx, "a", []string{"k1", "k2"})
	if rcA.Self == nil || rcA.Self.StoryID != "s1" {
		t.Fatalf("self = %+v", rcA.Self)
	}
	for _, r := range rcA.Candidates {
		if r.ID == "a" {
			t.Fatal("an article is its own candidate")
		}
	}
	// f writes "k2" and "z9" but "z9" changed under it: f is pending or
	// absent, never a half-linked candidate; once written it is a candidate.
	rcF, _ := m.Recall(ctx, "f", []string{"k2", "z9"})
	rcG, _ := m.Recall(ctx, "g", []string{"z9"})
	if err := m.Remember(ctx, enrich.Record{ID: "g", StoryID: "s3"}, []string{"z9"}, rcG); err != nil {
		t.Fatal(err)
	}
	if err := m.Remember(ctx, enrich.Record{ID: "f", StoryID: "s1"}, []string{"k2", "z9"}, rcF); !errors.Is(err, enrich.ErrConflict) {
		t.Fatalf("stale second key: err = %v, want ErrConflict", err)
	}
	rcH, _ := m.Recall(ctx, "h", []string{"k2"})
	for _, r := range rcH.Candidates {
		if r.ID == "f" {
			t.Fatal("an article whose write failed is a candidate")
		}
	}
	if len(rcH.Pending) > 1 || len(rcH.Pending) == 1 && rcH.Pending[0] != "f" {
		t.Fatalf("pending = %v, want [f] or nothing", rcH.Pending)
	}
	rcF, _ = m.Recall(ctx, "f", []string{"k2", "z9"})
	if rcF.Self != nil || len(rcF.Pending) != 0 {
		t.Fatalf("f's own partial write: self %v pending %v", rcF.Self, rcF.Pending)
	}
	if err := m.Remember(ctx, enrich.Record{ID: "f", StoryID: "s1"}, []string{"k2", "z9"}, rcF); err != nil {
		t.Fatal(err)
	}
	rcH, _ = m.Recall(ctx, "h", []string{"k2"})
	if len(rcH.Pending) != 0 || !slices.ContainsFunc(rcH.Candidates, func(r enrich.Record) bool { return r.ID == "f" }) {
		t.Fatalf("after f is written: pending %v candidates %v", rcH.Pending, rcH.Candidates)
	}

	// A creator racing on a new key conflicts too.
	r1, _ := m.Recall(ctx, "d", []string{"fresh"})
	r2, _ := m.Recall(ctx, "e", []string{"fresh"})
	if err := m.Remember(ctx, enrich.Record{ID: "d"}, []string{"fresh"}, r1); err != nil {
		t.Fatal(err)
	}
	if err := m.Remember(ctx, enrich.Record{ID: "e"}, []string{"fresh"}, r2); !errors.Is(err, enrich.ErrConflict) {
		t.Fatalf("racing create: err = %v, want ErrConflict", err)
	}
}

// OneOriginal checks what enriching copies of one article at the same
// moment must give, whichever workers or replicas did it: one story for
// all, exactly one original, and every other a copy of that original.
func OneOriginal(t testing.TB, results []pipeline.Article) {
	t.Helper()
	originals := map[string]bool{}
	for _, r := range results {
		if r.StoryID != results[0].StoryID {
			t.Fatalf("stories differ: %s and %s", r.StoryID, results[0].StoryID)
		}
		if r.DuplicateOf == "" {
			originals[r.ID] = true
		}
	}
	if len(originals) != 1 {
		t.Fatalf("%d originals, want 1: %v", len(originals), originals)
	}
	for _, r := range results {
		if r.DuplicateOf != "" && !originals[r.DuplicateOf] {
			t.Errorf("%s is a copy of %s, not of the original", r.ID, r.DuplicateOf)
		}
	}
}
