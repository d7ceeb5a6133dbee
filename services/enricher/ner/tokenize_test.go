package ner

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func tokenTexts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"plain", "Nato and Russia began talks.", []string{"Nato", "and", "Russia", "began", "talks", "."}},
		{"curly possessive", "Nato’s open door", []string{"Nato", "’s", "open", "door"}},
		{"straight possessive", "Russia's demands", []string{"Russia", "'s", "demands"}},
		{"plural possessive", "the allies’ talks", []string{"the", "allies", "’", "talks"}},
		{"negation", "we don't and can’t", []string{"we", "do", "n't", "and", "ca", "n’t"}},
		{"curly quotes", "“freedom of nations”, she said", []string{"“", "freedom", "of", "nations", "”", ",", "she", "said"}},
		{"single quotes", "‘Another incursion,’ he warned", []string{"‘", "Another", "incursion", ",", "’", "he", "warned"}},
		{"abbreviations", "The U.S. and Mr. Smith met Dr Jones", []string{"The", "U.S.", "and", "Mr.", "Smith", "met", "Dr", "Jones"}},
		{"initial", "Wendy R. Sherman", []string{"Wendy", "R.", "Sherman"}},
		{"sentence-final word keeps its stop apart", "He was ill. Then", []string{"He", "was", "ill", ".", "Then"}},
		{"hyphenated", "US-led Nato-Russia co-operation, de-escalate", []string{"US-led", "Nato-Russia", "co-operation", ",", "de-escalate"}},
		{"dashes", "partners” – after the EU — and -- more", []string{"partners", "”", "–", "after", "the", "EU", "—", "and", "--", "more"}},
		{"numbers", "100,000 troops, 3.5% and $1,200 on 2022-01-10 at 10:30", []string{"100,000", "troops", ",", "3.5", "%", "and", "$", "1,200", "on", "2022-01-10", "at", "10:30"}},
		{"twitter", "pic.twitter.com/QkYlu1HdhU — Wendy R. Sherman (@DeputySecState) January 10",
			[]string{"pic.twitter.com/QkYlu1HdhU", "—", "Wendy", "R.", "Sherman", "(", "@DeputySecState", ")", "January", "10"}},
		{"url", "see https://example.com/a?b=c. Next", []string{"see", "https://example.com/a?b=c", ".", "Next"}},
		{"www", "at www.reuters.com, today", []string{"at", "www.reuters.com", ",", "today"}},
		{"email", "write to derivatives@reuters.com.", []string{"write", "to", "derivatives@reuters.com", "."}},
		{"hashtag", "busy morning in #Geneva!", []string{"busy", "morning", "in", "#Geneva", "!"}},
		{"missing space after stop", "the talks.The next", []string{"the", "talks", ".", "The", "next"}},
		{"ellipsis", "from... something…", []string{"from", "...", "something", "…"}},
		{"flag emoji", "🇷🇺/🇺🇸 negotiations", []string{"🇷🇺", "/", "🇺🇸", "negotiations"}},
		{"apostrophe names", "O'Neill and D’Alema", []string{"O'Neill", "and", "D’Alema"}},
		{"accents", "Zürich and São Paulo", []string{"Zürich", "and", "São", "Paulo"}},
		{"css", ".UeJNJ::before{display:none}", []string{".", "UeJNJ", ":", ":", "before", "{", "display", ":", "none", "}"}},
		{"brackets", "(4thL) in Kyiv", []string{"(", "4thL", ")", "in", "Kyiv"}},
		{"ampersand", "AT&T and R&D vs. Marks & Spencer", []string{"AT&T", "and", "R&D", "vs.", "Marks", "&", "Spencer"}},
		{"empty", "", []string{}},
		{"whitespace only", " \n\t\u00a0\u200b", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := Tokenize(tt.text)
			if got := tokenTexts(toks); !slices.Equal(got, tt.want) {
				t.Errorf("Tokenize(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
			checkOffsets(t, tt.text, toks)
		})
	}
}

// checkOffsets verifies the tokenizer's contract: Text is the text at the
// offsets, tokens are in order, do not overlap, hold no white space, and
// start and end on rune boundaries.
func checkOffsets(t *testing.T, text string, toks []Token) {
	t.Helper()
	prev := 0
	for _, tok := range toks {
		if tok.Start < prev || tok.End <= tok.Start || tok.End > len(text) {
			t.Fatalf("token %+v out of order or empty (previous end %d, text length %d)", tok, prev, len(text))
		}
		if text[tok.Start:tok.End] != tok.Text {
			t.Fatalf("token %+v: text[%d:%d] = %q", tok, tok.Start, tok.End, text[tok.Start:tok.End])
		}
		if !runeBoundary(text, tok.Start) || !runeBoundary(text, tok.End) {
			t.Fatalf("token %+v does not fall on rune boundaries", tok)
		}
		if strings.TrimSpace(tok.Text) != tok.Text && utf8.ValidString(tok.Text) {
			t.Fatalf("token %+v holds white space", tok)
		}
		prev = tok.End
	}
}

// runeBoundary reports whether offset i of text is where decoding text
// rune by rune (an invalid byte being a rune of its own) starts a rune.
func runeBoundary(text string, i int) bool {
	if i == len(text) {
		return true
	}
	for j := range text {
		if j >= i {
			return j == i
		}
	}
	return false
}

func TestTokenizeInvalidUTF8(t *testing.T) {
	text := "Nato\xff\xfeRussia \xc3 talks"
	toks := Tokenize(text)
	checkOffsets(t, text, toks)
	want := []string{"Nato", "\xff", "\xfe", "Russia", "\xc3", "talks"}
	if got := tokenTexts(toks); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"’s":      "'s",
		"“":       `"`,
		"”":       `"`,
		"n’t":     "n't",
		"—":       "--",
		"–":       "-",
		"D’Alema": "D'Alema",
		"Nato":    "Nato",
		"…":       "...",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"stops", "Nato met Russia. The talks ended! Did they? Yes.",
			[]string{"Nato met Russia .", "The talks ended !", "Did they ?", "Yes ."}},
		{"closing quote stays", "“We will not allow it,” Ms Smith said. “Nato’s aim is clear.” Talks ended.",
			[]string{"“ We will not allow it , ” Ms Smith said .", "“ Nato ’s aim is clear . ”", "Talks ended ."}},
		{"titles and initials", "Mr. Ryabkov met Wendy R. Sherman. They talked.",
			[]string{"Mr. Ryabkov met Wendy R. Sherman .", "They talked ."}},
		{"abbreviation mid-sentence", "The U.S. Senate voted. It passed.",
			[]string{"The U.S. Senate voted .", "It passed ."}},
		{"abbreviation ends sentence", "He flew to the U.S. The talks began.",
			[]string{"He flew to the U.S.", "The talks began ."}},
		{"lower case continues", "It was 3 p.m. on Monday. And e.g. this.",
			[]string{"It was 3 p.m. on Monday .", "And e.g. this ."}},
		{"lines", "Kim Sengupta World Affairs Editor\nTuesday 11 January 2022\n\nThe next round",
			[]string{"Kim Sengupta World Affairs Editor", "Tuesday 11 January 2022", "The next round"}},
		{"hard-wrapped", "The talks in Geneva\nended with no clear\nbreakthrough.",
			[]string{"The talks in Geneva ended with no clear breakthrough ."}},
		{"blank line always ends", "the talks in\n\nended", []string{"the talks in", "ended"}},
		{"ellipsis inside", "steps... something that is wrong.", []string{"steps ... something that is wrong ."}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := Tokenize(tt.text)
			sents := SplitSentences(tt.text, toks)
			var got []string
			n := 0
			for _, s := range sents {
				got = append(got, strings.Join(tokenTexts(s), " "))
				n += len(s)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
			if n != len(toks) {
				t.Errorf("sentences hold %d tokens, want all %d", n, len(toks))
			}
		})
	}
}
