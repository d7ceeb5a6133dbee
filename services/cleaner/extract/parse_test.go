package extract

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func blockTexts(t *testing.T, page string) []string {
	t.Helper()
	d, err := parse(page, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range d.blocks {
		out = append(out, string(d.text[b.start:b.end]))
	}
	return out
}

func TestParseBlocks(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"<p>a<p>b", []string{"a", "b"}},
		{"<div>intro <p>para</p> tail</div>", []string{"intro", "para", "tail"}},
		{"<ul><li>x<li>y</ul>", []string{"x", "y"}},
		{"<dl><dt>term<dd>definition</dl>", []string{"term", "definition"}},
		{"<p>foo<b>bar</b> baz <a href=/>link</a>.</p>", []string{"foobar baz link."}},
		{"<p>a<br>b<br/>c</p>", []string{"a", "b", "c"}},
		{"<table><tr><td>a<td>b<tr><td>c</table>", []string{"a", "b", "c"}},
		{"<script>var x = '<p>no</p>'</script><style>p{}</style><p>t</p>", []string{"t"}},
		{"<p>漢<ruby>字<rt>じ</rt></ruby>です</p>", []string{"漢字です"}},
		{"<p hidden>h</p><p style='color:red; display : none'>n</p><p aria-hidden=true>a</p><p>v</p>", []string{"v"}},
		{"<noscript><p>shown without scripts</p></noscript>", []string{"shown without scripts"}},
		{"<p>a &amp; b&nbsp;c&#8217;s</p>", []string{"a & b c’s"}},
		{"<p>Bundes\u00adtag and zero\u200bwidth</p>", []string{"Bundestag and zerowidth"}},
		{"<pre>line one\n\n  line two</pre>", []string{"line one\nline two"}},
		{"<head><title>T</title><p>body text before body</p>", []string{"body text before body"}},
		{"<svg><text>icon</text><path/></svg><p>after svg</p>", []string{"after svg"}},
		{"<p>unclosed <span>inline<div>block</div> rest", []string{"unclosed inline", "block", "rest"}},
		{"<my-widget>custom element</my-widget><p>p</p>", []string{"custom element", "p"}},
		{"<a title='x>y' href=/>quoted &gt; in attribute</a>", []string{"quoted > in attribute"}},
	} {
		if got := blockTexts(t, tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseDeepNesting(t *testing.T) {
	page := strings.Repeat("<div>", 100000) + "<p>deep text</p>" + strings.Repeat("</div>", 100000)
	if got := blockTexts(t, page); !slices.Equal(got, []string{"deep text"}) {
		t.Fatalf("got %q", got)
	}
}

func TestPrefilter(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a<!-- c -->b", "ab"},
		{"a<!-->b<!--->c", "abc"},
		{"a<!-- x --!>b", "ab"},
		{"a<!--- y !--->b", "ab"},
		{"<script>if (a<b) { x = '</div>' }</script>t", "<script></script>t"},
		{"<SCRIPT src=x></SCRIPT >t", "<script></script>t"},
		{`<script type="application/ld+json">{"a":1}</script>`, `<script type="application/ld+json">{"a":1}</script>`},
		{"<style>p{}</style><svg><g><path d='M0'/></g></svg>t", "<style></style><svg></svg>t"},
		{`<a title="<script>">x</a><p>y</p>`, `<a>x</a><p>y</p>`},
		// Attributes nothing reads are dropped; the others kept as written.
		{`<img src="a.jpg" srcset="a 1x, b 2x" alt='A > B'>`, `<img>`},
		{`<div data-x="1" class='a b' ID=main onclick="f()">`, `<div class='a b' ID=main>`},
		{`<a href="/x?a=1&amp;b=2" target=_blank>`, `<a href="/x?a=1&amp;b=2">`},
		{`<br data-x="1"/>`, `<br/>`},
		{`<a href=x/ data-y=z>`, `<a href=x/>`},
		{`<meta property="og:title" content="T" data-z>`, `<meta property="og:title" content="T">`},
		{`<p hidden data-q>`, `<p hidden>`},
		{"<title>A <script> in a title</title>t", "<title>A <script> in a title</title>t"},
		{"<p>t</p><script>never closed", "<p>t</p>"},
		{"no markup at all", "no markup at all"},
	} {
		if got := prefilter(tc.in); got != tc.want {
			t.Errorf("prefilter(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzPrefilter(f *testing.F) {
	f.Add("<script>x</script><!-- c --><p>t</p>")
	f.Fuzz(func(t *testing.T, s string) {
		out := prefilter(s)
		if len(out) > len(s)+len("<script></script>")*strings.Count(strings.ToLower(s), "<s") {
			t.Fatalf("prefilter grew %q to %q", s, out)
		}
	})
}

func TestPrefilterMalformedQuotes(t *testing.T) {
	in := `<p><img src=a.png height="63""></a>text after</p><script>x</script>`
	if got, want := prefilter(in), `<p><img></a>text after</p><script></script>`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := blockTexts(t, in); !slices.Equal(got, []string{"text after"}) {
		t.Fatalf("blocks %q", got)
	}
}

// FuzzPrefilterEquivalence: the prefilter only removes what the builder
// would ignore, so the text blocks are the same with and without it.
func FuzzPrefilterEquivalence(f *testing.F) {
	for _, s := range []string{
		"<p>a<script>b</script>c</p><!-- d --><p>e</p>",
		"<div class=x data-y='<p>'>t</div><svg><p>s</p></svg>",
		"<img src=a height=\"1\"\"><p>q</p>",
		"<title>x</title><style>y</style><p>z",
		"<a href=x/ data=y>l</a><br/>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		with, _ := build(prefilter(s), time.Time{}, false)
		without, _ := build(s, time.Time{}, false)
		if !slices.Equal(texts(with), texts(without)) {
			t.Fatalf("%q: with prefilter %q, without %q", s, texts(with), texts(without))
		}
	})
}

func texts(d *document) []string {
	var out []string
	for _, b := range d.blocks {
		out = append(out, string(d.text[b.start:b.end]))
	}
	return out
}
