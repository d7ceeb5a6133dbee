package store_test

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

// SQLite keeps docs compressed, and reads docs stored before that (plain
// JSON) as well: Get, Doc, Scan and search snippets give the same JSON.
func TestSQLiteDocsCompressed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "articles.db")
	st, err := store.Open(t.Context(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := storetest.NewGenerator(5)
	old, cur := g.Article(1), g.Article(2)
	saveAll(t, st, old, cur)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT length(doc) FROM articles WHERE id = ?`, cur.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := encode(t, cur); n*2 > len(want) {
		t.Errorf("doc column of %d bytes for %d bytes of JSON: not compressed", n, len(want))
	}
	// A row from before compression.
	if _, err := db.Exec(`UPDATE articles SET doc = ? WHERE id = ?`, encode(t, old), old.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		id   string
		want []byte
	}{{old.ID, encode(t, old)}, {cur.ID, encode(t, cur)}} {
		doc, err := st.Doc(t.Context(), a.id)
		if err != nil || !bytes.Equal(doc, a.want) {
			t.Errorf("Doc(%s) = %.60q, %v; want its JSON", a.id, doc, err)
		}
		got, err := st.Get(t.Context(), a.id)
		if err != nil || !bytes.Equal(encode(t, got), a.want) {
			t.Errorf("Get(%s) = %v; want the article saved", a.id, err)
		}
	}
	var out bytes.Buffer
	if n, err := store.ExportJSONL(t.Context(), st, &out, store.ArticleQuery{}); err != nil || n != 2 {
		t.Fatalf("ExportJSONL = %d, %v", n, err)
	}
	for _, a := range [][]byte{encode(t, old), encode(t, cur)} {
		if !bytes.Contains(out.Bytes(), a) {
			t.Errorf("the export lacks %.60q", a)
		}
	}
}
