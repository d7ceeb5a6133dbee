package extract

import "testing"

func TestMatcher(t *testing.T) {
	m := newMatcher(map[string]uint32{
		"comment": 1, "-nav-": 2, " widget": 4, "-ad-": 8, "-article-body": 16,
	})
	for _, tc := range []struct {
		in   string
		want uint32
	}{
		{"", 0},
		{"post-comments", 1},
		{"commentList", 1},
		{"main-nav", 2},
		{"nav", 2},
		{"navigation", 0},
		{"canvas", 0},
		{"site nav-bar", 2},
		{"widget_text widget", 4},
		{"elementor-widget", 0},
		{"x#widget-area", 4}, // the id is a name of its own
		{"ad", 8},
		{"ad-slot", 8},
		{"adSlot", 8}, // a case change separates words
		{"head read load", 0},
		{"articleBody", 16},
		{"Article_Body__text", 16},
		{"the-article-body comment", 17},
		{"ARTICLE-BODY", 16},
		{"über-nav", 2},
	} {
		if got := m.match([]byte(tc.in)); got != tc.want {
			t.Errorf("match(%q) = %b, want %b", tc.in, got, tc.want)
		}
	}
}
