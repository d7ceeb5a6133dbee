// Package canontest checks a canon.Memory implementation against the
// contract the resolver relies on, with real sentences.
package canontest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
)

// Articles are two reports of one meeting that spell the Russian envoy
// differently, and a third, unrelated, about someone spelt like both.
var Articles = []struct {
	Text     string
	Mentions []string // TYPE:text, in order of appearance
}{
	{"Wendy Sherman met her Russian counterpart Sergei Ryabkov in Geneva. Nato allies were briefed.",
		[]string{"PERSON:Wendy Sherman", "MISC:Russian", "PERSON:Sergei Ryabkov", "LOC:Geneva", "ORG:Nato"}},
	{"Sergei Rybakov, the Russian deputy foreign minister, told Wendy Sherman in Geneva that Nato must stop.",
		[]string{"PERSON:Sergei Rybakov", "MISC:Russian", "PERSON:Wendy Sherman", "LOC:Geneva", "ORG:Nato"}},
	{"The goalkeeper Sergey Rybakov signed for Zenit in Saint Petersburg on Friday.",
		[]string{"PERSON:Sergey Rybakov", "ORG:Zenit", "LOC:Saint Petersburg"}},
}

// Resolve resolves and links one article of Articles through m.
func Resolve(t testing.TB, r *canon.Resolver, m canon.Memory, i int) []*canon.Entity {
	t.Helper()
	return ResolveWith(t, r, func(ctx context.Context, text string, ents []*canon.Entity) ([]*canon.Entity, error) {
		return canon.Link(ctx, m, text, ents)
	}, i)
}

// ResolveWith resolves one article of Articles and links it with link
// (canon.Link on a memory, or a canon.Linker's Link).
func ResolveWith(t testing.TB, r *canon.Resolver, link func(context.Context, string, []*canon.Entity) ([]*canon.Entity, error), i int) []*canon.Entity {
	t.Helper()
	a := Articles[i]
	var ms []canon.Mention
	off := 0
	for _, s := range a.Mentions {
		typ, name, _ := strings.Cut(s, ":")
		j := strings.Index(a.Text[off:], name)
		if j < 0 {
			t.Fatalf("%q not in article %d", name, i)
		}
		ms = append(ms, canon.Mention{Start: off + j, End: off + j + len(name), Type: pipeline.EntityType(typ)})
		off += j + len(name)
	}
	ents, err := link(context.Background(), a.Text, r.Resolve(a.Text, ms, canon.Context{}))
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

// Find returns the entity with a mention spelt text.
func Find(t testing.TB, ents []*canon.Entity, text string) *canon.Entity {
	t.Helper()
	for _, e := range ents {
		for _, m := range e.Mentions {
			if m.Text == text {
				return e
			}
		}
	}
	t.Fatalf("no entity mentioned as %q", text)
	return nil
}

// Contract checks m: in either order, the two reports of the meeting give
// the envoy one id; the unrelated namesake keeps an id of its own; and
// the memory learns both spellings.
func Contract(t *testing.T, newMemory func(t *testing.T) canon.Memory) {
	r := canon.NewResolver(nil)
	for _, order := range [][]int{{0, 1, 2}, {1, 0, 2}, {2, 1, 0}} {
		m := newMemory(t)
		ids := map[int]string{}
		for _, i := range order {
			ents := Resolve(t, r, m, i)
			name := []string{"Sergei Ryabkov", "Sergei Rybakov", "Sergey Rybakov"}[i]
			ids[i] = Find(t, ents, name).ID
		}
		if ids[0] != ids[1] {
			t.Errorf("order %v: the envoy has ids %s and %s", order, ids[0], ids[1])
		}
		if ids[2] == ids[0] {
			t.Errorf("order %v: the goalkeeper took the envoy's id", order)
		}
		got, err := m.Recall(context.Background(), []string{"ps\x00ryabkov", "ps\x00rybakov"})
		if err != nil {
			t.Fatal(err)
		}
		var spellings []string
		for _, g := range got {
			if g.ID == ids[0] {
				for _, n := range g.Names {
					spellings = append(spellings, n.Key)
				}
			}
		}
		if s := strings.Join(spellings, "|"); !strings.Contains(s, "Sergei Ryabkov") || !strings.Contains(s, "Sergei Rybakov") {
			t.Errorf("order %v: remembered spellings %q, want both", order, s)
		}
	}
}

// Fill remembers n synthetic entities in m, as a stream of news would
// leave them: people (a common first name, a surname of their own) and
// organisations, each with MaxClues context clues drawn from the others.
func Fill(tb testing.TB, m canon.Memory, n int) {
	tb.Helper()
	firsts := []string{"John", "Maria", "David", "Anna", "Sergei", "Wei", "Ahmed", "Olga", "James", "Fatima",
		"Pierre", "Yuki", "Carlos", "Ingrid", "Rahul", "Amara", "Jan", "Li", "Omar", "Elena"}
	id := func(i int) string { return fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15) }
	batch := make([]canon.Remembered, 0, 64)
	for i := range n {
		r := canon.Remembered{ID: id(i), Articles: 1}
		sur := fmt.Sprintf("surname%d", i)
		if i%3 == 2 {
			r.Type = pipeline.Organization
			name := fmt.Sprintf("Company%d Holdings", i)
			r.Names = []canon.Count{{Key: name, N: 1}}
			r.Keys = []string{"n\x00company" + fmt.Sprint(i) + " holdings", "h\x00company" + fmt.Sprint(i)}
		} else {
			r.Type = pipeline.Person
			first := firsts[i%len(firsts)]
			r.Names = []canon.Count{{Key: first + " Surname" + fmt.Sprint(i), N: 1}}
			r.Keys = []string{"pf\x00" + strings.ToLower(first) + "\x00s", "ps\x00" + sur}
		}
		for j := range canon.MaxClues {
			r.Clues = append(r.Clues, canon.Count{Key: id((i*31 + j*7919) % max(n, 1)), N: 1})
		}
		batch = append(batch, r)
		if len(batch) == cap(batch) || i == n-1 {
			if err := m.Remember(context.Background(), batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}
