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
