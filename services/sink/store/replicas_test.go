package store_test

import (
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

// Several sink replicas share one PostgreSQL database: each sees the
// others' commits live, and racing writes of the same articles end with
// the newest version of each and totals that add up.
func TestPostgresReplicas(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	open := func() store.Store {
		st, err := store.Open(t.Context(), dsn, store.WithBatch(16, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := open(), open()

	events, _ := b.Subscribe(t.Context(), "")
	fx := fixture()
	saveAll(t, a, fx[0])
	if ev := next(t, events); ev.Article.ID != fx[0].ID {
		t.Fatalf("replica b saw %+v", ev)
	}

	// Both replicas save versions 1..3 of the same 40 articles, in
	// different orders, at once.
	g := storetest.NewGenerator(11)
	version := func(i, v int) pipeline.Article {
		art := g.Article(i)
		at := art.Stages[len(art.Stages)-1].At.Add(time.Duration(v) * time.Hour)
		art.Stages[len(art.Stages)-1].At = at
		art.Title = art.Title + " v" + string(rune('0'+v))
		if v == 2 { // the middle version moves to another story and drops its entities
			art.StoryID, art.Entities = "moved", nil
		}
		return art
	}
	var wg sync.WaitGroup
	for r, st := range []store.Store{a, b} {
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 40 {
					i := (k*7 + w*11 + r*13) % 40
					for _, v := range []int{(k + r) % 3, (k + r + 1) % 3, (k + r + 2) % 3} {
						if err := st.Save(t.Context(), version(i, v+1)); err != nil {
							t.Error(err)
							return
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	if n, _ := a.Count(t.Context()); n != 41 {
		t.Fatalf("Count = %d, want 41", n)
	}
	want := map[string]int{} // entity id -> mentions, from the newest versions
	for i := range 40 {
		got, err := b.Get(t.Context(), g.Article(i).ID)
		if err != nil {
			t.Fatal(err)
		}
		if v3 := version(i, 3); got.Title != v3.Title {
			t.Fatalf("article %d kept %q, want the newest %q", i, got.Title, v3.Title)
		}
		for _, e := range got.Entities {
			want[e.ID] += len(e.Mentions)
		}
	}
	for _, e := range fx[0].Entities {
		want[e.ID] += len(e.Mentions)
	}
	ents, err := a.Entities(t.Context(), store.EntityQuery{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range ents {
		got[e.ID] = e.Mentions
	}
	if len(got) != len(want) {
		t.Errorf("%d entities, want %d", len(got), len(want))
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("entity %s: %d mentions, want %d", id, got[id], n)
		}
	}
	if _, err := a.Story(t.Context(), "moved"); err == nil {
		t.Error("story 'moved' survives though no newest version is in it")
	}
}

// A replica whose listener loses its connection misses the commits
// notified meanwhile: its live subscribers are told they missed events,
// and nobody resumes across the gap.
func TestPostgresLostNotificationsAreAGap(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	st, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	events, _ := st.Subscribe(t.Context(), "")
	g := storetest.NewGenerator(5)
	saveAll(t, st, g.Article(0))
	before := next(t, events)

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var killed int
	if err := db.QueryRowContext(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminating the listener: %d, %v", killed, err)
	}
	// Saves go on; those notified before the listener is back are lost.
	deadline := time.Now().Add(10 * time.Second)
	var after store.Event
	for i := 1; after.Cursor == ""; i++ {
		if time.Now().After(deadline) {
			t.Fatal("no event within 10s of the listener's loss")
		}
		saveAll(t, st, g.Article(i))
		select {
		case after = <-events:
		case <-time.After(200 * time.Millisecond):
		}
	}
	if after.Missed < 1 {
		t.Errorf("the first event after the listener came back says nothing was missed: %+v", after)
	}
	if _, resumed := st.Subscribe(t.Context(), before.Cursor); resumed {
		t.Error("resumed across lost notifications")
	}
	if _, resumed := st.Subscribe(t.Context(), after.Cursor); !resumed {
		t.Error("could not resume after the gap")
	}
}
