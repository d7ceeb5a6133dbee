package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

// snippetText renders a snippet with its hits in [brackets].
func snippetText(fs []store.Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Hit {
			b.WriteString("[" + f.Text + "]")
		} else {
			b.WriteString(f.Text)
		}
	}
	return b.String()
}

func TestSearchSnippets(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		saveAll(t, st, fixture()...)
		page, err := st.Articles(t.Context(), store.ArticleQuery{Text: "negotiation -binding OR guarantees"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, a := range page.Articles {
			got[a.ID] = snippetText(a.Snippet)
		}
		want := map[string]string{
			// Stemmed forms are marked, the excluded word is not; the
			// passage starts shortly before the first word found.
			"a1": `… talks were difficult, but very professional," Ryabkov told reporters. Sherman said the [negotiations] would continue.`,
			"a2": `Nato and Russia began tense [negotiations] on Wednesday after Sergei Rybakov and Wendy Sherman met in Geneva. Russia wants [guarantees]. "We need legally binding [guarantees]," Rybakov said.`,
		}
		if len(got) != len(want) {
			t.Errorf("snippets %q", got)
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s: snippet\n%s\nwant\n%s", id, got[id], w)
			}
		}
		// Without a query, no snippet; a title-only match has none either.
		page, _ = st.Articles(t.Context(), store.ArticleQuery{})
		for _, a := range page.Articles {
			if a.Snippet != nil {
				t.Errorf("%s has a snippet without a search", a.ID)
			}
		}
	})
}

func TestSnippetWindow(t *testing.T) {
	long := strings.Repeat("filler words here. ", 30) + "The  summit\nin Geneva ended. " + strings.Repeat("more text after. ", 30)
	a := storetest.Newsroom()[3]
	a.ID, a.Text, a.Title = "long", long, "Long"
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		saveAll(t, st, a)
		page, err := st.Articles(t.Context(), store.ArticleQuery{Text: "summit"})
		if err != nil || len(page.Articles) != 1 {
			t.Fatalf("%v %+v", err, page)
		}
		s := snippetText(page.Articles[0].Snippet)
		if !strings.HasPrefix(s, "… ") || !strings.HasSuffix(s, " …") || !strings.Contains(s, "The [summit] in Geneva ended.") || len(s) > 320 {
			t.Errorf("snippet %q", s)
		}
	})
}

func TestFacets(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		fx := fixture()
		saveAll(t, st, fx...)
		saveAll(t, st, storetest.Copy(fx[0], "a1-copy", "yahoo.com", day(11)))
		render := func(f store.Facets) string {
			var b strings.Builder
			fmt.Fprintf(&b, "total=%d capped=%t;", f.Total, f.Capped)
			for _, s := range f.Sources {
				fmt.Fprintf(&b, " %s=%d", s.Source, s.Count)
			}
			for _, ty := range f.Types {
				fmt.Fprintf(&b, "; %s=%d:", ty.Type, ty.Count)
				for _, e := range ty.Entities {
					fmt.Fprintf(&b, " %s=%d", e.Name, e.Count)
				}
			}
			return b.String()
		}
		for _, c := range []struct {
			q    store.ArticleQuery
			want string
		}{
			{store.ArticleQuery{}, "total=4 capped=false; reuters.com=2 bbc.co.uk=1 dw.com=1; PERSON=2: Sergei Ryabkov=2 Wendy Sherman=2; " +
				"ORG=3: European Central Bank=1 Nato=1 OSCE=1; LOC=4: Geneva=2 Russia=2 Germany=1 Vienna=1"},
			{store.ArticleQuery{Text: "talks", Limit: 1, Cursor: "ignored"}, "total=2 capped=false; reuters.com=2; PERSON=1: Sergei Ryabkov=1 Wendy Sherman=1; " +
				"ORG=1: OSCE=1; LOC=2: Geneva=1 Russia=1 Vienna=1"},
			{store.ArticleQuery{Entities: []string{"Russia"}, Sources: []string{"bbc.co.uk"}}, "total=1 capped=false; bbc.co.uk=1; PERSON=1: Sergei Ryabkov=1 Wendy Sherman=1; " +
				"ORG=1: Nato=1; LOC=1: Geneva=1 Russia=1"},
			{store.ArticleQuery{Copies: true, Story: "geneva-talks"}, "total=3 capped=false; bbc.co.uk=1 reuters.com=1 yahoo.com=1; PERSON=3: Sergei Ryabkov=3 Wendy Sherman=3; " +
				"ORG=1: Nato=1; LOC=3: Geneva=3 Russia=1"},
			{store.ArticleQuery{Entities: []string{"Nobody"}}, "total=0 capped=false;"},
		} {
			f, err := st.Facets(t.Context(), c.q)
			if err != nil {
				t.Fatalf("%+v: %v", c.q, err)
			}
			if got := render(f); got != c.want {
				t.Errorf("%+v:\n got %s\nwant %s", c.q, got, c.want)
			}
		}
	})
}

func TestQuoteSearch(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		fx := fixture()
		saveAll(t, st, fx...)
		saveAll(t, st, storetest.Copy(fx[1], "a2-copy", "yahoo.com", day(12).Add(time.Hour)))
		texts := func(p store.QuotePage) []string {
			out := []string{}
			for _, q := range p.Quotes {
				out = append(out, q.ArticleID+":"+q.Text)
			}
			return out
		}
		both := []string{"a2:We need legally binding guarantees", "a1:The talks were difficult, but very professional"}
		for _, c := range []struct {
			q    store.QuoteQuery
			want []string
		}{
			{store.QuoteQuery{}, both},
			{store.QuoteQuery{Text: "BINDING legally"}, both[:1]},
			{store.QuoteQuery{Text: "professional talks"}, both[1:]},
			{store.QuoteQuery{Text: "binding talks"}, []string{}},
			{store.QuoteQuery{Speaker: "ryabkov"}, both},
			{store.QuoteQuery{Speaker: "Sergei R"}, both},
			{store.QuoteQuery{Speaker: storetest.Ryabkov.ID, Text: "guarantees"}, both[:1]},
			{store.QuoteQuery{Speaker: "Sherman"}, []string{}},
			{store.QuoteQuery{From: day(11)}, both[:1]},
			{store.QuoteQuery{Text: "100%_"}, []string{}},
			{store.QuoteQuery{Limit: 1, Offset: 1}, both[1:]},
		} {
			p, err := st.Quotes(t.Context(), c.q)
			if err != nil {
				t.Fatalf("%+v: %v", c.q, err)
			}
			if got := texts(p); !slices.Equal(got, c.want) {
				t.Errorf("%+v: %q, want %q", c.q, got, c.want)
			}
		}
		p, _ := st.Quotes(t.Context(), store.QuoteQuery{Limit: 1})
		if p.Next != 1 || p.Quotes[0].Speaker != "Sergei Rybakov" && p.Quotes[0].SpeakerID != storetest.Ryabkov.ID {
			t.Errorf("first page: %+v", p)
		}
	})
}

func TestEntityTimeline(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		fx := fixture()
		saveAll(t, st, fx...)
		saveAll(t, st, storetest.Copy(fx[1], "a2-copy", "yahoo.com", day(12).Add(time.Hour)))
		d, err := st.Entity(t.Context(), storetest.Russia.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range d.Timeline {
			got = append(got, fmt.Sprintf("%s:%d/%d", c.Day, c.Articles, c.Mentions))
		}
		// Russia: a2 (Jan 12, two mentions), a3 (Jan 13); the copy not.
		if want := []string{"2022-01-12:1/2", "2022-01-13:1/1"}; !slices.Equal(got, want) {
			t.Errorf("timeline %q, want %q", got, want)
		}
	})
}
