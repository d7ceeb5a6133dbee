package pipeline_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h[kv[i]] = []string{kv[i+1]} // NATS header keys are case-sensitive: set as given
	}
	return h
}

func TestDecodeRaw(t *testing.T) {
	day := func(s string) *time.Time { d, _ := time.Parse(time.DateOnly, s); return &d }
	tests := []struct {
		name    string
		body    string
		header  http.Header
		wantErr error
		check   func(t *testing.T, a pipeline.Article)
	}{
		{
			name: "seed header on its own line",
			body: "date 2022-01-12\nNato and Russia began talks.\n\nSecond paragraph.",
			check: func(t *testing.T, a pipeline.Article) {
				eqTime(t, a.PublishedAt, day("2022-01-12"))
				eq(t, a.Text, "Nato and Russia began talks.\n\nSecond paragraph.")
			},
		},
		{
			name: "seed header run into the body, leading space",
			body: " date 2022-01-10 The US and Russia were locked in talks.",
			check: func(t *testing.T, a pipeline.Article) {
				eqTime(t, a.PublishedAt, day("2022-01-10"))
				eq(t, a.Text, "The US and Russia were locked in talks.")
			},
		},
		{
			name:   "header date wins over seed line",
			body:   "date 2022-01-10\nBody.",
			header: hdr(pipeline.HeaderPublishedAt, "2022-01-11T19:51:00Z"),
			check: func(t *testing.T, a pipeline.Article) {
				want := time.Date(2022, 1, 11, 19, 51, 0, 0, time.UTC)
				eqTime(t, a.PublishedAt, &want)
			},
		},
		{
			name:   "bare text with url and source headers",
			body:   "Plain words about the world.",
			header: hdr(pipeline.HeaderURL, "https://Example.com/a?utm_source=x", pipeline.HeaderSource, "example"),
			check: func(t *testing.T, a pipeline.Article) {
				eq(t, a.URL, "https://example.com/a") // the header's, canonicalised: the article's identity
				eq(t, a.Source, "example")
				eq(t, a.ID, pipeline.ArticleID("https://example.com/a", ""))
			},
		},
		{
			name: "bare html is sniffed and kept as bytes",
			body: "<!DOCTYPE html><html><head><title>T</title></head><body><p>Hi</p></body></html>",
			check: func(t *testing.T, a pipeline.Article) {
				if !strings.HasPrefix(a.HTML, "<!DOCTYPE html>") || a.Text != "" {
					t.Fatalf("html not detected: %+v", a)
				}
			},
		},
		{
			name: "html fragment without doctype",
			body: "  <div class=story><p>One.</p><p>Two.</p></div>",
			check: func(t *testing.T, a pipeline.Article) {
				if a.HTML == "" {
					t.Fatal("fragment not detected as html")
				}
			},
		},
		{
			name:   "content-type forces plain text",
			body:   "<p>is literally in the text</p>",
			header: hdr(pipeline.HeaderContentType, "text/plain"),
			check: func(t *testing.T, a pipeline.Article) {
				eq(t, a.Text, "<p>is literally in the text</p>")
			},
		},
		{
			name:   "content-type charset is decoded",
			body:   "caf\xe9 cr\xe8me",
			header: hdr(pipeline.HeaderContentType, "text/plain; charset=iso-8859-1"),
			check:  func(t *testing.T, a pipeline.Article) { eq(t, a.Text, "café crème") },
		},
		{
			name:  "invalid utf-8 text falls back to windows-1252",
			body:  "\x93Quoted\x94 \x96 dash",
			check: func(t *testing.T, a pipeline.Article) { eq(t, a.Text, "“Quoted” – dash") },
		},
		{
			name: "json envelope",
			body: `{"url":"https://news.example/x#top","html":"<p>x</p>","source":"ex","published_at":"2022-01-11T19:51:00Z","title":"T","authors":["A B"]}`,
			check: func(t *testing.T, a pipeline.Article) {
				eq(t, a.Schema, pipeline.SchemaVersion)
				eq(t, a.HTML, "<p>x</p>")
				eq(t, a.Title, "T")
				eq(t, a.ID, pipeline.ArticleID("https://news.example/x", ""))
				want := time.Date(2022, 1, 11, 19, 51, 0, 0, time.UTC)
				eqTime(t, a.PublishedAt, &want)
			},
		},
		{
			name: "envelope with date-only published_at",
			body: `{"text":"Words.","published_at":"2022-01-10"}`,
			check: func(t *testing.T, a pipeline.Article) {
				eqTime(t, a.PublishedAt, day("2022-01-10"))
			},
		},
		{
			name: "envelope id is derived, not trusted",
			body: `{"id":"mine","text":"Words."}`,
			check: func(t *testing.T, a pipeline.Article) {
				eq(t, a.ID, pipeline.ArticleID("", "words."))
			},
		},
		{name: "empty", body: " \n\t ", wantErr: pipeline.ErrEmpty},
		{name: "bom only", body: "\xef\xbb\xbf", wantErr: pipeline.ErrEmpty},
		{name: "no letters", body: "12345 -- 678", wantErr: pipeline.ErrNoText},
		{name: "nul byte", body: "abc\x00def", wantErr: pipeline.ErrBinary},
		{name: "malformed envelope", body: `{"url": "x", "html": }`, wantErr: pipeline.ErrEnvelope},
		{name: "envelope without body", body: `{"url":"https://a.example/"}`, wantErr: pipeline.ErrEnvelope},
		{name: "envelope bad date", body: `{"text":"x","published_at":"yesterday"}`, wantErr: pipeline.ErrEnvelope},
		{name: "envelope bad url", body: `{"text":"x","url":"ftp://a/b"}`, wantErr: pipeline.ErrBadURL},
		{name: "envelope future schema", body: `{"schema":2,"text":"x"}`, wantErr: pipeline.ErrSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := pipeline.DecodeRaw([]byte(tt.body), tt.header)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !pipeline.IsPermanent(err) {
					t.Fatalf("decode error %v is not permanent", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Schema != pipeline.SchemaVersion || a.ID == "" {
				t.Fatalf("schema/id not set: %+v", a)
			}
			tt.check(t, a)
		})
	}
}

func TestDecodeRawRandomBytesIsBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		b := make([]byte, 64+r.IntN(4096))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		_, err := pipeline.DecodeRaw(b, nil)
		if err == nil || !pipeline.IsPermanent(err) {
			t.Fatalf("random input %d decoded without a permanent error: %v", i, err)
		}
	}
}

func TestDecodeRawSeeds(t *testing.T) {
	want := map[string]string{ // seed 002 is a scraped page with no date line
		"000": "2022-01-12", "001": "2022-01-10", "002": "", "003": "2022-01-12", "004": "2022-01-10",
	}
	for _, path := range shareddata.Seeds(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := pipeline.DecodeRaw(data, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		key := strings.SplitN(path[strings.LastIndex(path, "/")+1:], "_", 2)[0]
		got := ""
		if a.PublishedAt != nil {
			got = a.PublishedAt.Format(time.DateOnly)
		}
		if got != want[key] {
			t.Errorf("seed %s: published_at = %q, want %q", key, got, want[key])
		}
		if strings.HasPrefix(strings.TrimSpace(a.Text), "date ") {
			t.Errorf("seed %s: date line left in text", key)
		}
	}
}

func TestDecodeArticle(t *testing.T) {
	in := pipeline.Article{Schema: pipeline.SchemaVersion, ID: "abc", Text: "t", Entities: []pipeline.Entity{{ID: "e", Name: "Nato", Type: pipeline.Organization, Mentions: []pipeline.Mention{{Start: 0, End: 4, Text: "Nato"}}, Count: 1}}}
	b, err := pipeline.EncodeArticle(&in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pipeline.DecodeArticle(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != "abc" || len(out.Entities) != 1 || out.Entities[0].Mentions[0].End != 4 {
		t.Fatalf("round trip lost data: %+v", out)
	}
	quoted := pipeline.Article{Schema: pipeline.SchemaVersion, ID: "q", Text: "“We differ,” said Mr Ryabkov.",
		Quotes: []pipeline.Quote{{Text: "We differ,", Speaker: "Sergei Ryabkov", SpeakerID: "e1", SpeakerTitle: "deputy foreign minister", Start: 3, End: 13}}}
	b, err = pipeline.EncodeArticle(&quoted)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"speaker_title":"deputy foreign minister"`) {
		t.Errorf("encoding has no speaker_title: %s", b)
	}
	if out, err = pipeline.DecodeArticle(b, nil); err != nil {
		t.Fatal(err)
	}
	if len(out.Quotes) != 1 || out.Quotes[0] != quoted.Quotes[0] {
		t.Errorf("quote round trip: got %+v, want %+v", out.Quotes, quoted.Quotes)
	}
	for _, bad := range []struct {
		body string
		want error
	}{
		{`not json`, pipeline.ErrUndecodable},
		{`{"schema":99,"id":"x"}`, pipeline.ErrSchema},
		{`{"id":"x"}`, pipeline.ErrSchema},
	} {
		if _, err := pipeline.DecodeArticle([]byte(bad.body), nil); !errors.Is(err, bad.want) || !pipeline.IsPermanent(err) {
			t.Errorf("DecodeArticle(%s) = %v, want permanent %v", bad.body, err, bad.want)
		}
	}
}

func eq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func eqTime(t *testing.T, got, want *time.Time) {
	t.Helper()
	if got == nil || !got.Equal(*want) {
		t.Fatalf("time = %v, want %v", got, want)
	}
}

// A date mention's kind and TimeML-style value survive the codec, and a
// plain date's empty kind stays off the wire.
func TestDateMentionRoundTrip(t *testing.T) {
	in := pipeline.Article{Schema: pipeline.SchemaVersion, ID: "d", Text: "Sales are now up on the third quarter.",
		Dates: []pipeline.DateMention{
			{Text: "now", Start: 10, End: 13, Value: "2022-01-10", Kind: "present"},
			{Text: "the third quarter", Start: 20, End: 37, Value: "2021-Q3"},
		}}
	b, err := pipeline.EncodeArticle(&in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(b, []byte(`"kind"`)) != 1 {
		t.Errorf("want one kind on the wire: %s", b)
	}
	out, err := pipeline.DecodeArticle(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Dates) != 2 || out.Dates[0] != in.Dates[0] || out.Dates[1] != in.Dates[1] {
		t.Fatalf("round trip: got %+v, want %+v", out.Dates, in.Dates)
	}
}
