package extract

// A matcher finds which of a fixed set of keywords occur in a string, in
// one pass (Aho–Corasick over a 38-symbol alphabet). Pages carry thousands
// of class and id attributes; a loop of strings.Contains per keyword per
// attribute was the single largest cost of classifying them.
type matcher struct {
	next  [][nsym]int32 // goto function, completed into a DFA
	out   []uint32      // bit set of signals of every keyword ending here
	depth []int32
}

const (
	nsym = 38 // a-z, 0-9, separator, other
	sep  = 36
)

// symbol maps a byte of a lowercased attribute to the alphabet. Every
// non-alphanumeric byte is a word separator, so "article_body",
// "article-body" and "article body" read alike.
func symbol(c byte) int {
	switch {
	case 'a' <= c && c <= 'z':
		return int(c - 'a')
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case '0' <= c && c <= '9':
		return 26 + int(c-'0')
	case c >= 0x80:
		return 37
	}
	return sep
}

// newMatcher builds a matcher for keywords, each mapped to its signals.
// In a keyword, '-' stands for a word boundary.
func newMatcher(keywords map[string]uint32) *matcher {
	m := &matcher{next: make([][nsym]int32, 1), out: make([]uint32, 1), depth: make([]int32, 1)}
	for kw, sig := range keywords {
		s := int32(0)
		for i := 0; i < len(kw); i++ {
			c := symbol(kw[i])
			if m.next[s][c] == 0 {
				m.next = append(m.next, [nsym]int32{})
				m.out = append(m.out, 0)
				m.depth = append(m.depth, m.depth[s]+1)
				m.next[s][c] = int32(len(m.next) - 1)
			}
			s = m.next[s][c]
		}
		m.out[s] |= sig
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

// match returns the union of the signals of every keyword in s. The
// string is read as if surrounded by separators, and a lower-to-upper
// case change ("shareBar") counts as a separator too.
func (m *matcher) match(s []byte) uint32 {
	st := m.next[0][sep]
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
	st = m.next[st][sep]
	return sig | m.out[st]
}
