package canon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon/canontest"
)

func TestLocalMemoryContract(t *testing.T) {
	canontest.Contract(t, func(*testing.T) canon.Memory { return canon.NewLocalMemory(0) })
}

// TestLocalMemoryBounded: a full memory forgets the entity remembered
// least recently, and its index with it.
func TestLocalMemoryBounded(t *testing.T) {
	m := canon.NewLocalMemory(100)
	ctx := context.Background()
	for i := range 1000 {
		rec := canon.Remembered{ID: fmt.Sprint(i), Type: pipeline.Organization, Articles: 1,
			Names: []canon.Count{{Key: fmt.Sprint("Company ", i), N: 1}}, Keys: []string{fmt.Sprint("k", i%7), fmt.Sprint("u", i)}}
		if err := m.Remember(ctx, []canon.Remembered{rec}); err != nil {
			t.Fatal(err)
		}
	}
	if m.Len() != 100 {
		t.Fatalf("Len = %d, want 100", m.Len())
	}
	if got, _ := m.Recall(ctx, []string{"u0", "u899"}); len(got) != 0 {
		t.Errorf("forgotten entities recalled: %v", got)
	}
	if got, _ := m.Recall(ctx, []string{"u999"}); len(got) != 1 || got[0].Name() != "Company 999" {
		t.Errorf("newest entity: %v", got)
	}
	if got, _ := m.Recall(ctx, []string{"k3"}); len(got) > canon.MaxKeyMembers {
		t.Errorf("key holds %d ids, at most %d", len(got), canon.MaxKeyMembers)
	}
}

func TestMergeKeepsMostUsedName(t *testing.T) {
	r := canon.Remembered{ID: "x", Names: []canon.Count{{Key: "Sergei Ryabkov", N: 2}}, Articles: 2}
	r.Merge(canon.Remembered{ID: "x", Names: []canon.Count{{Key: "Sergei Rybakov", N: 1}}, Articles: 1})
	if r.Name() != "Sergei Ryabkov" || len(r.Names) != 2 || r.Articles != 3 {
		t.Errorf("merged = %+v", r)
	}
}

func TestOrgKey(t *testing.T) {
	for in, want := range map[string]string{"Dominion Textile Inc": "dominion textile", "Avnet Inc.": "avnet",
		"Rolls-Royce Plc": "rollsroyce", "J.P. Morgan and Co Inc": "jp morgan", "Inc": "inc",
		"Goldman, Sachs and Co": "goldman sachs"} {
		if got := canon.OrgKey(in); got != want {
			t.Errorf("OrgKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRolesLearned(t *testing.T) {
	m := canon.NewLocalMemory(0)
	canontest.Resolve(t, canon.NewResolver(nil), m, 1) // "Sergei Rybakov, the Russian deputy foreign minister, told ..."
	got, _ := m.Recall(context.Background(), []string{"ps\x00rybakov"})
	if len(got) != 1 {
		t.Fatalf("recalled %v", got)
	}
	var roles []string
	for _, c := range got[0].Clues {
		if len(c.Key) > 2 && c.Key[:2] == "r:" {
			roles = append(roles, c.Key)
		}
	}
	if fmt.Sprint(roles) != "[r:deputy r:foreign r:minister]" {
		t.Errorf("roles = %v", roles)
	}
}

// TestDoubtfulPersonJoinsPlace: a one-word "person" the memory knows as a
// place is that place ("Denver" read as a person in a second article).
func TestDoubtfulPersonJoinsPlace(t *testing.T) {
	r := canon.NewResolver(nil)
	m := canon.NewLocalMemory(0)
	text := "Snow closed roads in Denver on Monday."
	i := strings.Index(text, "Denver")
	place, err := canon.Link(context.Background(), m, text, r.Resolve(text, []canon.Mention{{Start: i, End: i + 6, Type: pipeline.Location}}, canon.Context{}))
	if err != nil {
		t.Fatal(err)
	}
	text = "Denver said the airport would reopen."
	person, err := canon.Link(context.Background(), m, text, r.Resolve(text, []canon.Mention{{Start: 0, End: 6, Type: pipeline.Person}}, canon.Context{}))
	if err != nil {
		t.Fatal(err)
	}
	if person[0].ID != place[0].ID || person[0].Type != pipeline.Location {
		t.Errorf("Denver: %s %s, want the place %s", person[0].Type, person[0].ID, place[0].ID)
	}
	text = "Jon Denver said the airport would reopen."
	named, _ := canon.Link(context.Background(), m, text, r.Resolve(text, []canon.Mention{{Start: 0, End: 10, Type: pipeline.Person}}, canon.Context{}))
	if named[0].ID == place[0].ID {
		t.Error("a person with a given name joined the place")
	}
}

// TestOrgWrittenOtherwise: a company's name written otherwise in another
// article ("Dominion Textiles Inc of Canada", a misspelling, a leading
// country) joins the remembered one when one entity named beside it agrees;
// another company of the same first word does not.
func TestOrgWrittenOtherwise(t *testing.T) {
	r := canon.NewResolver(nil)
	m := canon.NewLocalMemory(0)
	link := func(text string, specs ...string) map[string]string {
		t.Helper()
		ents, err := canon.Link(context.Background(), m, text, r.Resolve(text, mentions(t, text, specs...), canon.Context{}))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, e := range ents {
			for _, mm := range e.Mentions {
				ids[mm.Text] = e.ID
			}
		}
		return ids
	}
	first := link("Dominion Textile Inc bid for Burlington Industries Inc and Western Digital Corp.",
		"ORG:Dominion Textile Inc", "ORG:Burlington Industries Inc", "ORG:Western Digital Corp")
	second := link("Dominion Textiles Inc of Canada raised its offer for Burlington Industries Inc; Western Digtial Corp fell.",
		"ORG:Dominion Textiles Inc of Canada", "ORG:Burlington Industries Inc", "ORG:Western Digtial Corp")
	if second["Dominion Textiles Inc of Canada"] != first["Dominion Textile Inc"] {
		t.Error("Dominion Textiles Inc of Canada did not join Dominion Textile Inc")
	}
	if second["Western Digtial Corp"] != first["Western Digital Corp"] {
		t.Error("Western Digtial Corp did not join Western Digital Corp")
	}
	third := link("Dominion Resources Inc and Burlington Industries Inc said.", "ORG:Dominion Resources Inc", "ORG:Burlington Industries Inc")
	if third["Dominion Resources Inc"] == first["Dominion Textile Inc"] {
		t.Error("Dominion Resources Inc joined Dominion Textile Inc")
	}
	lone := link("Western Digtial Corp fell.", "ORG:Western Digtial Corp")
	if lone["Western Digtial Corp"] == first["Western Digital Corp"] {
		t.Error("a misspelling of two words joined with no entity beside it in common")
	}
	dish := link("Dish Network sells Sling TV.", "ORG:Dish Network", "ORG:Sling TV")
	short := link("Dish said Sling TV grew.", "MISC:Dish", "ORG:Sling TV")
	if short["Dish"] != dish["Dish Network"] {
		t.Error("a one-word \"other\" name did not join the company it starts")
	}
	// The other order: the short form first.
	sh := link("Hulu said Disney Plus grew.", "MISC:Hulu", "ORG:Disney Plus")
	lg := link("Hulu Live and Disney Plus gained.", "ORG:Hulu Live", "ORG:Disney Plus")
	if lg["Hulu Live"] != sh["Hulu"] {
		t.Error("a company did not join its short form remembered before it")
	}
	club := link("The Seattle Mariners signed Felix Hernandez.", "ORG:Seattle Mariners", "PERSON:Felix Hernandez")
	nick := link("Felix Hernandez pitched for the Mariners.", "PERSON:Felix Hernandez", "ORG:Mariners")
	if nick["Mariners"] != club["Seattle Mariners"] {
		t.Error("a club's nickname did not join the club seen with a shared clue")
	}
	long := link("Merrill Lynch Capital Markets led the issue.", "ORG:Merrill Lynch Capital Markets")
	typo := link("Merrill Lynch Captial Markets said.", "ORG:Merrill Lynch Captial Markets")
	if typo["Merrill Lynch Captial Markets"] != long["Merrill Lynch Capital Markets"] {
		t.Error("a name of four words with one misspelt did not join")
	}
}
