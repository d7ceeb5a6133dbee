package tokens_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
)

func tokenList(d *tokens.Doc) string {
	var out []string
	for i, t := range d.Tokens {
		s := d.TokenText(i)
		switch t.Kind {
		case tokens.Number:
			s = "#" + s
		case tokens.Possessive:
			s = "~" + s
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestTokens(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Nato’s open-door policy", "Nato ~’s open-door policy"},
		{"The U.S. and Wendy R. Sherman", "The U.S. and Wendy R . Sherman"},
		{"100,000 troops on 2022-01-10 at 19:51", "#100,000 troops on #2022-01-10 at #19 : #51"},
		{"don’t stop the allies’ views", "don’t stop the allies ’ views"},
		{"“Quote,” she said.", "“ Quote , ” she said ."},
		{"Émilie Zoë naïve", "Émilie Zoë naïve"},
	}
	for _, tt := range tests {
		if got := tokenList(tokens.Parse(tt.text)); got != tt.want {
			t.Errorf("tokenList(%q)\n got  %s\n want %s", tt.text, got, tt.want)
		}
	}
}

func texts(text string, spans []tokens.Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestParagraphs(t *testing.T) {
	text := "First para.\n\nSecond line one\nThird block\n   \nA long hard-wrapped line that goes on and on, without an end\nand continues here.\n"
	got := texts(text, tokens.Parse(text).Paragraphs)
	want := []string{"First para.", "Second line one", "Third block",
		"A long hard-wrapped line that goes on and on, without an end\nand continues here."}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paragraphs\n got  %q\n want %q", got, want)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Mr. Smith met Ms Jones. They talked.", []string{"Mr. Smith met Ms Jones.", "They talked."}},
		{"Wendy R. Sherman spoke on Jan. 10. It was cold.", []string{"Wendy R. Sherman spoke on Jan. 10.", "It was cold."}},
		{"“We will go. We will stay,” he said. Then he left.", []string{"“We will go. We will stay,” he said.", "Then he left."}},
		{"He said: “We will go.” Then he left.", []string{"He said: “We will go.”", "Then he left."}},
		{"Is it? Yes! 2022 was a year.", []string{"Is it?", "Yes!", "2022 was a year."}},
		{"It rose 3.5 per cent. e.g. this", []string{"It rose 3.5 per cent. e.g. this"}},
	}
	for _, tt := range tests {
		if got := texts(tt.text, tokens.Parse(tt.text).Sentences); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("sentences(%q)\n got  %q\n want %q", tt.text, got, tt.want)
		}
	}
}

func TestJunk(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // junk texts
	}{
		{"style sheet", "Nato met.\n.UeJNJ::before{display:none}.cPCVUJ{min-height:389px;margin-bottom:16px}\nRussia left.",
			[]string{".UeJNJ::before{display:none}.cPCVUJ{min-height:389px;margin-bottom:16px}"}},
		{"links and handles", "See pic.twitter.com/QkYlu1HdhU — Wendy R. Sherman (@DeputySecState) on #Geneva.",
			[]string{"pic.twitter.com/QkYlu1HdhU", "(@DeputySecState)", "#Geneva."}},
		{"banner", "Stay up to date with notifications from The Independent.\nNot now Yes please\nNato met Russia.",
			[]string{"Stay up to date with notifications from The Independent.", "Not now Yes please"}},
		{"appeal run into a caption", "A soldier near Donetsk (AFP/Getty) Your support helps us to tell the story.\nNato met.",
			[]string{"Your support helps us to tell the story."}},
		{"appeal continued by the reader's neighbours", "Your donation allows us to report.\nThe Paper is trusted by readers.\nWe believe quality journalism matters.\nNato met Russia.",
			[]string{"Your donation allows us to report.", "The Paper is trusted by readers.", "We believe quality journalism matters."}},
		{"read more label only", "Read more The first round of talks ended.", []string{"Read more"}},
		{"breadcrumb", "News World Europe Jaw jaw better than war war", []string{"News World Europe"}},
		{"quoted words are not cues", "“We need your support,” Ms Smith said of the alliance.", nil},
		{"US is not us", "The US and Russia met. We know that.", nil},
		{"comments in prose", "In comments to reporters, Nato said no.", nil},
	}
	for _, tt := range tests {
		d := tokens.Parse(tt.text)
		if got := texts(tt.text, d.Junk); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: junk\n got  %q\n want %q", tt.name, got, tt.want)
		}
		for i, tok := range d.Tokens {
			if tok.Junk != d.IsJunk(tokens.Span{Start: tok.Start, End: tok.End}) {
				t.Errorf("%s: token %q junk flag disagrees", tt.name, d.TokenText(i))
			}
		}
	}
}

func TestLookups(t *testing.T) {
	text := "One two.\n\nThree four."
	d := tokens.Parse(text)
	if d.SentenceOf(strings.Index(text, "four")) != 1 || d.ParagraphOf(strings.Index(text, "two")) != 0 || d.SentenceOf(len(text)+5) != -1 {
		t.Fatal("SentenceOf/ParagraphOf wrong")
	}
	if i := d.TokenAt(strings.Index(text, "Three")); d.TokenText(i) != "Three" {
		t.Fatalf("TokenAt = %q", d.TokenText(i))
	}
	from, to := d.SentTokens(1)
	if to-from != 3 || !d.Tokens[from].SentStart {
		t.Fatalf("sentence 1 tokens %d..%d", from, to)
	}
}
