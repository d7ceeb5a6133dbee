package clean

import (
	"context"
	"errors"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
)

// fuzzCheck runs the cleaner on in and fails on a panic (which Process
// turns into ErrPanic) or an ill-formed result.
func fuzzCheck(t *testing.T, in pipeline.Article) {
	out, err := New(Options{}).Process(context.Background(), in)
	if errors.Is(err, ErrPanic) {
		t.Fatalf("panic: %v", err)
	}
	if err != nil {
		if !pipeline.IsPermanent(err) && !pipeline.IsOverBudget(err) {
			t.Fatalf("non-permanent error on bad input: %v", err)
		}
		return
	}
	checkWellFormed(t, out.Text)
	if out.Text == "" {
		t.Fatal("empty text without an error")
	}
}

func FuzzCleanHTML(f *testing.F) {
	for _, s := range []string{
		articleHTML,
		"<p>One paragraph of text that is long enough to be an article, with a full stop.</p>",
		"<table><tr><td>a<td>b<tr><td>c</table><ul><li>x<li>y</ul><p>para<div>block</div>",
		"<svg><path d='<p>'/></svg><script>var x='</p>'</script><!-- <p> --><noscript><p>No script.</p></noscript>",
		"<ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby><p hidden>hidden</p><p style='display:none'>x</p>",
		"<meta charset=windows-1251><p>\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0.</p>",
		"\xff\xfe<\x00p\x00>\x00",
		"<div class='" + string(make([]byte, 300)) + "'>x</div>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		fuzzCheck(t, pipeline.Article{Schema: pipeline.SchemaVersion, HTML: page, URL: "https://example.com/a/b"})
	})
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"Nato and Russia began tense negotiations on Wednesday.\n\nRead more Russia rules out concessions\n\nThe talks ended.",
		".a{b:c}.d{e:f;g:h;i:j}\nStay up to date with notifications\nNot now Yes please\nNews World Europe Headline words here The standfirst follows here\nJane Doe Political Editor\nTuesday 11 January 2022 19:51 GMT\nopen image in gallery\nA caption (AFP/Getty) Your support helps us. Read more The first paragraph of the story is long enough to count as prose here.",
		"short\r\nlines\rwrapped at\r\n\r\nodd places",
		"\u00a0\u200b\ufeff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fuzzCheck(t, pipeline.Article{Schema: pipeline.SchemaVersion, Text: text})
	})
}
