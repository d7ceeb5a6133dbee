package api_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/sink/api"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
	"github.com/segmentio/encoding/json"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// onBothBackends runs test against the API over a SQLite and over a
// PostgreSQL store, each holding the newsroom fixture and a copy of a1.
func onBothBackends(t *testing.T, test func(t *testing.T, srv *httptest.Server)) {
	for _, b := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "api.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			st, err := store.Open(t.Context(), b.dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			fx := storetest.Newsroom()
			for _, a := range append(fx, storetest.Copy(fx[0], "a1-copy", "yahoo.com", storetest.Day(11))) {
				if err := st.Save(t.Context(), a); err != nil {
					t.Fatal(err)
				}
			}
			srv := httptest.NewServer(api.New(st))
			t.Cleanup(func() { srv.Close(); st.Close() })
			test(t, srv)
		})
	}
}

func TestSearchSnippetsAndFacets(t *testing.T) {
	onBothBackends(t, func(t *testing.T, srv *httptest.Server) {
		var page store.ArticlePage
		get(t, srv, "/api/articles?q=guarantees", http.StatusOK, &page)
		if len(page.Articles) != 1 {
			t.Fatalf("q=guarantees: %v", articleIDs(page))
		}
		var hits []string
		for _, f := range page.Articles[0].Snippet {
			if f.Hit {
				hits = append(hits, f.Text)
			}
		}
		if !slices.Equal(hits, []string{"guarantees", "guarantees"}) {
			t.Errorf("snippet %+v", page.Articles[0].Snippet)
		}

		var f store.Facets
		get(t, srv, "/api/facets?q=Geneva&entity=Wendy+Sherman", http.StatusOK, &f)
		if f.Total != 2 || len(f.Sources) != 2 || f.Sources[0] != (store.SourceCount{Source: "bbc.co.uk", Count: 1}) {
			t.Errorf("facets %+v", f)
		}
		if len(f.Types) != 3 || f.Types[0].Type != "PERSON" || f.Types[0].Count != 2 ||
			f.Types[0].Entities[0] != (store.EntityCount{ID: "per:sergei-ryabkov", Name: "Sergei Ryabkov", Count: 2}) {
			t.Errorf("entity facets %+v", f.Types)
		}
		get(t, srv, "/api/facets?q=Geneva&copies=true", http.StatusOK, &f)
		if f.Total != 3 {
			t.Errorf("facets with copies count %d articles, want 3", f.Total)
		}
		get(t, srv, "/api/facets?nope=1", http.StatusBadRequest, nil)
		get(t, srv, "/api/facets?from=2022-02-01&to=2022-01-01", http.StatusBadRequest, nil)
	})
}

func TestQuotesEndpoint(t *testing.T) {
	onBothBackends(t, func(t *testing.T, srv *httptest.Server) {
		var page store.QuotePage
		get(t, srv, "/api/quotes?q=binding&speaker=ryabkov", http.StatusOK, &page)
		if len(page.Quotes) != 1 || page.Quotes[0].Text != "We need legally binding guarantees" || page.Quotes[0].ArticleID != "a2" {
			t.Errorf("quotes %+v", page)
		}
		page = store.QuotePage{}
		get(t, srv, "/api/quotes?limit=1", http.StatusOK, &page)
		if len(page.Quotes) != 1 || page.Next != 1 {
			t.Errorf("first page %+v", page)
		}
		page = store.QuotePage{}
		get(t, srv, "/api/quotes?offset=1", http.StatusOK, &page)
		if len(page.Quotes) != 1 || page.Quotes[0].ArticleID != "a1" || page.Next != 0 {
			t.Errorf("second page %+v", page)
		}
		page = store.QuotePage{}
		get(t, srv, "/api/quotes?speaker=Sherman", http.StatusOK, &page)
		if len(page.Quotes) != 0 {
			t.Errorf("Sherman's quotes %+v", page)
		}
		get(t, srv, "/api/quotes?limit=x", http.StatusBadRequest, nil)
		get(t, srv, "/api/quotes?entity=x", http.StatusBadRequest, nil)
	})
}

func TestEntityTimelineEndpoint(t *testing.T) {
	onBothBackends(t, func(t *testing.T, srv *httptest.Server) {
		var d store.EntityDetail
		get(t, srv, "/api/entities/per:wendy-sherman", http.StatusOK, &d)
		want := []store.DayCount{{Day: "2022-01-10", Articles: 1, Mentions: 2}, {Day: "2022-01-12", Articles: 1, Mentions: 1}}
		if !slices.Equal(d.Timeline, want) {
			t.Errorf("timeline %+v, want %+v", d.Timeline, want)
		}
	})
}

func download(t *testing.T, srv *httptest.Server, path string, wantCode int) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantCode {
		t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, body, wantCode)
	}
	return resp, string(body)
}

func TestExport(t *testing.T) {
	onBothBackends(t, func(t *testing.T, srv *httptest.Server) {
		resp, body := download(t, srv, "/api/export?q=Geneva&format=jsonl", http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="newsflow-articles.jsonl"`) {
			t.Errorf("JSON lines headers: %v", resp.Header)
		}
		var ids []string
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			var a struct{ ID string }
			if err := json.Unmarshal([]byte(line), &a); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			ids = append(ids, a.ID)
		}
		// An export holds the copies too, as `newsflow export` does.
		if !slices.Equal(ids, []string{"a2", "a1-copy", "a1"}) {
			t.Errorf("exported %v", ids)
		}

		resp, body = download(t, srv, "/api/export?entity=Wendy+Sherman&source=reuters.com&format=csv", http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("CSV Content-Type %q", ct)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || !slices.Equal(rows[0], store.CSVHeader) {
			t.Fatalf("CSV %q", rows)
		}
		row := map[string]string{}
		for i, h := range rows[0] {
			row[h] = rows[1][i]
		}
		if row["id"] != "a1" || row["title"] != "Sherman and Ryabkov meet in Geneva" || row["source"] != "reuters.com" ||
			row["time"] != storetest.Day(10).Format(time.RFC3339) || row["places"] != "Geneva" ||
			!strings.Contains(row["people"], "Wendy Sherman") || !strings.Contains(row["people"], "; ") || row["quotes"] != "1" {
			t.Errorf("CSV row %q", row)
		}

		_, body = download(t, srv, "/api/export?format=csv&entity=Nobody", http.StatusOK)
		if strings.TrimSpace(body) != strings.Join(store.CSVHeader, ",") {
			t.Errorf("empty CSV export: %q", body)
		}
		download(t, srv, "/api/export?format=xml", http.StatusBadRequest)
		download(t, srv, "/api/export?cursor=!!", http.StatusBadRequest)
	})
}

// A cell an article wrote must not become a spreadsheet formula.
func TestExportCSVNeutralisesFormulas(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := storetest.Newsroom()[3]
	a.Title = `=HYPERLINK("http://evil.example","click")`
	if err := st.Save(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(st))
	defer srv.Close()
	_, body := download(t, srv, "/api/export?format=csv", http.StatusOK)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%v %q", err, rows)
	}
	if got := rows[1][slices.Index(store.CSVHeader, "title")]; got != "'"+a.Title {
		t.Errorf("title cell %q", got)
	}
}

func TestResolveEndpoint(t *testing.T) {
	onBothBackends(t, func(t *testing.T, srv *httptest.Server) {
		var m store.EntityMatch
		get(t, srv, "/api/resolve?entity=Rybakov", http.StatusOK, &m)
		if m.Entity.ID != "per:sergei-ryabkov" || m.How != store.MatchSpelling || !slices.Equal(m.IDs, []string{"per:sergei-ryabkov"}) {
			t.Errorf("resolve Rybakov: %+v", m)
		}
		m = store.EntityMatch{}
		get(t, srv, "/api/resolve?entity=sherman", http.StatusOK, &m)
		if m.Entity.Name != "Wendy Sherman" || m.How != store.MatchWords {
			t.Errorf("resolve sherman: %+v", m)
		}
		get(t, srv, "/api/resolve?entity=Nobody", http.StatusNotFound, nil)
		get(t, srv, "/api/resolve", http.StatusBadRequest, nil)
		// Every entity filter resolves so, and the entity page too.
		var page store.ArticlePage
		get(t, srv, "/api/articles?entity=Sherman&entity=Rybakov", http.StatusOK, &page)
		if got := articleIDs(page); !slices.Equal(got, []string{"a2", "a1"}) {
			t.Errorf("articles of Sherman and Rybakov: %v", got)
		}
		var d store.EntityDetail
		get(t, srv, "/api/entities/Sherman", http.StatusOK, &d)
		if d.ID != "per:wendy-sherman" {
			t.Errorf("/api/entities/Sherman: %+v", d.EntityStat)
		}
		get(t, srv, "/api/entities/per:nobody", http.StatusNotFound, nil)
	})
}
