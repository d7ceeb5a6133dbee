package enrich_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/memtest"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLocalMemoryContract(t *testing.T) {
	memtest.Contract(t, enrich.NewMemory(enrich.MemoryOptions{}))
}

func TestLocalMemoryExpiresAndBounds(t *testing.T) {
	c := &clock{t: time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)}
	m := enrich.NewMemory(enrich.MemoryOptions{TTL: time.Hour, MaxArticles: 3, Now: c.now})
	ctx := context.Background()
	remember := func(id string) {
		rc, err := m.Recall(ctx, id, []string{"k"})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Remember(ctx, enrich.Record{ID: id}, []string{"k"}, rc); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		remember(id)
	}
	if m.Len() != 3 {
		t.Fatalf("len = %d, want 3 (oldest evicted)", m.Len())
	}
	rc, _ := m.Recall(ctx, "x", []string{"k"})
	if len(rc.Candidates) != 3 || rc.Candidates[0].ID != "b" {
		t.Fatalf("candidates %+v", rc.Candidates)
	}
	c.t = c.t.Add(2 * time.Hour)
	rc, _ = m.Recall(ctx, "x", []string{"k"})
	if len(rc.Candidates) != 0 || m.Len() != 0 || rc.Versions["k"] != 0 {
		t.Fatalf("after the TTL: %+v, len %d", rc, m.Len())
	}
	remember("e") // an expired key starts again
}

func TestAddMember(t *testing.T) {
	var ms []enrich.Member
	for i := range enrich.MaxKeyMembers + 10 {
		ms = enrich.AddMember(ms, fmt.Sprint(i), int64(i))
	}
	if len(ms) != enrich.MaxKeyMembers || ms[0].ID != "10" {
		t.Fatalf("members = %d starting %s", len(ms), ms[0].ID)
	}
	ms = enrich.AddMember(ms, "10", 99)
	idx := slices.IndexFunc(ms, func(m enrich.Member) bool { return m.ID == "10" })
	if ms[len(ms)-1] != (enrich.Member{ID: "10", At: 99}) || len(ms) != enrich.MaxKeyMembers || idx != len(ms)-1 {
		t.Fatal("re-adding did not move the member to the end")
	}
}
