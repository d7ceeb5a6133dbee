package tokens

import "strings"

// abbreviations end with a dot that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true, "sr": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "cpt": true, "maj": true, "adm": true,
	"rep": true, "sen": true, "gov": true, "pres": true, "rev": true, "hon": true, "fr": true,
	"no": true, "nos": true, "vs": true, "v": true, "etc": true, "inc": true, "ltd": true, "co": true,
	"corp": true, "bros": true, "approx": true, "dept": true, "est": true, "fig": true, "op": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
}

// splitSentences marks sentence boundaries and which tokens are quoted.
// A sentence ends at ".", "!", "?" or "…" (with any closing quotes and
// brackets after it) followed by a space and a capital, digit or opening
// quote, unless the dot ends an abbreviation or an initial, or the mark is
// inside a quotation that goes on (“We will go. We will stay,” he said).
// A paragraph always ends a sentence.
func (d *Doc) splitSentences() {
	text := d.Text
	for p := range d.Paragraphs {
		from, to := d.ParaTokens(p)
		inQuote := false
		start := from
		for i := from; i < to; i++ {
			t := &d.Tokens[i]
			if t.Kind == Punct {
				switch text[t.Start:t.End] {
				case "\u201c", "\u201e":
					inQuote = true
				case "\u201d":
					inQuote = false
				case "\"":
					inQuote = opensQuote(text, d.Tokens, i, from, to, inQuote)
				}
			} else {
				t.Quoted = inQuote
			}
			if t.Kind != Punct || !isTerminal(text[t.Start:t.End]) || i+1 >= to {
				continue
			}
			if text[t.Start:t.End] == "." && i > from && d.Tokens[i-1].End == t.Start && isAbbreviation(d, i-1) {
				continue
			}
			// Take closing quotes and brackets.
			j := i + 1
			stillQuoted := inQuote
			for j < to && d.Tokens[j].Kind == Punct && isCloser(text[d.Tokens[j].Start:d.Tokens[j].End]) && d.Tokens[j].Start == d.Tokens[j-1].End {
				if c := text[d.Tokens[j].Start:d.Tokens[j].End]; c == "\u201d" || c == "\"" {
					stillQuoted = false
				}
				j++
			}
			if stillQuoted {
				continue // the quotation goes on
			}
			if j >= to || d.Tokens[j].Start == d.Tokens[j-1].End || !startsSentence(text, d.Tokens[j]) {
				continue
			}
			// Tokens i+1..j-1 close the sentence; apply their quote state now.
			for k := i + 1; k < j; k++ {
				if c := text[d.Tokens[k].Start:d.Tokens[k].End]; c == "\u201d" || c == "\"" {
					inQuote = false
				}
			}
			d.addSentence(start, j)
			start = j
			i = j - 1
		}
		if start < to {
			d.addSentence(start, to)
		}
	}
	d.sentTok = append(d.sentTok, len(d.Tokens))
}

func (d *Doc) addSentence(from, to int) {
	idx := int32(len(d.Sentences))
	d.Sentences = append(d.Sentences, Span{d.Tokens[from].Start, d.Tokens[to-1].End})
	d.sentTok = append(d.sentTok, from)
	for k := from; k < to; k++ {
		d.Tokens[k].Sent = idx
	}
	for k := from; k < to; k++ {
		if d.Tokens[k].Kind != Punct {
			d.Tokens[k].SentStart = true
			break
		}
	}
}

// opensQuote decides whether a straight double quote at token i opens
// (true) or closes (false) a quotation: it opens when a space or an opening
// bracket precedes it, or it starts the paragraph, and closes otherwise.
func opensQuote(text string, toks []Token, i, from, to int, inQuote bool) bool {
	t := toks[i]
	attachedBefore := i > from && toks[i-1].End == t.Start && !isOpener(text[toks[i-1].Start:toks[i-1].End])
	attachedAfter := i+1 < to && toks[i+1].Start == t.End
	switch {
	case !attachedBefore && attachedAfter:
		return true
	case attachedBefore && !attachedAfter:
		return false
	}
	return !inQuote
}

func isTerminal(s string) bool { return s == "." || s == "!" || s == "?" || s == "\u2026" }

func isCloser(s string) bool {
	return s == "\u201d" || s == "\"" || s == "\u2019" || s == "'" || s == ")" || s == "]"
}

func isOpener(s string) bool { return s == "(" || s == "[" || s == "\u2014" || s == "\u2013" }

// startsSentence reports whether a token can begin a sentence.
func startsSentence(text string, t Token) bool {
	switch t.Kind {
	case Word:
		return t.Cap
	case Number:
		return true
	case Punct:
		s := text[t.Start:t.End]
		return s == "\u201c" || s == "\"" || s == "\u2018" || s == "'" || s == "(" || s == "["
	}
	return false
}

func isAbbreviation(d *Doc, i int) bool {
	t := d.Tokens[i]
	w := d.Text[t.Start:t.End]
	if t.Kind == Word && len(w) == 1 && t.Cap {
		return true // an initial: "Wendy R. Sherman"
	}
	return abbreviations[strings.ToLower(w)]
}
