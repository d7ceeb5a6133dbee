package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

func TestResolveEntity(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		saveAll(t, st, fixture()...)
		// Another Sherman, mentioned less than Wendy Sherman.
		antony := storetest.E{ID: "per:antony-sherman", Name: "Antony Sherman", Type: pipeline.Person}
		a := pipeline.Article{ID: "a5", URL: "https://dw.com/a5", Source: "dw.com", Title: "Antony Sherman retires",
			Text: "Antony Sherman retired on Friday.", PublishedAt: new(day(21))}
		saveAll(t, st, storetest.Enrich(a, day(21), []storetest.E{antony}, nil))
		for _, c := range []struct {
			ref, id, how string
			others       []string
		}{
			{"per:wendy-sherman", "per:wendy-sherman", store.MatchID, nil},
			{"WENDY sherman", "per:wendy-sherman", store.MatchName, nil},
			{"Sherman", "per:wendy-sherman", store.MatchWords, []string{"per:antony-sherman"}},
			{"ryabkov", "per:sergei-ryabkov", store.MatchWords, nil},
			{"Central Bank", "org:ecb", store.MatchWords, nil},
			{"Rybakov", "per:sergei-ryabkov", store.MatchSpelling, nil},
			{"sergei rybakov", "per:sergei-ryabkov", store.MatchSpelling, nil},
		} {
			m, err := st.ResolveEntity(t.Context(), c.ref)
			if err != nil {
				t.Errorf("%q: %v", c.ref, err)
				continue
			}
			var others []string
			for _, o := range m.Others {
				others = append(others, o.ID)
			}
			if m.Entity.ID != c.id || m.How != c.how || !slices.Equal(m.IDs, []string{c.id}) || !slices.Equal(others, c.others) {
				t.Errorf("%q: %+v, want %s by %s, others %v", c.ref, m, c.id, c.how, c.others)
			}
		}
		for _, ref := range []string{"Sherma", "Nobody", "%", "per:"} {
			if m, err := st.ResolveEntity(t.Context(), ref); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%q: %+v, %v, want ErrNotFound", ref, m, err)
			}
		}
		// Queries resolve their entities the same way.
		for ref, want := range map[string][]string{"Rybakov": {"a2", "a1"}, "Sherman": {"a2", "a1"}, "Antony Sherman": {"a5"}, "Sherma": {}} {
			page, err := st.Articles(t.Context(), store.ArticleQuery{Entities: []string{ref}})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Articles); !slices.Equal(got, want) {
				t.Errorf("articles of %q: %v, want %v", ref, got, want)
			}
		}
	})
}
