package keywords

// Stem returns the Porter (1980) stem of a lower-case word, as Martin
// Porter's reference implementation computes it, with its two departures
// from the paper (-bli → -ble, -logi → -log). It is the stemmer the
// KPCrowd scorer uses, so two keywords with one stem are one keyword to
// it; Extract uses it to treat "dress" and "dresses" as one concept.
func Stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	p := porter{b: []rune(w)}
	if len(p.b) <= 2 {
		return w
	}
	p.k = len(p.b) - 1
	p.step1ab()
	if p.k > 0 {
		p.step1c()
		p.step2()
		p.step3()
		p.step4()
		p.step5()
	}
	return string(p.b[:p.k+1])
}

type porter struct {
	b    []rune
	k, j int
}

func (p *porter) cons(i int) bool {
	switch p.b[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !p.cons(i-1)
	}
	return true
}

// m counts the vowel-consonant sequences in b[0..j].
func (p *porter) m() int {
	n, i := 0, 0
	for {
		if i > p.j {
			return n
		}
		if !p.cons(i) {
			break
		}
		i++
	}
	i++
	for {
		for {
			if i > p.j {
				return n
			}
			if p.cons(i) {
				break
			}
			i++
		}
		i++
		n++
		for {
			if i > p.j {
				return n
			}
			if !p.cons(i) {
				break
			}
			i++
		}
		i++
	}
}

func (p *porter) vowelInStem() bool {
	for i := 0; i <= p.j; i++ {
		if !p.cons(i) {
			return true
		}
	}
	return false
}

func (p *porter) doubleC(j int) bool {
	return j >= 1 && p.b[j] == p.b[j-1] && p.cons(j)
}

func (p *porter) cvc(i int) bool {
	if i < 2 || !p.cons(i) || p.cons(i-1) || !p.cons(i-2) {
		return false
	}
	switch p.b[i] {
	case 'w', 'x', 'y':
		return false
	}
	return true
}

// ends reports whether b[0..k] ends with the ASCII suffix s, and if so
// sets j before it.
func (p *porter) ends(s string) bool {
	n := len(s)
	if n > p.k+1 || rune(s[n-1]) != p.b[p.k] {
		return false
	}
	for i := range n {
		if p.b[p.k-n+1+i] != rune(s[i]) {
			return false
		}
	}
	p.j = p.k - n
	return true
}

// setTo replaces b[j+1..k] by the ASCII s. What lies beyond k is never
// read again.
func (p *porter) setTo(s string) {
	for i := range len(s) {
		if at := p.j + 1 + i; at < len(p.b) {
			p.b[at] = rune(s[i])
		} else {
			p.b = append(p.b, rune(s[i]))
		}
	}
	p.k = p.j + len(s)
}

func (p *porter) r(s string) {
	if p.m() > 0 {
		p.setTo(s)
	}
}

func (p *porter) step1ab() {
	if p.b[p.k] == 's' {
		switch {
		case p.ends("sses"):
			p.k -= 2
		case p.ends("ies"):
			p.setTo("i")
		case p.b[p.k-1] != 's':
			p.k--
		}
	}
	if p.ends("eed") {
		if p.m() > 0 {
			p.k--
		}
	} else if (p.ends("ed") || p.ends("ing")) && p.vowelInStem() {
		p.k = p.j
		switch {
		case p.ends("at"):
			p.setTo("ate")
		case p.ends("bl"):
			p.setTo("ble")
		case p.ends("iz"):
			p.setTo("ize")
		case p.doubleC(p.k):
			p.k--
			if c := p.b[p.k]; c == 'l' || c == 's' || c == 'z' {
				p.k++
			}
		default:
			if p.m() == 1 && p.cvc(p.k) {
				p.setTo("e")
			}
		}
	}
}

func (p *porter) step1c() {
	if p.ends("y") && p.vowelInStem() {
		p.b[p.k] = 'i'
	}
}

type suffix struct{ from, to string }

var (
	step2Suffixes = map[rune][]suffix{
		'a': {{"ational", "ate"}, {"tional", "tion"}},
		'c': {{"enci", "ence"}, {"anci", "ance"}},
		'e': {{"izer", "ize"}},
		'l': {{"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"}},
		'o': {{"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}},
		's': {{"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"}},
		't': {{"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"}},
		'g': {{"logi", "log"}},
	}
	step3Suffixes = map[rune][]suffix{
		'e': {{"icate", "ic"}, {"ative", ""}, {"alize", "al"}},
		'i': {{"iciti", "ic"}},
		'l': {{"ical", "ic"}, {"ful", ""}},
		's': {{"ness", ""}},
	}
	step4Suffixes = map[rune][]string{
		'a': {"al"}, 'c': {"ance", "ence"}, 'e': {"er"}, 'i': {"ic"}, 'l': {"able", "ible"},
		'n': {"ant", "ement", "ment", "ent"}, 'o': {"ion", "ou"}, 's': {"ism"}, 't': {"ate", "iti"},
		'u': {"ous"}, 'v': {"ive"}, 'z': {"ize"},
	}
)

func (p *porter) step2() {
	for _, s := range step2Suffixes[p.b[p.k-1]] {
		if p.ends(s.from) {
			p.r(s.to)
			return
		}
	}
}

func (p *porter) step3() {
	for _, s := range step3Suffixes[p.b[p.k]] {
		if p.ends(s.from) {
			p.r(s.to)
			return
		}
	}
}

func (p *porter) step4() {
	for _, s := range step4Suffixes[p.b[p.k-1]] {
		if p.ends(s) {
			if s == "ion" && !(p.j >= 0 && (p.b[p.j] == 's' || p.b[p.j] == 't')) {
				continue
			}
			if p.m() > 1 {
				p.k = p.j
			}
			return
		}
	}
}

func (p *porter) step5() {
	p.j = p.k
	if p.b[p.k] == 'e' {
		if a := p.m(); a > 1 || a == 1 && !p.cvc(p.k-1) {
			p.k--
		}
	}
	if p.b[p.k] == 'l' && p.doubleC(p.k) && p.m() > 1 {
		p.k--
	}
}
