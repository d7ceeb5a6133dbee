package fetchersvc

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
)

// What the fetcher publishes decodes, on the raw subject, to the article
// it built: nothing of the feed's metadata is lost on the way.
func TestEnvelopeRoundTrip(t *testing.T) {
	fetched := time.Date(2024, 3, 1, 12, 0, 0, 123, time.UTC)
	published := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	for _, a := range []pipeline.Article{
		{URL: "https://example.com/a", Source: "Example", FetchedAt: &fetched, PublishedAt: &published,
			Title: "A <title> & \"quotes\"", Authors: []string{"Jane Roe", "John Doe"}, Summary: "Short.",
			HTML: "<html><body><p>Body \u2028 with <b>tags</b> & \"quotes\"</p></body></html>"},
		{URL: "https://example.com/b.txt", Text: "Plain text\n\nin two paragraphs."},
		{URL: "https://example.com/c", Source: "Big", BodyRef: &pipeline.BodyRef{Bucket: "newsflow_bodies", Key: "abc", ContentType: "text/html; charset=utf-8", Size: 9 << 20}},
	} {
		a.Schema, a.ID = pipeline.SchemaVersion, pipeline.ArticleID(a.URL, "")
		a.Mark(pipeline.StageFetcher, Version, fetched)
		data, err := pipeline.EncodeArticle(&a)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), `\u003c`) {
			t.Errorf("HTML was escaped: %s", data)
		}
		got, err := pipeline.DecodeRaw(data, nil)
		if err != nil {
			t.Fatalf("DecodeRaw: %v\n%s", err, data)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("round trip\n got  %+v\n want %+v\n%s", got, a, data)
		}
	}
}
