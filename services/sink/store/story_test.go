package store_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

// copiesFixture is the newsroom with a1 fetched twice more, from two other
// sites, and a2 once more: copies, as the enricher marks them.
func copiesFixture() []pipeline.Article {
	as := fixture()
	a1, a2 := as[0], as[1]
	return append(as,
		storetest.Copy(a1, "a1-yahoo", "yahoo.com", day(10).Add(3*time.Hour)),
		storetest.Copy(a1, "a1-msn", "msn.com", day(11)),
		storetest.Copy(a2, "a2-yahoo", "yahoo.com", day(12).Add(2*time.Hour)),
	)
}

func TestCopiesCountOnce(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		ctx := t.Context()
		saveAll(t, st, fixture()...)
		before, err := st.Entities(ctx, store.EntityQuery{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		saveAll(t, st, copiesFixture()[4:]...)
		after, _ := st.Entities(ctx, store.EntityQuery{Limit: 50})
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("copies changed the entity totals:\n before %v\n after  %v", before, after)
		}
		week, _ := st.Entities(ctx, store.EntityQuery{From: day(10), To: day(12)})
		for _, e := range week {
			if e.ID == sherman.ID && (e.ArticleCount != 1 || e.Mentions != 2) {
				t.Errorf("Sherman on Jan 10-11 (a1 and two copies of it): %+v", e)
			}
		}

		all, err := st.Articles(ctx, store.ArticleQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(all.Articles); !slices.Equal(got, []string{"a4", "a3", "a2", "a1"}) {
			t.Errorf("articles list copies: %v", got)
		}
		if all.Articles[2].StoryLabel != "Nato and Russia begin tense negotiations" || all.Articles[0].StoryLabel != "" {
			t.Errorf("story labels: %q, %q", all.Articles[2].StoryLabel, all.Articles[0].StoryLabel)
		}
		copies := map[string]int{}
		for _, a := range all.Articles {
			copies[a.ID] = a.Copies
		}
		if copies["a1"] != 2 || copies["a2"] != 1 || copies["a3"] != 0 {
			t.Errorf("copies counted: %v", copies)
		}
		found, _ := st.Articles(ctx, store.ArticleQuery{Text: "Sherman"})
		if got := ids(found.Articles); !slices.Equal(got, []string{"a2", "a1"}) {
			t.Errorf("search finds copies: %v", got)
		}
		ent, _ := st.Articles(ctx, store.ArticleQuery{Entities: []string{"Wendy Sherman"}})
		if got := ids(ent.Articles); !slices.Equal(got, []string{"a2", "a1"}) {
			t.Errorf("entity filter finds copies: %v", got)
		}
		with, _ := st.Articles(ctx, store.ArticleQuery{Text: "Sherman", Copies: true})
		if got := ids(with.Articles); !slices.Equal(got, []string{"a2-yahoo", "a2", "a1-msn", "a1-yahoo", "a1"}) {
			t.Errorf("search with copies: %v", got)
		}
		of, _ := st.Articles(ctx, store.ArticleQuery{CopiesOf: "a1"})
		if got := ids(of.Articles); !slices.Equal(got, []string{"a1-msn", "a1-yahoo"}) {
			t.Errorf("copies of a1: %v", got)
		}
		n := 0
		if err := st.Scan(ctx, store.ArticleQuery{}, func([]byte) error { n++; return nil }); err != nil || n != 7 {
			t.Errorf("export: %d articles, %v", n, err)
		}

		s, err := st.StorySummary(ctx, "geneva-talks")
		if err != nil {
			t.Fatal(err)
		}
		if s.ArticleCount != 2 || s.CopyCount != 3 || s.SourceCount != 2 || !s.LastAt.Equal(day(12)) {
			t.Errorf("story counts: %+v", s)
		}
		if s.Label != "Nato and Russia begin tense negotiations" || s.Entities[0].ArticleCount != 2 {
			t.Errorf("copies changed what the story says: %+v", s)
		}
		d, _ := st.Story(ctx, "geneva-talks")
		if got := ids(d.Articles); !slices.Equal(got, []string{"a1", "a2"}) || d.Articles[0].Copies != 2 {
			t.Errorf("story timeline: %v (%+v)", got, d.Articles)
		}
		if d.Mentioned[0].ID != ryabkov.ID || d.Mentioned[0].Mentions != 4 || len(d.Quotes) != 2 {
			t.Errorf("story entities and quotes count copies: %+v %+v", d.Mentioned[0], d.Quotes)
		}
		srcs, _ := st.Sources(ctx)
		if fmt.Sprint(srcs) != "[{reuters.com 2 0} {bbc.co.uk 1 0} {dw.com 1 0} {msn.com 0 1} {yahoo.com 0 2}]" {
			t.Errorf("sources: %v", srcs)
		}

		// A re-enrichment that finds a copy is an original after all (and
		// back) moves its entities into the totals and out again.
		orig := copiesFixture()[4]
		orig.DuplicateOf = ""
		orig.Mark(pipeline.StageEnricher, "test", day(20))
		saveAll(t, st, orig)
		e, _ := st.Entity(ctx, sherman.ID)
		if e.ArticleCount != 3 {
			t.Errorf("Sherman once a1-yahoo is an original: %+v", e.EntityStat)
		}
		again := orig
		again.DuplicateOf = "a1"
		again.Mark(pipeline.StageEnricher, "test", day(21))
		saveAll(t, st, again)
		if e, _ := st.Entity(ctx, sherman.ID); e.ArticleCount != 2 {
			t.Errorf("Sherman once a1-yahoo is a copy again: %+v", e.EntityStat)
		}
	})
}

func TestStoryRevisions(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st := open(dsn)
		ctx := t.Context()
		as := fixture()
		saveAll(t, st, as[0])
		s1, err := st.StorySummary(ctx, "geneva-talks")
		if err != nil {
			t.Fatal(err)
		}
		if s1.Revision != 1 || s1.Label != "Sherman and Ryabkov meet in Geneva" || s1.Lead != "a1" || s1.Hash() == "" {
			t.Errorf("one-article story: %+v", s1)
		}
		// Saving the same article again (a redelivery) says nothing new.
		replay := as[0]
		replay.Mark(pipeline.StageEnricher, "test", day(10).Add(2*time.Hour))
		saveAll(t, st, replay)
		if s, _ := st.StorySummary(ctx, "geneva-talks"); s.Revision != 1 || s.Hash() != s1.Hash() {
			t.Errorf("replayed article changed the story: %+v", s)
		}
		saveAll(t, st, as[1])
		s2, _ := st.StorySummary(ctx, "geneva-talks")
		if s2.Revision != 2 || s2.Hash() == s1.Hash() || s2.ArticleCount != 2 {
			t.Errorf("second article: %+v", s2)
		}
		// An article leaving for another story updates both; the story it
		// leaves empty is gone.
		moved := as[0]
		moved.StoryID = "osce"
		moved.Mark(pipeline.StageEnricher, "test", day(22))
		saveAll(t, st, moved)
		if s, _ := st.StorySummary(ctx, "geneva-talks"); s.ArticleCount != 1 || s.Lead != "a2" {
			t.Errorf("story left by a1: %+v", s)
		}
		if _, err := st.StorySummary(ctx, "osce"); err != nil {
			t.Errorf("story joined by a1: %v", err)
		}
		gone := as[1]
		gone.StoryID = "osce"
		gone.Mark(pipeline.StageEnricher, "test", day(22))
		saveAll(t, st, gone)
		if _, err := st.StorySummary(ctx, "geneva-talks"); err == nil {
			t.Errorf("empty story still listed")
		}
	})
}

// A store made before migration 2 counted copies in its entity totals and
// had bare story rows: migrating recounts the totals from the originals,
// and its stories show their old title until they next change.
func TestMigrationCountsCopiesOnce(t *testing.T) {
	contract(t, func(t *testing.T, open func(string, ...store.Option) store.Store, dsn string) {
		st, err := store.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		saveAll(t, st, copiesFixture()...)
		want, _ := st.Entities(t.Context(), store.EntityQuery{Limit: 50})
		st.Close()

		driver, source := "sqlite", strings.TrimPrefix(dsn, "sqlite://")
		if strings.HasPrefix(dsn, "postgres") {
			driver, source = "pgx", dsn
		}
		db, err := sql.Open(driver, source)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// Back to version 1, with the totals version 1 kept.
		undo := []string{`ALTER TABLE quotes DROP COLUMN speaker_title`, `DROP INDEX articles_copies`}
		for _, c := range []string{"label", "summary", "lead_id", "copies", "sources", "entities", "hash", "revision", "updated_at"} {
			undo = append(undo, `ALTER TABLE stories DROP COLUMN `+c)
		}
		undo = append(undo, `DELETE FROM schema_migrations WHERE version >= 2`,
			`UPDATE entities SET
				articles = (SELECT count(*) FROM article_entities ae WHERE ae.entity_id = entities.id),
				mentions = (SELECT sum(ae.mentions) FROM article_entities ae WHERE ae.entity_id = entities.id)`)
		for _, q := range undo {
			if _, err := db.ExecContext(t.Context(), q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var old int
		if err := db.QueryRowContext(t.Context(), `SELECT articles FROM entities WHERE id = 'per:wendy-sherman'`).Scan(&old); err != nil || old != 5 {
			t.Fatalf("version 1 counted Sherman in %d articles (%v), want 5 with the copies", old, err)
		}

		st = open(dsn)
		got, _ := st.Entities(t.Context(), store.EntityQuery{Limit: 50})
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after migrating:\n got  %v\n want %v", got, want)
		}
		s, err := st.StorySummary(t.Context(), "geneva-talks")
		if err != nil || s.Label == "" || s.Label != s.Title {
			t.Errorf("a story from version 1: %+v, %v", s, err)
		}
	})
}
