package pipeline_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
)

// The header path and the envelope path accept and refuse the same URLs.
func TestHeaderURLIsCheckedLikeEnvelopeURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://news.example/2024/05/council-vote", true},
		{"http://news.example/a?id=3", true},
		{"javascript:alert(document.cookie)", false},
		{"file:///etc/passwd", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"ftp://news.example/a", false},
		{"/relative/path", false},
		{"JavaScript:alert(1)", false},
	} {
		body := "The council voted on Tuesday to close the library."
		_, headerErr := pipeline.DecodeRaw([]byte(body), http.Header{pipeline.HeaderURL: {tc.url}})
		env, _ := json.Marshal(map[string]string{"url": tc.url, "text": body})
		_, envelopeErr := pipeline.DecodeRaw(env, nil)
		for path, err := range map[string]error{"header": headerErr, "envelope": envelopeErr} {
			switch {
			case tc.ok && err != nil:
				t.Errorf("%s %q: %v, want accepted", path, tc.url, err)
			case !tc.ok && (!errors.Is(err, pipeline.ErrBadURL) || !pipeline.IsPermanent(err)):
				t.Errorf("%s %q: got %v, want a permanent ErrBadURL", path, tc.url, err)
			}
		}
	}
}

func TestControlCharactersAreStripped(t *testing.T) {
	envelope := `{"url":"https://news.example/a","title":"Mayor\u0000 resigns","authors":["Ann\u001b[31m Lee"],` +
		`"text":"Mayor Jane\u0000 Smith resigned on Monday.\fShe had led the city since 2019.\u0085"}`
	a, err := pipeline.DecodeRaw([]byte(envelope), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Mayor Jane Smith resigned on Monday.\nShe had led the city since 2019."; a.Text != want {
		t.Errorf("text = %q, want %q", a.Text, want)
	}
	if a.Title != "Mayor resigns" || a.Authors[0] != "Ann[31m Lee" {
		t.Errorf("title %q, authors %q", a.Title, a.Authors)
	}
	if a.ID != pipeline.ArticleID("https://news.example/a", a.Text) {
		t.Error("id not derived from the stripped text")
	}

	// A bare body's NUL past the first 8 KB (which binary sniffing reads).
	body := strings.Repeat("The river rose overnight. ", 400) + "Residents\x00 left."
	a, err = pipeline.DecodeRaw([]byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(a.Text, 0) || !strings.HasSuffix(a.Text, "Residents left.") {
		t.Errorf("text ends %q", a.Text[len(a.Text)-30:])
	}

	if _, err := pipeline.DecodeRaw([]byte(`{"text":"\u0000\u0000\u0001"}`), nil); !errors.Is(err, pipeline.ErrEnvelope) {
		t.Errorf("envelope with only control characters: %v, want ErrEnvelope", err)
	}
}

func TestStripControlsKeepsCleanTextAsIs(t *testing.T) {
	for _, s := range []string{"", "plain", "tab\tand\nnewline\r\n", "naïve café – “quoted” 東京 ١٢٣"} {
		if got := pipeline.StripControls(s); got != s {
			t.Errorf("StripControls(%q) = %q", s, got)
		}
	}
}
