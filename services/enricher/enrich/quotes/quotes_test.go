package quotes_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/capseq"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
	"github.com/newsflow/newsflow/services/enricher/enrich/quotes"
)

// find runs the fallback recogniser and the resolver, then Find, and
// renders each quote as "Speaker|text".
func find(text string) []string {
	d := doc.Parse(text)
	var ms []canon.Mention
	for _, s := range capseq.New(nil).RecognizeDoc(d) {
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
		{"apostrophes are not quotes", "It’s the allies’ view and Nato’s, not the ’90s.", nil},
		{"empty quotes dropped", "He said “” and left.", nil},
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
