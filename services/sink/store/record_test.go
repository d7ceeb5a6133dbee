package store

import (
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
)

func TestArticleTime(t *testing.T) {
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	now := *at("2026-01-01T00:00:00Z")
	marks := []pipeline.StageMark{{Stage: "cleaner", At: *at("2022-01-12T10:05:00Z")}, {Stage: "enricher", At: *at("2022-01-12T10:06:00Z")}}
	for _, c := range []struct {
		name string
		a    pipeline.Article
		want string
	}{
		{"published", pipeline.Article{PublishedAt: at("2022-01-12T08:00:00+01:00"), FetchedAt: at("2022-01-12T10:00:00Z")}, "2022-01-12T07:00:00Z"},
		{"fetched", pipeline.Article{FetchedAt: at("2022-01-12T10:00:00Z"), Stages: marks}, "2022-01-12T10:00:00Z"},
		{"first stage", pipeline.Article{Stages: marks}, "2022-01-12T10:05:00Z"},
		{"nothing", pipeline.Article{}, "2026-01-01T00:00:00Z"},
		{"time zone slack", pipeline.Article{PublishedAt: at("2022-01-12T20:00:00Z"), Stages: marks}, "2022-01-12T20:00:00Z"},
		{"published in the future", pipeline.Article{PublishedAt: at("2099-01-01T00:00:00Z"), FetchedAt: at("2022-01-12T10:00:00Z")}, "2022-01-12T10:00:00Z"},
		{"no other time to doubt it", pipeline.Article{PublishedAt: at("2099-01-01T00:00:00Z")}, "2099-01-01T00:00:00Z"},
	} {
		if got := ArticleTime(&c.a, now).Format(time.RFC3339); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestVersionRule(t *testing.T) {
	mk := func(at string, title string) *record {
		v, _ := time.Parse(time.RFC3339, at)
		a := pipeline.Article{Schema: pipeline.SchemaVersion, ID: "x", Title: title}
		a.Mark("enricher", "1", v)
		r, err := newRecord(&a, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	old := mk("2022-01-12T10:00:00Z", "a")
	stored := existing{version: old.version, hash: old.hash}
	for _, c := range []struct {
		name string
		r    *record
		want bool
	}{
		{"newer", mk("2022-01-12T11:00:00Z", "a"), true},
		{"older", mk("2022-01-12T09:00:00Z", "b"), false},
		{"same, identical", mk("2022-01-12T10:00:00Z", "a"), false},
		{"same, changed", mk("2022-01-12T10:00:00Z", "b"), true},
	} {
		if got := c.r.replaces(stored); got != c.want {
			t.Errorf("%s: replaces = %v, want %v", c.name, got, c.want)
		}
	}
}
