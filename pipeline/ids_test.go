package pipeline_test

import (
	"errors"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://Example.COM/a/b", "https://example.com/a/b"},
		{"HTTP://example.com:80/a", "http://example.com/a"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"https://example.com:8443/a", "https://example.com:8443/a"},
		{"https://example.com", "https://example.com/"},
		{"https://example.com/a/../b/./c", "https://example.com/b/c"},
		{"https://example.com/a/", "https://example.com/a/"},
		{"https://example.com/a#comments", "https://example.com/a"},
		{"https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"},
		{"https://example.com/a?b=2&a=1&fbclid=zz&gclid=q", "https://example.com/a?a=1&b=2"},
		{"https://example.com/a?", "https://example.com/a"},
		{"https://user:pw@example.com/a", "https://example.com/a"},
		{"https://example.com./a", "https://example.com/a"},
		{"  https://example.com/a  ", "https://example.com/a"},
		{"http://[::1]:80/x", "http://[::1]/x"},
		{"https://taz.de/!5655255/", "https://taz.de/!5655255/"},
		{"https://example.com/a%2Fb/c", "https://example.com/a%2Fb/c"},
		{"https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"},
		{"https://example.com/café", "https://example.com/caf%C3%A9"},
	}
	for _, tt := range tests {
		got, err := pipeline.CanonicalURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "/relative/path", "ftp://example.com/x", "mailto:a@b.c", "javascript:alert(1)", "https:///nohost", "://x"} {
		if _, err := pipeline.CanonicalURL(bad); !errors.Is(err, pipeline.ErrBadURL) {
			t.Errorf("CanonicalURL(%q) err = %v, want ErrBadURL", bad, err)
		}
	}
}

func TestArticleID(t *testing.T) {
	a := pipeline.ArticleID("https://example.com/a?utm_source=x#frag", "ignored")
	b := pipeline.ArticleID("HTTPS://EXAMPLE.com:443/a", "other text")
	if a != b || len(a) != 16 {
		t.Fatalf("same article, different ids: %q %q", a, b)
	}
	if pipeline.ArticleID("https://example.com/b", "") == a {
		t.Fatal("different articles share an id")
	}
	t1 := pipeline.ArticleID("", "Nato and  Russia\n\nbegan talks.")
	t2 := pipeline.ArticleID("", "nato and russia began talks.")
	if t1 != t2 {
		t.Fatal("text id depends on case or whitespace")
	}
	if pipeline.ArticleID("not a url", "x") != pipeline.ArticleID("", "x") {
		t.Fatal("an unusable URL should fall back to the text")
	}
}

func TestPreferredURL(t *testing.T) {
	tests := []struct{ page, href, want string }{
		{"https://news.example.com/a?utm_source=x", "", "https://news.example.com/a"},
		{"https://m.example.com/a", "https://www.example.com/a", "https://www.example.com/a"},
		{"https://example.com/story?page=2", "/story", "https://example.com/story"},
		{"https://example.com/a", "https://other.org/a", "https://example.com/a"},  // another site
		{"https://example.com/a", "https://example.com/", "https://example.com/a"}, // deep link sent home
		{"https://example.com/", "https://example.com/", "https://example.com/"},
		{"https://example.com/a", "javascript:alert(1)", "https://example.com/a"},
		{"https://example.co.uk/a", "https://news.example.co.uk/a", "https://news.example.co.uk/a"},
		{"https://a.co.uk/x", "https://b.co.uk/x", "https://a.co.uk/x"}, // co.uk is a public suffix
		{"", "https://example.com/a#top", "https://example.com/a"},      // no page URL: the page's word
		{"", "/relative", ""},
		{"not a url", "", ""},
	}
	for _, tt := range tests {
		if got := pipeline.PreferredURL(tt.page, tt.href); got != tt.want {
			t.Errorf("PreferredURL(%q, %q) = %q, want %q", tt.page, tt.href, got, tt.want)
		}
	}
}
