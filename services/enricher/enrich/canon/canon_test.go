package canon_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

// mentions finds each "Type:surface" in text, in order, after the previous one.
func mentions(t *testing.T, text string, specs ...string) []canon.Mention {
	t.Helper()
	var out []canon.Mention
	at := 0
	for _, s := range specs {
		typ, surface, _ := strings.Cut(s, ":")
		i := strings.Index(text[at:], surface)
		if i < 0 {
			t.Fatalf("%q not found after offset %d", surface, at)
		}
		out = append(out, canon.Mention{Start: at + i, End: at + i + len(surface), Type: pipeline.EntityType(typ)})
		at += i + len(surface)
	}
	return out
}

// groups renders entities as "TYPE Name: mention|mention", sorted.
func groups(es []*canon.Entity) []string {
	var out []string
	for _, e := range es {
		var ms []string
		for _, m := range e.Mentions {
			ms = append(ms, m.Text)
		}
		out = append(out, fmt.Sprintf("%s %s: %s", e.Type, e.Name, strings.Join(ms, "|")))
	}
	sort.Strings(out)
	return out
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		mentions []string
		want     []string
	}{
		{
			name:     "one person in four forms",
			text:     "Wendy Sherman arrived. Ms Sherman spoke. Sherman left. Wendy R. Sherman tweeted.",
			mentions: []string{"PERSON:Wendy Sherman", "PERSON:Ms Sherman", "PERSON:Sherman", "PERSON:Wendy R. Sherman"},
			want:     []string{"PERSON Wendy Sherman: Wendy Sherman|Sherman|Sherman|Wendy R. Sherman"},
		},
		{
			name:     "titles and offices stripped",
			text:     "US Deputy Secretary of State Wendy Sherman met Assistant Secretary General Baiba Braze.",
			mentions: []string{"PERSON:US Deputy Secretary of State Wendy Sherman", "PERSON:Assistant Secretary General Baiba Braze"},
			want:     []string{"PERSON Baiba Braze: Baiba Braze", "PERSON Wendy Sherman: Wendy Sherman"},
		},
		{
			name: "aliases from the gazetteer",
			text: "Nato and NATO, the US, U.S. and United States, the UK and Britain, the EU and European Union, Kiev and Kyiv.",
			mentions: []string{"ORG:Nato", "ORG:NATO", "LOC:US", "LOC:U.S.", "LOC:United States", "LOC:UK", "LOC:Britain",
				"ORG:EU", "ORG:European Union", "LOC:Kiev", "LOC:Kyiv"},
			want: []string{
				"LOC Kyiv: Kiev|Kyiv", "LOC United Kingdom: UK|Britain", "LOC United States: US|U.S.|United States",
				"ORG European Union: EU|European Union", "ORG NATO: Nato|NATO",
			},
		},
		{
			name:     "possessives normalised, gazetteer type wins",
			text:     "Nato’s open door and Russia's demands and America’s court.",
			mentions: []string{"LOC:Nato’s", "LOC:Russia's", "LOC:America’s"},
			want:     []string{"LOC Russia: Russia", "LOC United States: America", "ORG NATO: Nato"},
		},
		{
			name:     "surname joins the full name in the article",
			text:     "Sergei Rybakov, the Russian deputy foreign minister, spoke. Mr Rybakov complained.",
			mentions: []string{"PERSON:Sergei Rybakov", "MISC:Russian", "PERSON:Mr Rybakov"},
			want:     []string{"MISC Russian: Russian", "PERSON Sergei Rybakov: Sergei Rybakov|Rybakov"},
		},
		{
			name:     "misspelling of a person in the same article",
			text:     "Olha Stefanyshyna spoke first. Later Ms Stefanishyna said more, and Olha Stefanishyna left.",
			mentions: []string{"PERSON:Olha Stefanyshyna", "PERSON:Ms Stefanishyna", "PERSON:Olha Stefanishyna"},
			want:     []string{"PERSON Olha Stefanishyna: Olha Stefanyshyna|Stefanishyna|Olha Stefanishyna"},
		},
		{
			name:     "unknown people stay apart",
			text:     "Anna Kowalczyk met Piotr Kowalczyk. Ms Kowalczyk said no.",
			mentions: []string{"PERSON:Anna Kowalczyk", "PERSON:Piotr Kowalczyk", "PERSON:Ms Kowalczyk"},
			want:     []string{"PERSON Anna Kowalczyk: Anna Kowalczyk|Kowalczyk", "PERSON Piotr Kowalczyk: Piotr Kowalczyk"}, // "Ms": Anna
		},
		{
			name:     "short names are not near-spellings",
			text:     "Ben Kim met Ann Kin.",
			mentions: []string{"PERSON:Ben Kim", "PERSON:Ann Kin"},
			want:     []string{"PERSON Ann Kin: Ann Kin", "PERSON Ben Kim: Ben Kim"},
		},
		{
			name:     "a surname with or without the Arabic article",
			text:     "Nouri al-Maliki spoke. Maliki left, and Al-Maliki returned.",
			mentions: []string{"PERSON:Nouri al-Maliki", "PERSON:Maliki", "PERSON:Al-Maliki"},
			want:     []string{"PERSON Nouri al-Maliki: Nouri al-Maliki|Maliki|Al-Maliki"},
		},
		{
			name:     "surname alone",
			text:     "Putin said no. Mr Putin left.",
			mentions: []string{"PERSON:Putin", "PERSON:Mr Putin"},
			want:     []string{"PERSON Putin: Putin|Putin"},
		},
		{
			name:     "acronym in brackets joins its long form",
			text:     "a meeting of the OSCE (Organisation for Security and Cooperation in Europe) in Vienna",
			mentions: []string{"ORG:OSCE", "ORG:Organisation for Security and Cooperation in Europe", "LOC:Vienna"},
			want: []string{"LOC Vienna: Vienna",
				"ORG Organization for Security and Co-operation in Europe: OSCE|Organisation for Security and Cooperation in Europe"},
		},
		{
			name:     "unknown acronym, long form elsewhere and not recognised",
			text:     "The Strategic Stability Dialogue began. Later the SSD ended.",
			mentions: []string{"ORG:SSD"},
			want:     []string{"ORG Strategic Stability Dialogue: Strategic Stability Dialogue|SSD"},
		},
		{
			name:     "unknown acronym joins a recognised long form",
			text:     "The Baltic Defence College (BDC) said the BDC would grow.",
			mentions: []string{"ORG:Baltic Defence College", "ORG:BDC", "ORG:BDC"},
			want:     []string{"ORG Baltic Defence College: Baltic Defence College|BDC|BDC"},
		},
		{
			name: "acronym of the name without its corporate suffix or country",
			text: "International Business Machines Corp makes the IBM PC. The U.S. Food and Drug Administration said the FDA would look.",
			mentions: []string{"ORG:International Business Machines Corp", "ORG:IBM", "ORG:U.S. Food and Drug Administration",
				"ORG:FDA"},
			want: []string{"ORG International Business Machines Corp: International Business Machines Corp|IBM",
				"ORG U.S. Food and Drug Administration: U.S. Food and Drug Administration|FDA"},
		},
		{
			name:     "joined names split: after a corporate suffix, at or",
			text:     "Kidder, Peabody and Co and E.F. Hutton Co Inc co-managed it, unrated by Moodys Investors or Standard and Poors.",
			mentions: []string{"ORG:Peabody and Co and E.F. Hutton Co Inc", "ORG:Moodys Investors or Standard and Poors"},
			want: []string{"ORG E.F. Hutton Co Inc: E.F. Hutton Co Inc", "ORG Moodys Investors: Moodys Investors",
				"ORG Peabody and Co: Peabody and Co", "ORG Standard and Poors: Standard and Poors"},
		},
		{
			name:     "apostrophe-less possessive of a name the article has",
			text:     "a Southern Co spokeswoman said. Southerns Georgia Power Co unit and Texaco Inc said Texacos bond",
			mentions: []string{"ORG:Southern Co", "ORG:Southerns Georgia Power Co", "ORG:Texaco Inc", "ORG:Texacos"},
			want: []string{"ORG Georgia Power Co: Georgia Power Co", "ORG Southern Co: Southern Co|Southern",
				"ORG Texaco Inc: Texaco Inc|Texaco"},
		},
		{
			name:     "the owner of a possessive has the article's type; a split name's possessive",
			text:     "GAF Corp said. GAFs Heyman cautioned. A unit of Avco Corp. Avco Financial said Avco Financials rose.",
			mentions: []string{"ORG:GAF Corp", "PERSON:GAFs Heyman", "ORG:Avco Corp. Avco Financial", "ORG:Avco Financials"},
			want: []string{"ORG Avco Financial: Avco Corp|Avco Financial|Avco Financial", // "Avco" is a word of one longer name
				"ORG GAF Corp: GAF Corp|GAF", "PERSON Heyman: Heyman"},
		},
		{
			name:     "a stop word before the surname of a person in the article goes",
			text:     "Gerald Ford died. Once Ford left office, First Boston Corp hired him.",
			mentions: []string{"PERSON:Gerald Ford", "PERSON:Once Ford", "ORG:First Boston Corp"},
			want:     []string{"ORG First Boston Corp: First Boston Corp", "PERSON Gerald Ford: Gerald Ford|Ford"},
		},
		{
			name:     "a name with an s of its own is not a possessive, an affix goes",
			text:     "Reuters said. Reuters Holdings Plc owns it, not Reuter. The ex-Miami Dolphins player",
			mentions: []string{"ORG:Reuters", "ORG:Reuters Holdings Plc", "PERSON:Reuter", "ORG:ex-Miami Dolphins"},
			want: []string{"ORG Miami Dolphins: Miami Dolphins", "ORG Reuters: Reuters|Reuters Holdings Plc",
				"PERSON Reuter: Reuter"},
		},
		{
			name:     "an \"other\" word joins the longer name with it, which names it",
			text:     "Dow Chemical Co (DOW) said Dow would grow.",
			mentions: []string{"ORG:Dow Chemical Co", "MISC:DOW", "MISC:Dow"},
			want:     []string{"ORG Dow Chemical Co: Dow Chemical Co|DOW|Dow"},
		},
		{
			name:     "an \"other\" word joins the longer \"other\" name",
			text:     "The Dow Jones fell; the Dow lost 20 points.",
			mentions: []string{"MISC:Dow Jones", "MISC:Dow"},
			want:     []string{"MISC Dow Jones: Dow Jones|Dow"},
		},
		{
			name:     "cities of the one name source are places, not people or organisations",
			text:     "The Atlanta-based company said. Houston said Detroit won in Detroit.",
			mentions: []string{"MISC:Atlanta-based", "PERSON:Houston", "ORG:Detroit", "LOC:Detroit"},
			// The organisation "Detroit" keeps the recogniser's type (the
			// city or its team: teams.go decides) and the id of the place.
			want: []string{"LOC Atlanta: Atlanta", "LOC Detroit: Detroit", "ORG Detroit: Detroit", "PERSON Houston: Houston"},
		},
		{
			name: "the first or last words of one longer organisation name are it, not of two",
			text: "Readers Digest Association Inc said Readers Digest grew. Bank One Ohio and Bank One Texas said Bank One fell. " +
				"Prudential Bache Securities Inc owns Bache Securities.",
			mentions: []string{"ORG:Readers Digest Association Inc", "ORG:Readers Digest", "ORG:Bank One Ohio", "ORG:Bank One Texas", "ORG:Bank One",
				"ORG:Prudential Bache Securities Inc", "ORG:Bache Securities"},
			want: []string{"ORG Bank One Ohio: Bank One Ohio", "ORG Bank One Texas: Bank One Texas", "ORG Bank One: Bank One",
				"ORG Prudential Bache Securities Inc: Prudential Bache Securities Inc|Bache Securities",
				"ORG Readers Digest Association Inc: Readers Digest Association Inc|Readers Digest"},
		},
		{
			name:     "a Reuters instrument code joins the organisation whose acronym starts it",
			text:     "NV DSM (DSMN.AS) said DSM would grow. General Electric Co Plc (GECL.L) (GEC) said.",
			mentions: []string{"ORG:NV DSM", "ORG:DSMN.AS", "ORG:DSM", "ORG:General Electric Co Plc", "LOC:GECL.L", "ORG:GEC"},
			want:     []string{"ORG General Electric Co Plc: General Electric Co Plc|GECL.L|GEC", "ORG NV DSM: NV DSM|DSMN.AS|DSM"},
		},
		{
			name:     "a one-word \"person\" that starts one other name is it; a given name or an honorific keeps a person",
			text:     "The Sago Mine blast. Since Sago, rules changed. Ford Motor Co said Mr Ford and Henry left.",
			mentions: []string{"MISC:Sago Mine", "PERSON:Sago", "ORG:Ford Motor Co", "PERSON:Mr Ford", "PERSON:Henry"},
			want:     []string{"MISC Sago Mine: Sago Mine|Sago", "ORG Ford Motor Co: Ford Motor Co", "PERSON Ford: Ford", "PERSON Henry: Henry"},
		},
		{
			name:     "a country's military and government are not the country; a nationality stays",
			text:     "US forces left the U.S. The U.K. Government said Russian forces and the US military met.",
			mentions: []string{"LOC:US", "LOC:U.S.", "LOC:U.K.", "MISC:Russian", "LOC:US"},
			want: []string{"LOC United States: U.S.", "MISC Russian: Russian", "ORG United Kingdom (government): U.K. Government",
				"ORG United States (military): US forces|US military"},
		},
		{
			name:     "a nationality word that is a person's name in the article is the person",
			text:     "Veronica Finn sang. Finn said the Finnish fans cheered.",
			mentions: []string{"PERSON:Veronica Finn", "MISC:Finn", "MISC:Finnish"},
			want:     []string{"MISC Finnish: Finnish", "PERSON Veronica Finn: Veronica Finn|Finn"},
		},
		{
			name:     "a place the recogniser cut off an organisation's name is the organisation",
			text:     "the president of West Virginia State University said prices in Mexico City rose in West Virginia.",
			mentions: []string{"LOC:West Virginia", "LOC:Mexico", "LOC:West Virginia"},
			want: []string{"LOC Mexico City: Mexico City", "LOC West Virginia: West Virginia",
				"ORG West Virginia State University: West Virginia State University"},
		},
		{
			name:     "an ordinary word that starts the one longer organisation name is it",
			text:     "Shares in Rolls Royce Plc rose; Rolls said demand was strong.",
			mentions: []string{"ORG:Rolls Royce Plc", "ORG:Rolls"},
			want:     []string{"ORG Rolls Royce Plc: Rolls Royce Plc|Rolls"},
		},
		{
			name:     "a known short name that ends the one longer organisation name of the article is it",
			text:     "The New York Times reported it. The Times said more.",
			mentions: []string{"ORG:The New York Times", "ORG:The Times"},
			want:     []string{"ORG The New York Times: The New York Times|The Times"},
		},
		{
			name:     "not when two longer names end with it",
			text:     "The New York Times reported it. The Times said the Financial Times agreed.",
			mentions: []string{"ORG:The New York Times", "ORG:The Times", "ORG:Financial Times"},
			want:     []string{"ORG Financial Times: Financial Times", "ORG The New York Times: The New York Times", "ORG The Times: The Times"},
		},
		{
			name:     "same key, different recogniser types",
			text:     "Gazprom said. Then Gazprom again.",
			mentions: []string{"LOC:Gazprom", "PERSON:Gazprom"},
			want:     []string{"ORG Gazprom: Gazprom|Gazprom"},
		},
		{
			name:     "hyphenated names split, affixes dropped",
			text:     "US-Russia relations, a Russia-backed force, US-led Nato and pro-Western views; Hans-Peter spoke.",
			mentions: []string{"ORG:US-Russia", "MISC:Russia-backed", "MISC:US-led", "ORG:Nato", "MISC:pro-Western", "PERSON:Hans-Peter"},
			want: []string{"LOC Russia: Russia|Russia", "LOC United States: US|US", "MISC Western: Western", "ORG NATO: Nato",
				"PERSON Hans-Peter: Hans-Peter"},
		},
		{
			name:     "span completed to a known name",
			text:     "a meeting of the Organisation for Security and Co-operation in Europe on Thursday",
			mentions: []string{"ORG:Organisation for Security and Co-operation", "LOC:Europe"},
			want:     []string{"ORG Organization for Security and Co-operation in Europe: Organisation for Security and Co-operation in Europe"},
		},
		{
			name:     "honorific keeps a person named like a place",
			text:     "Mr Jordan said Jordan would help.",
			mentions: []string{"PERSON:Jordan", "LOC:Jordan"},
			want:     []string{"LOC Jordan: Jordan", "PERSON Jordan: Jordan"},
		},
	}
	r := canon.NewResolver(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := groups(r.Resolve(tt.text, mentions(t, tt.text, tt.mentions...), canon.Context{}))
			sort.Strings(tt.want)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestStableIDs(t *testing.T) {
	r := canon.NewResolver(nil)
	a := "Wendy R. Sherman spoke."
	b := "Ms Wendy Sherman spoke."
	ea := r.Resolve(a, []canon.Mention{{Start: 0, End: 16, Type: pipeline.Person}}, canon.Context{})
	eb := r.Resolve(b, []canon.Mention{{Start: 3, End: 16, Type: pipeline.Person}}, canon.Context{})
	if len(ea) != 1 || len(eb) != 1 || ea[0].ID != eb[0].ID {
		t.Fatalf("ids differ: %+v %+v", ea, eb)
	}
	if ea[0].ID != canon.EntityID(pipeline.Person, "Wendy Sherman") {
		t.Fatal("id is not EntityID of the canonical name")
	}
	if canon.EntityID(pipeline.Person, "Georgia") == canon.EntityID(pipeline.Location, "Georgia") {
		t.Fatal("a person and a place share an id")
	}
	if canon.EntityID(pipeline.Organization, "Turku") != canon.EntityID(pipeline.Location, "Turku") {
		t.Fatal("the recogniser's type among ORG, LOC and MISC changes the id")
	}
}

func TestGenderAndSalience(t *testing.T) {
	text := "Nato met. Ms Kowalczyk spoke about Nato. Nato agreed. Mr Tamm listened."
	es := canon.NewResolver(nil).Resolve(text, mentions(t, text, "ORG:Nato", "PERSON:Kowalczyk", "ORG:Nato", "ORG:Nato", "PERSON:Tamm"),
		canon.Context{Title: "Talks at NATO"})
	if es[0].Name != "NATO" || es[0].Salience != 1 {
		t.Fatalf("most salient = %s %v, want NATO 1", es[0].Name, es[0].Salience)
	}
	byName := map[string]*canon.Entity{}
	for _, e := range es {
		byName[e.Name] = e
	}
	if g := byName["Kowalczyk"].Gender; g != lexicon.Female {
		t.Errorf("Ms Kowalczyk gender = %v", g)
	}
	if g := byName["Tamm"].Gender; g != lexicon.Male {
		t.Errorf("Mr Tamm gender = %v", g)
	}
	if !(byName["Kowalczyk"].Salience > byName["Tamm"].Salience) {
		t.Error("an earlier mention should be more salient")
	}
	for _, e := range es {
		if e.Salience < 0 || e.Salience > 1 {
			t.Errorf("%s salience %v out of [0,1]", e.Name, e.Salience)
		}
	}
}

func TestGazetteerData(t *testing.T) {
	g := canon.Default()
	for name, want := range map[string]string{
		"Nato": "NATO", "U.S.": "United States", "Britain": "United Kingdom", "E.U.": "European Union",
		"Kiev": "Kyiv", "OSCE": "Organization for Security and Co-operation in Europe", "Ukrainians": "Ukrainian",
		"Organisation for Security and Cooperation in Europe": "Organization for Security and Co-operation in Europe",
	} {
		k, ok := g.Lookup(name)
		if !ok || k.Name != want {
			t.Errorf("Lookup(%q) = %v, want %q", name, k, want)
		}
	}
	if ks := g.ByNominal("alliance"); len(ks) == 0 || ks[0].Name != "NATO" {
		t.Errorf("nominal alliance = %v", ks)
	}
}

// TestContextDecidesInstitutions: "the Senate" is the US Senate in an
// American story and Nigeria's in a Nigerian one.
func TestContextDecidesInstitutions(t *testing.T) {
	r := canon.NewResolver(nil)
	resolve := func(text string, names ...string) []*canon.Entity {
		var ms []canon.Mention
		for _, n := range names {
			i := strings.Index(text, n)
			typ := pipeline.Organization
			if n == "Nigeria" || n == "Washington" {
				typ = pipeline.Location
			}
			ms = append(ms, canon.Mention{Start: i, End: i + len(n), Type: typ})
		}
		return r.Resolve(text, ms, canon.Context{})
	}
	ng := resolve("Nigeria's Senate passed the budget. Nigeria will borrow less, the Senate said.", "Nigeria", "Senate")
	us := resolve("The Senate passed the budget on Tuesday in Washington.", "Senate", "Washington")
	name := func(ents []*canon.Entity, mention string) string {
		for _, e := range ents {
			for _, m := range e.Mentions {
				if m.Text == mention {
					return e.Name
				}
			}
		}
		return ""
	}
	if got := name(ng, "Senate"); got != "Senate (Nigeria)" {
		t.Errorf("Nigerian article: Senate is %q", got)
	}
	if got := name(us, "Senate"); got != "US Senate" {
		t.Errorf("American article: Senate is %q", got)
	}
}

// TestDefinedAcronym: an acronym the article defines means what it
// defines ("AP" is not the Associated Press here), and one it defines as
// the gazetteer does keeps the gazetteer's entity.
func TestDefinedAcronym(t *testing.T) {
	r := canon.NewResolver(nil)
	text := "JDRF leads artificial pancreas (AP) research. The AP system doses insulin."
	var ms []canon.Mention
	for off := 0; ; {
		i := strings.Index(text[off:], "AP")
		if i < 0 {
			break
		}
		ms = append(ms, canon.Mention{Start: off + i, End: off + i + 2, Type: pipeline.Organization})
		off += i + 2
	}
	ents := r.Resolve(text, ms, canon.Context{})
	if len(ents) != 1 || ents[0].Name != "artificial pancreas" || ents[0].Known != nil {
		t.Fatalf("entities = %+v", ents)
	}
	text = "the International Monetary Fund (IMF) said. The IMF agreed."
	i, j := strings.Index(text, "IMF"), strings.LastIndex(text, "IMF")
	ents = r.Resolve(text, []canon.Mention{{Start: i, End: i + 3, Type: pipeline.Organization}, {Start: j, End: j + 3, Type: pipeline.Organization}}, canon.Context{})
	if len(ents) != 1 || ents[0].Name != "International Monetary Fund" {
		t.Fatalf("IMF entities = %+v", ents)
	}
}

// TestPlaceAsOrganisation: a place the recogniser reads as an organisation
// (a team, a university, a government) is not the place.
func TestPlaceAsOrganisation(t *testing.T) {
	r := canon.NewResolver(nil)
	text := "Alabama beat LSU in Alabama."
	ents := r.Resolve(text, []canon.Mention{{Start: 0, End: 7, Type: pipeline.Organization}, {Start: 20, End: 27, Type: pipeline.Location}}, canon.Context{})
	if len(ents) != 2 || ents[0].ID == ents[1].ID {
		t.Fatalf("entities = %+v", ents)
	}
	for _, e := range ents {
		if e.Type == pipeline.Location && e.Name != "Alabama" || e.Type == pipeline.Organization && e.Name != "Alabama (organisation)" {
			t.Errorf("%s %q", e.Type, e.Name)
		}
	}
}

// A title whose gender disagrees with everyone of that surname in the
// article names someone else; one that agrees joins the person it fits.
func TestHonorificGenderChoosesPerson(t *testing.T) {
	text := "Michelle Obama spoke first. Later Mr. Obama said he agreed, and Mrs. Obama smiled. Mr. Obama left."
	es := canon.NewResolver(nil).Resolve(text, mentions(t, text, "PERSON:Michelle Obama", "PERSON:Obama", "PERSON:Obama", "PERSON:Obama"), canon.Context{})
	got := strings.Join(groups(es), "; ")
	want := "PERSON Michelle Obama: Michelle Obama|Obama; PERSON Obama: Obama|Obama"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for _, e := range es {
		if e.Name == "Obama" && e.Gender != lexicon.Male {
			t.Errorf("Mr. Obama gender = %v", e.Gender)
		}
	}
}
