package pubdate

import "time"

// scan reads a human-written date at the start of toks and returns it
// with the tokens after it.
func scan(toks []token) (Date, []token, bool) {
	p := parser{toks: toks}
	var hh, mm, ss int
	hasTime, secs := false, false
	// "10:43, Tue, Nov 19, 2019": the time may come first.
	if h, m, s, sec, ok := p.clock(); ok {
		hh, mm, ss, secs, hasTime = h, m, s, sec, true
		p.skipSeps()
	}
	p.weekday()
	y, mo, d, ok := p.date()
	if !ok {
		return Date{}, nil, false
	}
	var off int
	zoned := false
	if !hasTime {
		save := p.i
		p.skipSeps()
		p.word("at", "um", "à", "a", "às", "alle", "ore", "-")
		if h, m, s, sec, ok := p.clock(); ok {
			hh, mm, ss, secs, hasTime = h, m, s, sec, true
		} else {
			p.i = save
		}
	}
	if hasTime {
		if o, ok := p.zone(); ok {
			off, zoned = o, true
		}
	}
	base := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC)
	if base.Day() != d || int(base.Month()) != mo { // 31 February
		return Date{}, nil, false
	}
	t := base.Add(-time.Duration(off) * time.Second)
	prec := Day
	switch {
	case hasTime && secs:
		prec = Second
	case hasTime:
		prec = Minute
	}
	return Date{Time: t, Precision: prec, Zoned: zoned}, p.toks[p.i:], true
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() (token, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return token{}, false
}

func (p *parser) skipSeps() {
	for p.i < len(p.toks) {
		switch p.toks[p.i].sep {
		case ',', '|', '-', '/', '?', '(', ')', '[', ']', ':':
			p.i++
			continue
		}
		return
	}
}

// sep consumes one separator c if present.
func (p *parser) sep(c byte) bool {
	if t, ok := p.peek(); ok && t.sep == c {
		p.i++
		return true
	}
	return false
}

// word consumes one of the given words if present.
func (p *parser) word(ws ...string) bool {
	t, ok := p.peek()
	if !ok {
		return false
	}
	for _, w := range ws {
		if t.s == w && t.num < 0 && t.sep == 0 || (w == "-" && t.sep == '-') {
			p.i++
			return true
		}
	}
	return false
}

func (p *parser) weekday() {
	if t, ok := p.peek(); ok && t.num < 0 && weekdays[t.s] {
		p.i++
		p.sep('.')
		p.sep(',')
	}
}

func (p *parser) number(maxDigits int) (int, bool) {
	if t, ok := p.peek(); ok && t.num >= 0 && t.size <= maxDigits {
		p.i++
		return t.num, true
	}
	return 0, false
}

func (p *parser) month() (int, bool) {
	if t, ok := p.peek(); ok && t.num < 0 {
		if m, ok := months[t.s]; ok {
			p.i++
			p.sep('.')
			return m, true
		}
	}
	return 0, false
}

func (p *parser) year() (int, bool) {
	if t, ok := p.peek(); ok && t.num >= 0 && t.size == 4 {
		p.i++
		return t.num, true
	}
	return 0, false
}

// date reads the calendar date in one of its written orders.
func (p *parser) date() (y, m, d int, ok bool) {
	start := p.i
	// 11 January 2022 / 11. Januar 2022 / 11 de enero de 2022
	if d, ok := p.number(2); ok {
		p.sep('.')
		p.word("de", "of")
		if m, ok := p.month(); ok {
			p.sep(',')
			p.word("de", "del")
			if y, ok := p.year(); ok && validDay(d) {
				return y, m, d, true
			}
		}
	}
	p.i = start
	// January 11, 2022 / Jan. 11 2022
	if m, ok := p.month(); ok {
		if d, ok := p.number(2); ok {
			p.word("st", "nd", "rd", "th")
			p.sep(',')
			if y, ok := p.year(); ok && validDay(d) {
				return y, m, d, true
			}
		}
	}
	p.i = start
	// 19.11.2019 / 19/11/2019 / 11/19/2019 (only when unambiguous)
	if a, ok := p.number(2); ok {
		if t, ok := p.peek(); ok && (t.sep == '.' || t.sep == '/' || t.sep == '-') {
			sep := t.sep
			p.i++
			if b, ok := p.number(2); ok && p.sep(sep) {
				if y, ok := p.year(); ok {
					switch {
					case sep == '.' && validDay(a) && b >= 1 && b <= 12:
						return y, b, a, true
					case a > 12 && validDay(a) && b >= 1 && b <= 12:
						return y, b, a, true
					case b > 12 && validDay(b) && a >= 1 && a <= 12:
						return y, a, b, true
					}
				}
			}
		}
	}
	p.i = start
	return 0, 0, 0, false
}

func validDay(d int) bool { return d >= 1 && d <= 31 }

// clock reads "19:51", "7:51 pm", "19.51 Uhr", "10:43:12".
func (p *parser) clock() (h, m, s int, secs, ok bool) {
	start := p.i
	h, ok = p.number(2)
	if !ok || !(p.sep(':') || p.sepDotBeforeUhr()) {
		p.i = start
		return 0, 0, 0, false, false
	}
	m, ok = p.number(2)
	if !ok || h > 23 || m > 59 {
		p.i = start
		return 0, 0, 0, false, false
	}
	if p.sep(':') {
		if s, ok = p.number(2); ok && s <= 59 {
			secs = true
		} else {
			p.i = start
			return 0, 0, 0, false, false
		}
	}
	// am/pm, also written a.m. / p.m.
	if t, ok := p.peek(); ok {
		switch t.s {
		case "am", "a":
			p.i++
			p.sep('.')
			p.word("m")
			p.sep('.')
			if h == 12 {
				h = 0
			}
		case "pm", "p":
			p.i++
			p.sep('.')
			p.word("m")
			p.sep('.')
			if h < 12 {
				h += 12
			}
		}
	}
	p.word("uhr", "h", "hrs")
	return h, m, s, secs, true
}

// sepDotBeforeUhr accepts "19.51 Uhr".
func (p *parser) sepDotBeforeUhr() bool {
	if p.i+2 < len(p.toks) && p.toks[p.i].sep == '.' && p.toks[p.i+1].num >= 0 && p.toks[p.i+2].s == "uhr" {
		p.i++
		return true
	}
	return false
}

// zone reads a zone abbreviation or a numeric offset, in seconds east.
func (p *parser) zone() (int, bool) {
	start := p.i
	p.sep('(')
	if t, ok := p.peek(); ok && t.num < 0 && t.sep == 0 {
		if off, ok := zones[t.s]; ok {
			p.i++
			if o, ok := p.offset(); ok && (t.s == "gmt" || t.s == "utc") {
				off = o
			}
			p.sep(')')
			return off, true
		}
	}
	if o, ok := p.offset(); ok {
		return o, true
	}
	p.i = start
	return 0, false
}

// offset reads "+0100", "+01:00", "-5".
func (p *parser) offset() (int, bool) {
	start := p.i
	t, ok := p.peek()
	if !ok || (t.sep != '+' && t.sep != '-') {
		return 0, false
	}
	sign := 1
	if t.sep == '-' {
		sign = -1
	}
	p.i++
	n, ok := p.number(4)
	if !ok {
		p.i = start
		return 0, false
	}
	h, m := n, 0
	if n >= 100 {
		h, m = n/100, n%100
	} else if p.sep(':') {
		if m, ok = p.number(2); !ok {
			p.i = start
			return 0, false
		}
	}
	if h > 14 || m > 59 {
		p.i = start
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}
