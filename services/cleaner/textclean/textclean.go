// Package textclean cleans plain text that may be a scraped page: the
// visible text of an article page copied with everything around it —
// style sheets, notification and cookie banners, newsletter, donation
// and registration appeals, share and comment prompts, "Read more"
// cross-links, gallery markers, footers — and recovers the headline,
// byline and dateline from the page header it starts with.
//
// Text that is already clean passes through with every sentence: only
// whitespace is normalised. The rules are those of package furniture, applied
// line by line and, where a scraped page glued two things onto one line
// (a caption and an appeal, an appeal and the first paragraph), to the
// parts of the line.
package textclean

import (
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/newsflow/newsflow/services/cleaner/furniture"
	"github.com/newsflow/newsflow/services/cleaner/pubdate"
)

// Result is the article found in a text.
type Result struct {
	// Text is the body: paragraphs separated by one blank line, NFC.
	Text string
	// Title, Authors and Published come from a page header at the start
	// of the text; they are empty when there is none.
	Title     string
	Authors   []string
	Published pubdate.Date
}

// ErrBudget reports that cleaning ran past its deadline.
var ErrBudget = errors.New("text cleaning ran past its time budget")

// Clean returns the article in text. A zero deadline means none.
func Clean(text string, deadline time.Time) (Result, error) {
	units := paragraphs(normalise(text))
	var kept []unit
	for i, u := range units {
		if i%64 == 63 && !deadline.IsZero() && time.Now().After(deadline) {
			return Result{}, ErrBudget
		}
		if isCode(u) {
			u = afterCode(u)
			if u == "" {
				continue
			}
		}
		for _, seg := range segments(u) {
			switch k := furniture.Classify(seg, furniture.Scraped); {
			case k == furniture.Dateline:
				// Kept for the header to read; dropped after.
				kept = append(kept, unit{seg, true})
			case k == furniture.Text && !furniture.Labels(seg):
				kept = append(kept, unit{seg, false})
			}
		}
	}
	var r Result
	var out []string
	for _, u := range r.header(kept) {
		if !u.dateline {
			out = append(out, u.text)
		}
	}
	r.Text = norm.NFC.String(strings.Join(out, "\n\n"))
	return r, nil
}

// unit is a line, or part of one, that survived the boilerplate rules;
// datelines survive only for the header to read them.
type unit struct {
	text     string
	dateline bool
}

// normalise folds line endings, drops invisible characters and collapses
// horizontal whitespace, keeping the line structure.
func normalise(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '\r', '\n':
				b.WriteByte('\n')
				space = false
				continue
			case ' ', '\t', '\f', '\v':
				space = true
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\u00ad' || r == '\u200b' || r == '\u2060' || r == '\ufeff' || r == utf8.RuneError:
			continue
		case r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
			space = false
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(s[i-n : i])
	}
	return b.String()
}

// paragraphs splits text into units: every non-empty line — except in
// hard-wrapped text (an e-mail, a text file at 72 columns), where a line
// wrapped onto the next (no closing punctuation, the next line
// continuing in lower case) is joined to it.
func paragraphs(s string) []string {
	wrapped := hardWrapped(s)
	var out []string
	var cur strings.Builder
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	prevBlank := true
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			prevBlank = true
			continue
		}
		if wrapped && !prevBlank && cur.Len() > 0 && continues(cur.String(), line) {
			cur.WriteByte(' ')
			cur.WriteString(line)
			continue
		}
		flush()
		cur.WriteString(line)
		prevBlank = false
	}
	flush()
	return out
}

// hardWrapped reports whether most lines of s were broken at a fixed
// width: no line is much longer than 100 bytes and most are 40 or more.
func hardWrapped(s string) bool {
	lines, long := 0, 0
	for line := range strings.SplitSeq(s, "\n") {
		n := len(strings.TrimSpace(line))
		switch {
		case n == 0:
			continue
		case n > 110:
			return false
		case n >= 40:
			long++
		}
		lines++
	}
	return lines >= 3 && long*10 >= lines*6
}

// continues reports whether next is the wrapped continuation of prev.
func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(first) && !strings.ContainsRune(".!?:;…\"”’)", last)
}

// isCode recognises a style sheet or script pasted into the text: braces
// and semicolons at a density prose never has.
func isCode(s string) bool {
	braces := strings.Count(s, "{") + strings.Count(s, "}")
	if braces < 2 {
		return false
	}
	semis := strings.Count(s, ";")
	return braces+semis >= 6 && (braces+semis)*40 >= len(s)
}

// afterCode returns the prose glued after a code blob on the same line,
// if any.
func afterCode(s string) string {
	i := strings.LastIndexAny(s, "};")
	rest := strings.TrimSpace(s[i+1:])
	if len(strings.Fields(rest)) >= 5 && !isCode(rest) {
		return rest
	}
	return ""
}

// segments splits a unit where a scraped page glued two things together:
// after a credit closing a caption ("… (AFP/Getty) Your support …") and
// before a cross-link label that follows a sentence ("… difference. Read
// more The first round …"). A cross-link label in front of a sentence is
// dropped, the sentence kept.
func segments(u string) []string {
	var out []string
	for _, part := range splitAfterCredits(u) {
		for _, p := range splitBeforeLeads(part) {
			if p = strings.TrimSpace(furniture.StripLead(p)); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// splitAfterCredits splits after a parenthesised credit — a few
// capitalised words or a slashed agency list — followed by a new
// capitalised sentence.
func splitAfterCredits(u string) []string {
	var out []string
	start := 0
	for i := 0; i < len(u); i++ {
		if u[i] != ')' || i+2 >= len(u) || u[i+1] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(u[i+2:])
		if !unicode.IsUpper(next) {
			continue
		}
		open := strings.LastIndexByte(u[start:i], '(')
		if open < 0 || !isCredit(u[start+open+1:i]) || len(strings.Fields(u[start:start+open])) < 3 {
			continue
		}
		out = append(out, strings.TrimSpace(u[start:i+1]))
		start = i + 2
	}
	return append(out, strings.TrimSpace(u[start:]))
}

// isCredit: "AFP/Getty", "Ukrainian Presidential Press", "Reuters".
func isCredit(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 6 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// midLeads are cross-link labels a scraped page glues after a sentence.
var midLeads = []string{"Read more", "Read More", "READ MORE", "Read also", "Read next", "See also", "Related:", "Lesen Sie auch", "Mehr zum Thema", "Leggi anche", "Lire aussi", "Lee también", "Leia também"}

// splitBeforeLeads splits before a cross-link label that follows the end
// of a sentence and precedes a capitalised word.
func splitBeforeLeads(u string) []string {
	var out []string
	start := 0
	for i := 2; i < len(u); i++ {
		if u[i-1] != ' ' || !strings.ContainsRune(".!?”\"", rune(u[i-2])) {
			continue
		}
		for _, l := range midLeads {
			if !strings.HasPrefix(u[i:], l) {
				continue
			}
			after := strings.TrimLeft(u[i+len(l):], " :")
			if r, _ := utf8.DecodeRuneInString(after); after != "" && !unicode.IsUpper(r) {
				continue
			}
			out = append(out, strings.TrimSpace(u[start:i]))
			start = i
			break
		}
	}
	return append(out, strings.TrimSpace(u[start:]))
}
