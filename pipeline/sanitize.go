package pipeline

import "strings"

// checkArticleURL is the one rule for an article URL given by a publisher,
// in an envelope's url or a bare body's Newsflow-Url header: empty, or an
// absolute http or https URL (CanonicalURL's rule). Anything else —
// javascript:, file:, data:, a relative path — would be stored and served
// as a link.
func checkArticleURL(u string) error {
	if u == "" {
		return nil
	}
	_, err := CanonicalURL(u)
	return err
}

// StripControls returns s without C0 and C1 control characters (NUL,
// escape, DEL, U+0080–U+009F), which no article text contains and which
// break tokenisers and terminals downstream. Tab, newline and carriage
// return are kept; form feed and vertical tab become newlines. s is
// returned as it is, without copying, when it has none.
func StripControls(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if isControlByte(s, i) {
			break
		}
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\f' || c == '\v':
			b.WriteByte('\n')
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f: // U+0080–U+009F
			i++
		case isControlByte(s, i):
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// isControlByte reports whether s[i] starts a control character StripControls removes or rewrites.
func isControlByte(s string, i int) bool {
	c := s[i]
	switch {
	case c < 0x20:
		return c != '\t' && c != '\n' && c != '\r'
	case c == 0x7f:
		return true
	case c == 0xc2:
		return i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f
	}
	return false
}

// stripArticleControls applies StripControls to an article's text fields
// from a publisher. HTML is left to the cleaner's parser, which replaces
// NUL as HTML5 requires.
func stripArticleControls(a *Article) {
	a.Text = StripControls(a.Text)
	a.Title = StripControls(a.Title)
	a.Summary = StripControls(a.Summary)
	a.SiteName = StripControls(a.SiteName)
	a.Source = StripControls(a.Source)
	for i, au := range a.Authors {
		a.Authors[i] = StripControls(au)
	}
}
