// Package memtest checks implementations of enrich.Memory, as
// testing/fstest checks file systems.
package memtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich"
)

// Contract checks the behaviour every enrich.Memory must have on an
// empty memory m: recall by shared key, the article's own record on a
// redelivery, and ErrConflict for a write based on a stale Recall, whether
// the key was updated or created in between.
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
