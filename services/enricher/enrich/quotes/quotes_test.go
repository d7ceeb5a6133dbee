package quotes_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/capnames"
	"github.com/newsflow/newsflow/services/enricher/enrich/quotes"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

// find runs the fallback recogniser and the resolver, then Find, and
// renders each quote as "Speaker|text".
func find(text string) []string {
	d := tokens.Parse(text)
	var ms []canon.Mention
	for _, s := range capnames.New(nil).RecognizeDoc(d) {
		ms = append(ms, canon.Mention{Start: s.Start, End: s.End, Type: s.Type})
	}
	ents := canon.NewResolver(nil).Resolve(text, ms, canon.Context{})
	var out []string
	for _, q := range quotes.Find(d, ents) {
		if text[q.Start:q.End] != q.Text {
			panic(fmt.Sprintf("quote %d-%d %q does not match text", q.Start, q.End, q.Text))
		}
		if (q.SpeakerID == "") != (q.Speaker == "" || strings.HasPrefix(q.Speaker, "the ") || strings.HasPrefix(q.Speaker, "The ")) {
			panic(fmt.Sprintf("speaker %q has id %q", q.Speaker, q.SpeakerID))
		}
		out = append(out, q.Speaker+"|"+q.Text)
	}
	return out
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"X said after", "“We will not allow it,” Ms Smith said.\n\nJulianne Smith is the envoy.",
			[]string{"Julianne Smith|We will not allow it,"}},
		{"said X after, skipping offices", "“Nato’s aim is peace,” said the alliance's Assistant Secretary General Baiba Braze.",
			[]string{"Baiba Braze|Nato’s aim is peace,"}},
		{"X told reporters before", "Mr Ryabkov told reporters, “In some ways we differ.”\n\nSergei Ryabkov left.",
			[]string{"Sergei Ryabkov|In some ways we differ."}},
		{"X said: before", "Mr Rybakov stated: “The conversation was difficult.”",
			[]string{"Rybakov|The conversation was difficult."}}, // no list of people: the article's own name
		{"according to", "Some demands are “simply non-starters,” according to US Deputy Secretary of State Wendy Sherman.",
			[]string{"Wendy Sherman|simply non-starters,"}},
		{"apposition skipped", "Julianne Smith, the US ambassador to Nato, said Washington would push back on proposals “that are simply non-starters”.",
			[]string{"Julianne Smith|that are simply non-starters"}},
		{"apposition is the name", "Its foreign policy chief, Josep Borrell, maintained that nothing could be agreed without its “strong cooperation”.",
			[]string{"Josep Borrell|strong cooperation"}},
		{"she said resolves by gender", "Olha Stefanishyna met Jens Stoltenberg.\n\n“It could not be considered,” she said.\n\n“Nato is united,” he said.",
			[]string{"Olha Stefanishyna|It could not be considered,", "Jens Stoltenberg|Nato is united,"}},
		{"speaker named in the sentence before, quote continues", "“Nato’s aim is peace,” said Baiba Braze.\n\n“The alliance will always respond.”",
			[]string{"Baiba Braze|Nato’s aim is peace,", "Baiba Braze|The alliance will always respond."}},
		{"continuation stops at another person", "“Nato’s aim is peace,” said Baiba Braze.\n\nJens Stoltenberg arrived.\n\n“The alliance will always respond.”",
			[]string{"Baiba Braze|Nato’s aim is peace,", "|The alliance will always respond."}},
		{"the alliance said", "Nato met Russia. “We are ready,” the alliance said.",
			[]string{"NATO|We are ready,"}},
		{"nationality institution", "Russia sent envoys. The Russian delegation said Moscow was seeking “legally binding guarantees”.",
			[]string{"Russia|legally binding guarantees"}},
		{"office resolves to the person just named", "Ms Sherman spoke first. The US deputy under secretary warned that Russia will face “unprecedented sanctions”.\n\nWendy Sherman left.",
			[]string{"Wendy Sherman|unprecedented sanctions"}},
		{"unresolved nominal keeps its words, same quote later resolves it", "‘We differ,’ said the Russian representative.\n\nSergei Ryabkov agreed.\n\nMr Ryabkov told reporters, “We differ.”",
			[]string{"Sergei Ryabkov|We differ,", "Sergei Ryabkov|We differ."}},
		{"unresolved nominal alone", "‘We differ,’ said the Russian representative.",
			[]string{"the Russian representative|We differ,"}},
		{"UK single quotes and apostrophes", "‘The allies’ demands won’t work,’ Boris Johnson warned. Nato’s view is the allies’ view.",
			[]string{"Boris Johnson|The allies’ demands won’t work,"}},
		{"quote spanning paragraphs", "Mr Rybakov complained that “threats were made to us.\n\n“If this doesn’t happen, we will act.”\n\nSergei Rybakov left.",
			[]string{"Sergei Rybakov|threats were made to us.", "Sergei Rybakov|If this doesn’t happen, we will act."}},
		{"lost opening mark", "“Another incursion would be a blunder,” Liz Truss said.\n\nAs we have seen, this is the reality of conflict.”",
			[]string{"Liz Truss|Another incursion would be a blunder,", "Liz Truss|As we have seen, this is the reality of conflict."}},
		{"straight quotes", `Mr Ryabkov said the meeting had been "complex but businesslike," Russian news agency Interfax said.`,
			[]string{"Ryabkov|complex but businesslike,"}},
		{"described as by X", `At what was described as a "moment of truth" by Russia, Nato said the talks would go on.`,
			[]string{"Russia|moment of truth"}},
		{"who said", "The meeting was chaired by Jens Stoltenberg, who said both sides “expressed the need to resume dialogue.”",
			[]string{"Jens Stoltenberg|expressed the need to resume dialogue."}},
		{"elided subject of a second verb", "Denmark’s delegation to Nato said it hoped for a “meaningful dialogue” with Russia but said the Kremlin must “choose co-operation”.",
			[]string{"Denmark|meaningful dialogue", "Denmark|choose co-operation"}},
		{"noun not verb", "The US says Russia’s demands on Ukraine are “non-starters” for now.",
			[]string{"United States|non-starters"}},
		{"no speaker", "Both sides held that the meeting had been “useful”.",
			[]string{"|useful"}},
		{"X added: before", "Jens Stoltenberg spoke after the meeting. The secretary general added: “Nato will not compromise on its core principles.”",
			[]string{"Jens Stoltenberg|Nato will not compromise on its core principles."}},
		{"X, who …, said after", "“The talks were frank,” Wendy Sherman, who led the American delegation in Geneva, said on Monday.",
			[]string{"Wendy Sherman|The talks were frank,"}},
		{"X, several appositions, said before", "Maria Lopez, 42, of Tucson, Ariz., said the lines were “simply unacceptable” for voters.",
			[]string{"Maria Lopez|simply unacceptable"}},
		{"party label between name and verb", "“We will hold hearings,” Sen. Marco Rubio (R-Fla.) said Tuesday.",
			[]string{"Marco Rubio|We will hold hearings,"}},
		{"the next quotation in the paragraph continues", "“Russia must de-escalate,” said Liz Truss, who met Antony Blinken. “There is no other way.”",
			[]string{"Liz Truss|Russia must de-escalate,", "Liz Truss|There is no other way."}},
		{"a question ending its sentence", "“Who would pay for the wall?” Felipe Calderón asked.",
			[]string{"Felipe Calderón|Who would pay for the wall?"}},
		{"the person the sentence is about", "Mayor Greg Stanton called the long lines at polling stations “a disgrace to our city.”",
			[]string{"Greg Stanton|a disgrace to our city."}},
		{"a role resolves to the person given it", "Former Mexican president Felipe Calderón spoke to Jorge Ramos on Monday.\n\nBut the former Mexican president did not stop there. “The first loser of such a policy would be the United States,” the former president continued.",
			[]string{"Felipe Calderón|The first loser of such a policy would be the United States,"}},
		{"a name and a colon", "Pollster Ann Selzer wrote in a note to clients. Selzer: “The race is tighter than it looks.”",
			[]string{"Ann Selzer|The race is tighter than it looks."}},
		{"NYT doubled apostrophes", "''We are not going anywhere,'' Mr. Gingrich said. ''This is a long race.''\n\nNewt Gingrich left.",
			[]string{"Newt Gingrich|We are not going anywhere,", "Newt Gingrich|This is a long race."}},
		{"a signature after a dash", "“We deserve better than this campaign.” ― Carla Sanchez, Phoenix",
			[]string{"Carla Sanchez|We deserve better than this campaign."}},
		{"X said further on in the sentence", "“I have admiration for the mechanics” of the tax plan, Douglas Holtz-Eakin said.",
			[]string{"Douglas Holtz-Eakin|I have admiration for the mechanics"}},
		{"a short sentence before the quotation", "Professor Dianne Bystrom agreed. “Mainstream Republicans are running out of time.”",
			[]string{"Dianne Bystrom|Mainstream Republicans are running out of time."}},
		{"the title of a show is not a quote", "Nick Offerman, who starred in “Parks and Recreation” on NBC, spoke in Iowa.", nil},
		{"a label nobody is credited with is not a quote", "After the “Arab Spring” the region changed.", nil},
		{"the same label with a cue is a quote", "Nato called the plan “Arab Spring” in its statement.",
			[]string{"NATO|Arab Spring"}},
		{"apostrophes are not quotes", "It’s the allies’ view and Nato’s, not the ’90s.", nil},
		{"empty quotes dropped", "He said “” and left.", nil},
		{"a plural possessive is not a closing mark", "Debbie Wasserman Schultz said the platform should back the United States' “stalwart allies” in the region.",
			[]string{"Debbie Wasserman Schultz|stalwart allies"}},
		{"an abbreviated state inside the apposition", "''I just don't think she has been truthful,'' Cecelia Purner, 67, a retired clerk in Allentown, Pa., said in an interview.",
			[]string{"Cecelia Purner|I just don't think she has been truthful,"}},
		{"a lower-case description before the name", "“There is some nagging concern about him,” super PAC spokeswoman Kellyanne Conway said.",
			[]string{"Kellyanne Conway|There is some nagging concern about him,"}},
		{"the paragraph before reports the speech", "Randy Evans argued in his email that the incident showed why the rules matter.\n\n“Is it prudent for the committee to give the chair such power?”",
			[]string{"Randy Evans|Is it prudent for the committee to give the chair such power?"}},
		{"a dash and a name in the next paragraph", "“I will look into it. I will certainly look into it.”\n\n- Hillary Clinton.\n\nShe has said so before.",
			[]string{"Hillary Clinton|I will look into it. I will certainly look into it."}},
		{"a cue verb learnt from PolNeAR", "“Your reputation is amazing,” Donald Trump assured the radio host.",
			[]string{"Donald Trump|Your reputation is amazing,"}},
		{"a two-word cue after the quotation", "Sandra Paradis laughed at the rally. “There are Bernie supporters here,” Paradis said.\n\n“They’re all here because he’s promising free stuff,” Jim Bennett shot back with a laugh.",
			[]string{"Sandra Paradis|There are Bernie supporters here,", "Jim Bennett|They’re all here because he’s promising free stuff,"}},
		{"answered, in an exchange", "Sean Hannity pressed Donald Trump on immigration. “Would it be negotiable?” Hannity asked.\n\n“I would say this,” Trump answered. “We will work out some system.”",
			[]string{"Sean Hannity|Would it be negotiable?", "Donald Trump|I would say this,", "Donald Trump|We will work out some system."}},
		{"said X’s aide Y: Y, not the possessor", "Hillary Clinton spoke in Ohio. “This has to be the first time,” said Clinton’s top foreign policy aide Jake Sullivan.",
			[]string{"Jake Sullivan|This has to be the first time,"}},
		{"a plural possessive in the apposition, said in a statement", "Bernie Sanders raised $20 million. “The numbers put our campaign on pace,” Jeff Weaver, Sanders’ campaign manager, said in a statement.",
			[]string{"Jeff Weaver|The numbers put our campaign on pace,"}},
		{"NYT doubled apostrophes ending the sentence, speaker after", "Donald Trump criticized George Bush.\n\n''What does that mean, he kept the country safe after 9/11?'' Mr. Trump asked, repeating a broadside.",
			[]string{"Donald Trump|What does that mean, he kept the country safe after 9/11?"}},
		{"an opening mark typed for the closing one", "“The reality is, if Mrs. Clinton loses Iowa, that could create new problems for her here,“ said Jim Clyburn, a Democratic congressman.",
			[]string{"Jim Clyburn|The reality is, if Mrs. Clinton loses Iowa, that could create new problems for her here,"}},
		{"no quotation of a formatting character alone", "Palin’s post resonated.\n\n\u202a”Sorry Sarah, you should have said it,” posted Sharon Geyer.",
			nil},
		{"a quotation over paragraphs takes the speaker its first paragraph gets from the paragraph before", "The Justice Department would sue North Carolina.\n\nDr. Mark Ward stated:\n\n\"The Department of Justice isn’t about equal justice anymore. It’s about the president’s vision, and we will fight it.\n\n\"The latest example of this overreach is the lawsuit.\"",
			[]string{"Mark Ward|The Department of Justice isn’t about equal justice anymore. It’s about the president’s vision, and we will fight it.", "Mark Ward|The latest example of this overreach is the lawsuit."}},
		{"a paragraph ending with a colon introduces the quotation", "On July 6, 2015, Bernie Sanders made the following comment:\n\n“For young people who have graduated high school, the unemployment rate is 33 percent.”",
			[]string{"Bernie Sanders|For young people who have graduated high school, the unemployment rate is 33 percent."}},
		{"NYT doubled apostrophes running over paragraphs", "Owen Jones left the studio.\n\n''This guy hates gays,'' Mr. Jones said of the killer. ''If he went into a synagogue, we'd call it out.\n\n''This was a homophobic hate crime as well as terrorism.''",
			[]string{"Owen Jones|This guy hates gays,", "Owen Jones|If he went into a synagogue, we'd call it out.", "Owen Jones|This was a homophobic hate crime as well as terrorism."}},
		{"an apostrophe opening no quotation does not swallow the paragraph's", "Music from the '90s is back, and “it will not be carpets and candles,” said Erik Flannigan, the channel's head of music programming.",
			[]string{"Erik Flannigan|it will not be carpets and candles,"}},
		{"the speaker ranker: the person the sentence before is about", "Marco Rubio was asked about the deal at a town hall in Iowa. His answer was blunt: the agreement “is a total disaster for our workers.”",
			[]string{"Marco Rubio|is a total disaster for our workers."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := find(tt.text)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestSpeakerTitle(t *testing.T) {
	tests := []struct{ text, want string }{
		{"“Some demands are non-starters,” said US Deputy Secretary of State Wendy Sherman.", "Wendy Sherman|US Deputy Secretary of State"},
		{"Julianne Smith, the US ambassador to Nato, said the allies were “united”.", "Julianne Smith|US ambassador to Nato"},
		{"Its foreign policy chief, Josep Borrell, said there must be “strong cooperation”.", "Josep Borrell|foreign policy chief"},
		{"Sergei Ryabkov, the Russian deputy foreign minister leading the delegation, said talks were “complex”.", "Sergei Ryabkov|Russian deputy foreign minister"},
		{"“We differ,” Sergei Ryabkov said.", "Sergei Ryabkov|"},
	}
	for _, tt := range tests {
		d := tokens.Parse(tt.text)
		var ms []canon.Mention
		for _, s := range capnames.New(nil).RecognizeDoc(d) {
			ms = append(ms, canon.Mention{Start: s.Start, End: s.End, Type: s.Type})
		}
		qs := quotes.Find(d, canon.NewResolver(nil).Resolve(tt.text, ms, canon.Context{}))
		if len(qs) != 1 {
			t.Fatalf("%q: %d quotes, want 1", tt.text, len(qs))
		}
		if got := qs[0].Speaker + "|" + qs[0].SpeakerTitle; got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestClassifier: an attributed sentence is kept with a higher
// probability than a one-word scare quote nobody is credited with.
func TestClassifier(t *testing.T) {
	prob := func(text string) float64 {
		d := tokens.Parse(text)
		var ms []canon.Mention
		for _, s := range capnames.New(nil).RecognizeDoc(d) {
			ms = append(ms, canon.Mention{Start: s.Start, End: s.End, Type: s.Type})
		}
		cs := quotes.Candidates(d, canon.NewResolver(nil).Resolve(text, ms, canon.Context{}))
		if len(cs) != 1 {
			t.Fatalf("%q: %d candidates, want 1", text, len(cs))
		}
		return cs[0].Prob()
	}
	said := prob("“We will not allow it, and we have told them so,” Julianne Smith said on Tuesday.")
	scare := prob("The fund has been a “disaster” for the state’s finances since 2012.")
	if said <= scare {
		t.Errorf("attributed quotation %.2f, scare quote %.2f: want the quotation higher", said, scare)
	}
	if kept := find("“We will not allow it, and we have told them so,” Julianne Smith said on Tuesday."); len(kept) != 1 {
		t.Errorf("attributed quotation dropped: %v", kept)
	}
	t.Logf("said %.2f, scare %.2f", said, scare)
}

// TestSecondQuotationOfSentence: the second quotation of a sentence has
// the speaker of the first, found as the sentence's subject.
func TestSecondQuotationOfSentence(t *testing.T) {
	got := find("In a White House statement, President Obama condemned Friday's test as “provocative and destabilizing” and a “grave threat” to regional stability.")
	if len(got) != 2 {
		t.Fatalf("got %v, want two quotations", got)
	}
	first, _, _ := strings.Cut(got[0], "|")
	second, _, _ := strings.Cut(got[1], "|")
	if !strings.Contains(first, "Obama") || second != first {
		t.Errorf("got %v, want both credited to Obama", got)
	}
}

// The embedded classifier matches the features the package computes
// (go generate refits it when they change).
func TestModelMatchesFeatures(t *testing.T) {
	if err := quotes.ModelErr(); err != nil {
		t.Fatal(err)
	}
}

// The embedded speaker ranker matches the features the package computes.
func TestSpeakerModelMatchesFeatures(t *testing.T) {
	if err := quotes.SpeakerModelErr(); err != nil {
		t.Fatal(err)
	}
}
