// Package furniture recognises page furniture by its words: a paragraph or a
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
package furniture

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline/boilerplate"
	"github.com/newsflow/newsflow/services/cleaner/pubdate"
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
		if labels[norm] || isCounter(norm) || isContact(norm) || isReadingTime(norm) {
			return Label, ""
		}
		for _, s := range shortPhrases {
			if strings.Contains(norm, s) {
				return CrossLink, ""
			}
		}
		if strings.ContainsAny(p, "0123456789") {
			if _, ok := pubdate.Parse(p); ok || isClock(norm) {
				return Dateline, "" // a date or a time and nothing else
			}
		}
		if k := shortKind(p, norm); k != Text {
			return k, ""
		}
	}
	if words <= creditWords {
		if k := creditKind(p, ctx); k != Text {
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
		case ':', '.', '…', '»', '«', '›', '>', '<', '|', '-', '–', '—', '(', ')', '[', ']', '+', '!', '?', '*', '•', '·', '/', '#', '→', '↓', '▶', '►', '"', '\'':
			return true
		}
		return unicode.IsSpace(r)
	})
	return s
}

// trimDecoration drops the bullets, arrows and brackets a cross-link
// label may be decorated with.
func trimDecoration(p string) string {
	for p != "" {
		r, n := utf8.DecodeRuneInString(p)
		switch r {
		case '(', '[', '»', '›', '>', '→', '▶', '►', '•', '-', '–', '—', ' ':
			p = p[n:]
			continue
		}
		return p
	}
	return p
}

func countWords(p string, limit int) int {
	n := 0
	in := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < utf8.RuneSelf {
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
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
			continue
		}
		r, size := utf8.DecodeRuneInString(p[i:])
		i += size - 1
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
	s := trimDecoration(p)
	if s == "" {
		return "", false
	}
	// Compare against the leads that start with the same letter only.
	first := s[0] | 0x20
	for _, l := range leadsByFirst[first] {
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

// Lead tables indexed by their first byte, lower-cased, so a paragraph
// is compared only with the leads that start like it.
var (
	leadsByFirst         = byFirst(crossLinkLeads)
	datelineLeadsByFirst = byFirst(datelineLeads)
	agencySet            = boilerplate.Set(agencies)
)

func byFirst(leads []string) map[byte][]string {
	m := map[byte][]string{}
	for _, l := range leads {
		m[l[0]|0x20] = append(m[l[0]|0x20], l)
	}
	return m
}

// hasLead reports whether lower starts with one of the indexed leads.
func hasLead(lower string, idx map[byte][]string) bool {
	if lower == "" {
		return false
	}
	for _, l := range idx[lower[0]|0x20] {
		if strings.HasPrefix(lower, l) {
			return true
		}
	}
	return false
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

// creditWords is the length up to which a paragraph is checked for the
// forms of credits and stamps that may run long: captions closed by a
// credit, "Reporting by …" lines, publication stamps with several dates.
const creditWords = 40

// creditKind recognises credits and stamps of up to creditWords words.
// A caption closed by its credit is furniture of an HTML article; in
// scraped text, where a caption cannot be told from the story's own
// sentences with certainty, it is kept.
func creditKind(p string, ctx Context) Kind {
	lower := strings.ToLower(p)
	if hasLead(lower, datelineLeadsByFirst) {
		if _, ok := pubdate.Find(p); ok {
			return Dateline
		}
	}
	if strings.Contains(lower, "by ") || strings.Contains(lower, "contribut") || strings.Contains(lower, "mit") {
		for _, s := range contributionPhrases {
			if strings.Contains(lower, s) {
				return Credit
			}
		}
	}
	if strings.HasPrefix(p, "©") || strings.Contains(lower, "photos ©") || strings.Contains(lower, "photo ©") {
		return Credit
	}
	if ctx == InArticle && endsWithCredit(p) {
		return Credit
	}
	if ctx == InArticle && countWords(p, 26) <= 25 {
		// A caption signed at its end: "… aus der Schweiz. © AFP / NAME".
		if i := strings.LastIndex(p, "©"); i >= 0 && len(p)-i <= 60 {
			return Credit
		}
	}
	if countWords(p, 9) <= 8 {
		// "24. März 2004, 19:49 | Genesis": a date and a name.
		if before, _, ok := strings.Cut(p, " | "); ok {
			if _, ok := pubdate.Parse(before); ok {
				return Dateline
			}
		}
	}
	return Text
}

// contributionPhrases credit a report's contributors, wire-style.
var contributionPhrases = []string{
	"contributed reporting", "contributed to this report", "additional reporting by", "reporting by ",
	"editing by ", "writing by ", "compiled by ", "mitarbeit:", "mit material von",
}

// endsWithCredit: a caption closed by its credit — "(Image: GETTY)",
// "(NASA/JPL-Caltech/ASU)", "… easy.Kathrin Ziegler/Getty", "… New
// York.Reuters".
func endsWithCredit(p string) bool {
	p = strings.TrimSpace(p)
	if strings.HasSuffix(p, ")") {
		if i := strings.LastIndexByte(p, '('); i >= 0 {
			inner := strings.TrimSpace(p[i+1 : len(p)-1])
			lower := strings.ToLower(inner)
			for _, pre := range creditLeads {
				if strings.HasPrefix(lower, pre) {
					return true
				}
			}
			if strings.Contains(inner, "/") && capitalisedWords(inner) {
				return true
			}
			for _, part := range strings.Split(lower, "/") {
				if agencySet[strings.TrimSpace(part)] {
					return true // "(mlharing / iStock.com)", "(Reuters)"
				}
			}
		}
	}
	// Glued to the caption's last full stop, or after a slash: only the
	// text after the last '.' or '/' can be the agency.
	cut := strings.LastIndexAny(p, "./")
	if cut < 0 || cut == len(p)-1 {
		return false
	}
	tail := strings.ToLower(p[cut+1:])
	return len(tail) >= 3 && agencySet[tail]
}

func capitalisedWords(s string) bool {
	for _, w := range strings.Fields(strings.ReplaceAll(s, "/", " ")) {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// isReadingTime: "4 min read", "3 Min. Lesezeit".
func isReadingTime(norm string) bool {
	f := strings.Fields(norm)
	if len(f) < 2 || len(f) > 4 || !isNumber(f[0]) {
		return false
	}
	rest := strings.Join(f[1:], " ")
	for _, s := range []string{"min read", "minute read", "minutes read", "min. lesezeit", "min lesezeit", "minuten lesezeit", "min de lecture", "min de lectura", "min. lesedauer"} {
		if rest == s {
			return true
		}
	}
	return false
}

// isClock: "19:49", "7:05 pm".
func isClock(norm string) bool {
	f := strings.Fields(norm)
	if len(f) == 0 || len(f) > 2 || (len(f) == 2 && f[1] != "am" && f[1] != "pm" && f[1] != "uhr") {
		return false
	}
	h, m, ok := strings.Cut(f[0], ":")
	return ok && isNumber(h) && isNumber(m) && len(h) <= 2 && len(m) == 2
}

// isCounter: a gallery position, "1 of 6", "3/12".
func isCounter(norm string) bool {
	f := strings.Fields(norm)
	switch {
	case len(f) == 3 && (f[1] == "of" || f[1] == "von" || f[1] == "de" || f[1] == "di"):
		return isNumber(f[0]) && isNumber(f[2])
	case len(f) == 1:
		a, b, ok := strings.Cut(f[0], "/")
		return ok && isNumber(a) && isNumber(b)
	}
	return false
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isContact: a paragraph that is only an e-mail address or a social
// media handle.
func isContact(norm string) bool {
	if strings.ContainsAny(norm, " \t") {
		return false
	}
	at := strings.IndexByte(norm, '@')
	if at > 0 && strings.Contains(norm[at:], ".") {
		return true // e-mail address
	}
	for _, h := range []string{"twitter.com/", "x.com/", "instagram.com/", "facebook.com/"} {
		if strings.HasPrefix(strings.TrimPrefix(strings.TrimPrefix(norm, "https://"), "www."), h) {
			return true
		}
	}
	return false
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
	lower := strings.ToLower(p)
	if !strings.ContainsAny(p, ",;:!?") {
		// "Sakib Ali/Hindustan Times/Getty Images", "AFP / MARCO
		// BERTORELLO", "iStock.com": a name list with an agency in it.
		for _, part := range strings.Split(lower, "/") {
			part = strings.TrimSpace(part)
			for _, a := range agencies {
				if part == a {
					return true
				}
			}
		}
		if strings.Contains(p, "/") {
			for _, a := range agencies {
				if strings.HasSuffix(lower, a) {
					return true
				}
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
