// Package boiler recognises page furniture by its words: a paragraph or a
// line that is a label ("Advertisement", "Share this article"), a
// cross-link ("Read more: …"), a call to action addressed to the reader
// (newsletters, donations, registration, comments, notifications,
// cookies), a credit, a copyright line or a dateline, rather than
// writing.
//
// Both extraction paths use it: the HTML extractor on the paragraphs of
// the container it chose, the text cleaner on every line of a scraped
// page, where markup no longer tells furniture from text.
//
// The rules are general — what makes a line boilerplate, in the main
// languages of the web — and deliberately conservative on long text: a
// paragraph of several sentences is only ever furniture when it is an
// appeal to the reader, never because it mentions a keyword.
package boiler

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what a paragraph is, as far as its words tell.
type Kind uint8

const (
	// Text is ordinary writing: keep it.
	Text Kind = iota
	// Label is a user-interface label or section heading of the page
	// ("Advertisement", "Related articles", "Not now").
	Label
	// CrossLink points at another article ("Read more: Headline").
	CrossLink
	// Prompt asks the reader to do something with the site: subscribe,
	// register, comment, share, allow notifications or cookies, donate.
	Prompt
	// Legal is a copyright or rights notice.
	Legal
	// Dateline is a publication or update stamp ("Updated: 10:43, Tue,
	// Nov 19, 2019") or a reading time.
	Dateline
	// Credit is a photo credit or caption marker.
	Credit
)

var kindNames = [...]string{"text", "label", "cross-link", "prompt", "legal", "dateline", "credit"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// longPrompt is the length from which a prompt needs the site to speak
// as itself as well as to name an action.
const longPrompt = 40

// shortWords is the length up to which a paragraph can be a label,
// credit or dateline; promptWords the length up to which it can be a
// prompt. Longer paragraphs are text unless they open with a cross-link
// label (see Classify).
const (
	shortWords  = 12
	promptWords = 150
)

// Context says what the caller knows about a paragraph's surroundings.
type Context uint8

const (
	// InArticle is a paragraph of an article container found from
	// markup: page furniture around it was removed by structure, so only
	// short appeals (up to shortPrompt words) are judged by their words.
	// A long paragraph inviting comments may be the article itself.
	InArticle Context = iota
	// Scraped is a line of a page whose markup is gone: every rule
	// applies, including to long appeals ("Your support helps us …").
	Scraped
)

// shortPrompt is the longest appeal judged by its words in an article;
// longer ones are judged only in scraped text, and need more evidence
// (see isPrompt).
const shortPrompt = 30

// Classify says what a paragraph, or a line of a scraped page, is.
func Classify(p string, ctx Context) Kind {
	k, _ := classify(p, ctx)
	return k
}

// StripLead returns p without a leading cross-link label when the rest of
// p is writing: scraped pages glue a button to the next paragraph
// ("Read more The first round of talks … ended without a breakthrough.").
// It returns p unchanged when there is no such label.
func StripLead(p string) string {
	t := strings.TrimSpace(p)
	if rest, ok := crossLinkLead(t); ok && rest != "" && !isHeadline(rest) && countWords(t, shortWords+1) > shortWords {
		return rest
	}
	return p
}

// classify returns the kind of p and, when p opens with a cross-link
// label followed by writing, that writing.
func classify(p string, ctx Context) (Kind, string) {
	p = strings.TrimSpace(p)
	if p == "" {
		return Text, ""
	}
	words := countWords(p, promptWords+1)
	if rest, ok := crossLinkLead(p); ok {
		if isHeadline(rest) || words <= shortWords {
			return CrossLink, ""
		}
		return Text, rest
	}
	if words > promptWords {
		return Text, ""
	}
	if words <= shortWords {
		norm := normalise(p)
		if labels[norm] {
			return Label, ""
		}
		if k := shortKind(p, norm); k != Text {
			return k, ""
		}
	}
	if (ctx == Scraped || words <= shortPrompt) && isPrompt(p, words > longPrompt) {
		return Prompt, ""
	}
	return Text, ""
}

// normalise lower-cases a short paragraph, folds its whitespace and drops
// decoration around it, for lookup in the label table.
func normalise(p string) string {
	s := strings.ToLower(strings.Join(strings.Fields(p), " "))
	s = strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case ':', '.', '…', '»', '«', '›', '>', '<', '|', '-', '–', '—', '(', ')', '[', ']', '+', '!', '*', '•', '·', '/', '#', '→', '↓', '▶', '►', '"', '\'':
			return true
		}
		return unicode.IsSpace(r)
	})
	return s
}

func countWords(p string, limit int) int {
	n := 0
	in := false
	for _, r := range p {
		if unicode.IsSpace(r) {
			in = false
			continue
		}
		if !in {
			n++
			if n >= limit {
				return n
			}
			in = true
		}
	}
	return n
}

// crossLinkLead reports whether p opens with a cross-link label, and
// returns the text after it.
func crossLinkLead(p string) (rest string, ok bool) {
	s := strings.TrimLeft(p, "([»›>→▶►•-–— ")
	for _, l := range crossLinkLeads {
		if len(s) < len(l) || !strings.EqualFold(s[:len(l)], l) {
			continue
		}
		after := s[len(l):]
		// The label must end at a word boundary.
		if after != "" {
			r, _ := utf8.DecodeRuneInString(after)
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		rest = strings.TrimLeft(after, " :–—-»›>→|.…\u00a0")
		rest = strings.TrimRight(rest, ") ")
		return rest, true
	}
	return "", false
}

// isHeadline reports whether s reads as a headline rather than a
// sentence: short and without a closing full stop.
func isHeadline(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	n := countWords(s, 26)
	if n > 25 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "\"'”’)»"))
	if last == '.' || last == '。' {
		// "Read more: Why the talks failed." is a headline with a
		// stop only when it is very short.
		return n <= 8
	}
	return true
}

// shortKind recognises short furniture by its form: datelines, credits,
// copyright lines, bylines of the "Filed under" kind.
func shortKind(p, norm string) Kind {
	for _, pre := range datelineLeads {
		if strings.HasPrefix(norm, pre) {
			return Dateline
		}
	}
	for _, pre := range creditLeads {
		if strings.HasPrefix(norm, pre) {
			return Credit
		}
	}
	for _, pre := range labelLeads {
		if strings.HasPrefix(norm, pre) {
			return Label
		}
	}
	if strings.HasPrefix(p, "©") || strings.HasPrefix(norm, "copyright") || strings.HasPrefix(norm, "(c) ") {
		return Legal
	}
	for _, s := range legalPhrases {
		if strings.Contains(norm, s) {
			return Legal
		}
	}
	if isCreditLine(p) {
		return Credit
	}
	return Text
}

// isCreditLine recognises agency and photographer credits: a short line
// of names joined by slashes that ends with an agency
// ("Sakib Ali/Hindustan Times/Getty Images"), or a parenthesised credit
// at the end of a caption ("… (Image: GETTY)").
func isCreditLine(p string) bool {
	if i := strings.LastIndexByte(p, '('); i >= 0 && strings.HasSuffix(p, ")") {
		inner := strings.ToLower(p[i+1 : len(p)-1])
		for _, pre := range creditLeads {
			if strings.HasPrefix(inner, pre) {
				return true
			}
		}
	}
	if strings.Count(p, "/") >= 1 && !strings.ContainsAny(p, ".,;:!?") {
		lower := strings.ToLower(p)
		for _, a := range agencies {
			if strings.HasSuffix(lower, a) {
				return true
			}
		}
	}
	return false
}

// Labels reports whether p is nothing but interface labels run together,
// as a scraped page writes a row of buttons: "Not now Yes please",
// "Share Tweet Email".
func Labels(p string) bool {
	words := strings.Fields(normalise(p))
	if len(words) == 0 || len(words) > shortWords {
		return false
	}
	for i := 0; i < len(words); {
		n := 0
		for k := min(6, len(words)-i); k >= 1; k-- {
			if labels[strings.Join(words[i:i+k], " ")] {
				n = k
				break
			}
		}
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}
