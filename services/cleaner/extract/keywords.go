package extract

// A matcher finds which of a fixed set of keywords occur in a string, in
// one pass (Aho–Corasick over a 38-symbol alphabet). Pages carry thousands
// of class and id attributes; a loop of strings.Contains per keyword per
// attribute was the single largest cost of classifying them.
type matcher struct {
	next [][nsym]int32 // goto function, completed into a DFA
	out  []uint32      // bit set of signals of every keyword ending here
}

const (
	nsym     = 39 // a-z, 0-9, separator, other, name boundary
	sep      = 36 // inside a name: '-', '_', a case change, ...
	other    = 37 // non-ASCII
	boundary = 38 // between two names (a space, the '#' before the id) and at the ends
)

// symbol maps a byte of an attribute to the alphabet, ignoring case.
// Every non-alphanumeric byte is a word separator, so "article_body",
// "article-body" and "articleBody" read alike; whitespace and '#'
// separate whole class names.
func symbol(c byte) int {
	switch {
	case 'a' <= c && c <= 'z':
		return int(c - 'a')
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case '0' <= c && c <= '9':
		return 26 + int(c-'0')
	case c >= 0x80:
		return other
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '#':
		return boundary
	}
	return sep
}

// newMatcher builds a matcher for keywords, each mapped to its signals.
// In a keyword, '-' stands for any word boundary and ' ' for the start or
// end of a whole class name: "-nav-" finds "main-nav" and "nav bar",
// " widget" finds "widget_text" but not "elementor-widget".
func newMatcher(keywords map[string]uint32) *matcher {
	m := &matcher{next: make([][nsym]int32, 1), out: make([]uint32, 1)}
	var add func(s int32, kw string, sig uint32)
	add = func(s int32, kw string, sig uint32) {
		for i := 0; i < len(kw); i++ {
			var c int
			switch kw[i] {
			case '-':
				// Either kind of boundary: follow both.
				add(m.step(s, boundary), kw[i+1:], sig)
				c = sep
			case ' ':
				c = boundary
			default:
				c = symbol(kw[i])
			}
			s = m.step(s, c)
		}
		m.out[s] |= sig
	}
	for kw, sig := range keywords {
		add(0, kw, sig)
	}
	// Breadth-first: fail links, and fill missing transitions from them.
	fail := make([]int32, len(m.next))
	queue := make([]int32, 0, len(m.next))
	for c := range nsym {
		if t := m.next[0][c]; t != 0 {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] |= m.out[fail[s]]
		for c := range nsym {
			t := m.next[s][c]
			if t == 0 {
				m.next[s][c] = m.next[fail[s]][c]
				continue
			}
			fail[t] = m.next[fail[s]][c]
			queue = append(queue, t)
		}
	}
	return m
}

// step returns the goto target of s on c, adding a state if needed.
func (m *matcher) step(s int32, c int) int32 {
	if m.next[s][c] == 0 {
		m.next = append(m.next, [nsym]int32{})
		m.out = append(m.out, 0)
		m.next[s][c] = int32(len(m.next) - 1)
	}
	return m.next[s][c]
}

// match returns the union of the signals of every keyword in s. The
// string is read as if surrounded by separators, and a lower-to-upper
// case change ("shareBar") counts as a separator too.
func (m *matcher) match(s []byte) uint32 {
	st := m.next[0][boundary]
	sig := m.out[st]
	var prev byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' && 'a' <= prev && prev <= 'z' {
			st = m.next[st][sep]
			sig |= m.out[st]
		}
		st = m.next[st][symbol(c)]
		sig |= m.out[st]
		prev = c
	}
	st = m.next[st][boundary]
	return sig | m.out[st]
}
