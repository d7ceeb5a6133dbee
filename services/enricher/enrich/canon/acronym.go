package canon

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
)

// functionWords may be skipped or used by an acronym: "Organisation for
// Security and Co-operation in Europe" is OSCE.
var functionWords = map[string]bool{
	"of": true, "for": true, "and": true, "the": true, "in": true, "on": true, "at": true,
	"to": true, "de": true, "du": true, "des": true, "la": true, "le": true, "et": true, "&": true,
}

// acronymOf returns the letters of s when it is written as an acronym
// (two to eight capitals, dots allowed: "OSCE", "U.N."), or "".
func acronymOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '.':
		case unicode.IsUpper(r) && r < utf8.RuneSelf:
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if n := b.Len(); n < 2 || n > 8 {
		return ""
	}
	return b.String()
}

// spells reports whether the words of a name spell acronym by their
// initials (a hyphenated word may give one initial or one per part;
// function words may give theirs or none).
func spells(name, acronym string) bool {
	ws := strings.Fields(name)
	if len(ws) < 2 || functionWords[strings.ToLower(ws[0])] {
		return false
	}
	type state struct{ w, a int }
	memo := map[state]bool{}
	var match func(w, a int) bool
	match = func(w, a int) bool {
		if w == len(ws) {
			return a == len(acronym)
		}
		s := state{w, a}
		if v, ok := memo[s]; ok {
			return v
		}
		word := ws[w]
		ok := false
		if functionWords[strings.ToLower(word)] {
			ok = match(w+1, a)
		}
		if !ok && a < len(acronym) && initial(word) == acronym[a] {
			ok = match(w+1, a+1)
		}
		if !ok && strings.Contains(word, "-") {
			parts := strings.Split(word, "-")
			n := 0
			for _, p := range parts {
				if p != "" && a+n < len(acronym) && initial(p) == acronym[a+n] {
					n++
					continue
				}
				n = -1
				break
			}
			if n > 0 {
				ok = match(w+1, a+n)
			}
		}
		memo[s] = ok
		return ok
	}
	return match(0, 0)
}

func initial(w string) byte {
	r, _ := utf8.DecodeRuneInString(w)
	return byte(unicode.ToUpper(r))
}

// mergeAcronyms joins an acronym to its long form in the same article:
// another entity whose name spells it, or, when the recogniser did not
// take the long form for a name, a run of capitalised words in the text
// that spells it ("OSCE (Organisation for Security and Cooperation in
// Europe)", or the long form anywhere else).
func (res *resolution) mergeAcronyms() {
	for _, a := range res.entities {
		if a.Type == pipeline.Person || len(a.Mentions) == 0 {
			continue
		}
		acr := ""
		for _, m := range a.Mentions {
			if acr = acronymOf(m.Text); acr != "" {
				break
			}
		}
		if acr == "" {
			continue
		}
		merged := false
		for _, l := range res.entities {
			if l == a || l.Type == pipeline.Person || len(l.Mentions) == 0 || a.Known != nil && l.Known != nil {
				continue
			}
			if a.Known != nil && a.Known.Type == pipeline.Location {
				break // a place's abbreviation is the place: "S.D." is South Dakota, not San Diego
			}
			if !l.spells(acr, res.g) {
				continue
			}
			into, from := a, l
			if l.Known != nil || a.Known == nil {
				into, from = l, a // the long form names the entity
			}
			into.absorb(from)
			merged = true
			a = into
			break
		}
		if merged || a.Known != nil {
			continue
		}
		if start, end, ok := res.findLongForm(acr); ok {
			text := res.text[start:end]
			a.Mentions = append(a.Mentions, pipeline.Mention{Start: start, End: end, Text: text})
			a.keys[Key(text)] = true
			// The long form is the name: weigh it above any count of acronyms.
			a.names[strings.Join(strings.Fields(text), " ")] += len(a.Mentions) + 1
		}
	}
}

func (e *Entity) spells(acr string, g *Gazetteer) bool {
	for n := range e.names {
		if spells(n, acr) {
			return true
		}
		// The acronym is of the name proper: "IBM" of "International
		// Business Machines Corp", "GEC" of "General Electric Co Plc",
		// "FDA" of "U.S. Food and Drug Administration".
		for shorter := n; ; {
			i := strings.LastIndexByte(shorter, ' ')
			if i < 0 || !corporateSuffixes[strings.TrimSuffix(Key(shorter[i+1:]), ",")] {
				break
			}
			shorter = strings.TrimSuffix(shorter[:i], ",")
			if spells(shorter, acr) {
				return true
			}
		}
		core := orgCore(n)
		if rest, ok := g.withoutCountry(core); ok && spells(rest, acr) {
			return true
		}
	}
	return false
}

func (e *Entity) absorb(o *Entity) {
	e.Mentions = append(e.Mentions, o.Mentions...)
	for k := range o.keys {
		e.keys[k] = true
	}
	for n, c := range o.names {
		if acronymOf(n) == "" || e.Known != nil {
			e.names[n] += c
		}
	}
	if e.Type == pipeline.Misc && o.Type != pipeline.Misc && o.Type != pipeline.Person {
		e.Type = o.Type // an organisation's name is more specific than "other"
	}
	o.Mentions = nil
}

// findLongForm finds the first run of capitalised words (function words
// allowed inside) spelling acr that overlaps no mention already resolved.
func (res *resolution) findLongForm(acr string) (int, int, bool) {
	text := res.text
	type word struct{ start, end int }
	var run []word
	// A long form has at most one word per letter plus a small word
	// between each two.
	maxWords := 2*len(acr) + 1
	check := func() (int, int, bool) {
		// Every sub-run that starts and ends with a capitalised word.
		for i := range run {
			if !isCapitalised(text[run[i].start:run[i].end]) {
				continue
			}
			for j := min(len(run)-1, i+maxWords-1); j > i; j-- {
				if !isCapitalised(text[run[j].start:run[j].end]) {
					continue
				}
				s, e := run[i].start, run[j].end
				if spells(text[s:e], acr) && !res.overlapsMention(s, e) && !strings.ContainsAny(text[s:e], "\n") {
					return s, e, true
				}
			}
		}
		return 0, 0, false
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			if r != ' ' && r != '&' && len(run) > 0 {
				if s, e, ok := check(); ok {
					return s, e, true
				}
				run = run[:0]
			}
			if r == '&' {
				run = append(run, word{i, i + 1})
			}
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !(unicode.IsLetter(r) || r == '-' || r == '\'' || r == '\u2019') {
				break
			}
			j += size
		}
		w := text[i:j]
		if isCapitalised(w) || functionWords[strings.ToLower(w)] && len(run) > 0 {
			run = append(run, word{i, j})
		} else {
			if s, e, ok := check(); ok {
				return s, e, true
			}
			run = run[:0]
		}
		i = j
	}
	return check()
}

func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func (res *resolution) overlapsMention(s, e int) bool {
	for _, en := range res.entities {
		for _, m := range en.Mentions {
			if m.Start < e && s < m.End {
				return true
			}
		}
	}
	return false
}

// definitions returns the acronyms the text defines in brackets after
// their long form, capitalised or not ("artificial pancreas (AP)"), with
// that long form.
func definitions(text string) map[string]string {
	var out map[string]string
	for off := 0; ; {
		i := strings.IndexByte(text[off:], '(')
		if i < 0 {
			return out
		}
		i += off
		off = i + 1
		j := strings.IndexByte(text[off:], ')')
		if j < 0 || j > 12 {
			continue
		}
		acr := acronymOf(text[off : off+j])
		if acr == "" {
			continue
		}
		ws := strings.Fields(text[max(0, i-200):i])
		for n := len(acr); n <= len(acr)+3 && n <= len(ws); n++ {
			long := strings.Join(ws[len(ws)-n:], " ")
			if spells(long, acr) {
				if out == nil {
					out = map[string]string{}
				}
				out[acr] = long
				break
			}
		}
	}
}

// joinInstrumentCodes joins a Reuters instrument code ("GECL.L", "DSMN.AS":
// a ticker, a dot and the exchange) to the one organisation of the article
// whose acronym starts its ticker ("GEC", "DSM").
func (res *resolution) joinInstrumentCodes() {
	for _, c := range res.entities {
		if c.Known != nil || c.Type == pipeline.Person || len(c.Mentions) == 0 {
			continue
		}
		ticker := ""
		for _, m := range c.Mentions {
			t, ok := instrumentTicker(m.Text)
			if !ok || ticker != "" && t != ticker {
				ticker = ""
				break
			}
			ticker = t
		}
		if ticker == "" {
			continue
		}
		var into *Entity
		for _, e := range res.entities {
			if e == c || e.Type == pipeline.Person || len(e.Mentions) == 0 {
				continue
			}
			for _, m := range e.Mentions {
				if a := acronymOf(m.Text); a != "" && len(a) < len(ticker) && strings.HasPrefix(ticker, a) {
					if into != nil && into != e {
						into = nil
						goto next
					}
					into = e
				}
			}
		}
		if into != nil {
			into.absorb(c)
		}
	next:
	}
}

// instrumentTicker returns the ticker of a Reuters instrument code: two to
// six capitals, a dot, and one or two capitals for the exchange.
func instrumentTicker(s string) (string, bool) {
	t, ex, ok := strings.Cut(s, ".")
	if !ok || len(t) < 2 || len(t) > 6 || len(ex) < 1 || len(ex) > 2 || acronymOf(t) != t || !allUpper(ex) {
		return "", false
	}
	return t, true
}

func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
