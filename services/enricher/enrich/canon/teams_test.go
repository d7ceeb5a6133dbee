package canon_test

import (
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
)

// TestPlaceAsTeam: a place with a team cue in a sports article is the
// team: the club of that sport named after the place, else an entity of
// its own; its other mentions follow unless a preposition, a comma or a
// dateline makes them the place; outside sport the place stays the place.
func TestPlaceAsTeam(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		mentions []string
		want     []string
	}{
		{
			name:     "the one club of the sport",
			text:     "Mark Reynolds homered twice and Baltimore beat the Red Sox 7-1 in Baltimore.",
			mentions: []string{"PERSON:Mark Reynolds", "LOC:Baltimore", "ORG:Red Sox", "LOC:Baltimore"},
			want: []string{"LOC Baltimore: Baltimore", "ORG Baltimore Orioles: Baltimore",
				"ORG Red Sox: Red Sox", "PERSON Mark Reynolds: Mark Reynolds"},
		},
		{
			name:     "a club the article names wins, its last word joins it",
			text:     "MIAMI - Miami's record fell after a loss this season. The Miami Heat lost again and the Heat coach was upset.",
			mentions: []string{"LOC:MIAMI", "LOC:Miami", "ORG:Miami Heat", "LOC:Heat"},
			want:     []string{"LOC Miami: MIAMI", "ORG Miami Heat: Miami|Miami Heat|Heat"},
		},
		{
			name:     "no club of the place: its own entity, per sport",
			text:     "Morne Morkel bowled England captain Andrew Strauss before lunch, taking his third wicket.",
			mentions: []string{"PERSON:Morne Morkel", "LOC:England", "PERSON:Andrew Strauss"},
			want: []string{"ORG England (cricket team): England", "PERSON Andrew Strauss: Andrew Strauss",
				"PERSON Morne Morkel: Morne Morkel"},
		},
		{
			name:     "no sport, no team",
			text:     "The vote on military action against Syria was a defeat; Syria's army and Syria fans of the win.",
			mentions: []string{"LOC:Syria", "LOC:Syria", "LOC:Syria"},
			want:     []string{"LOC Syria: Syria|Syria|Syria"},
		},
	}
	r := canon.NewResolver(nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := groups(r.Resolve(tc.text, mentions(t, tc.text, tc.mentions...), canon.Context{}))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// TestLastWordJoin: a common word or a word read as a place joins the
// one organisation name that ends with it, not one with it after "of".
func TestLastWordJoin(t *testing.T) {
	text := "The Crimson Tide won. Tide fans cheered. The Archdiocese of Portland said Portland is calm."
	ms := mentions(t, text, "ORG:Crimson Tide", "PERSON:Tide", "ORG:Archdiocese of Portland", "LOC:Portland")
	got := groups(canon.NewResolver(nil).Resolve(text, ms, canon.Context{}))
	want := []string{"LOC Portland: Portland", "ORG Archdiocese of Portland: Archdiocese of Portland", "ORG Crimson Tide: Crimson Tide|Tide"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestPlacesAfterComma: the state or country after a city and a comma is
// a place when the gazetteer writes it so; "La." is not "LA".
func TestPlacesAfterComma(t *testing.T) {
	text := "Columbus, Ohio; Sioux Falls, S.D.; Baton Rouge, La.; and the Smiths, Ohio.\nFRESNO, Calif. - A man, Apple said."
	g := canon.Default()
	var got []string
	for _, m := range g.PlacesAfterComma(text, nil, func(int, int) bool { return true }) {
		got = append(got, text[m.Start:m.End]+"/"+string(m.Type))
	}
	want := "Ohio/LOC S.D./LOC Ohio/LOC Calif./LOC"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}

// TestPersonBeforeCommaPlace: a one-word "person" that a place after a
// comma locates is a place.
func TestPersonBeforeCommaPlace(t *testing.T) {
	text := "offices in Denver, Colorado. With Smith, Jones said."
	ms := mentions(t, text, "PERSON:Denver", "PERSON:Smith")
	var got []string
	for _, m := range canon.Default().PlacesAfterComma(text, ms, func(int, int) bool { return true }) {
		got = append(got, text[m.Start:m.End]+"/"+string(m.Type))
	}
	want := "Denver/LOC Colorado/LOC Smith/PERSON"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
	if ms[0].Type != "PERSON" {
		t.Error("the caller's mentions were changed")
	}
}
