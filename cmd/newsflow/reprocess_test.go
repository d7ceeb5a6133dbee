package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/services/sink/store"
)

// Reprocessing runs a stored article through the cleaner and enricher
// again, without the original file: the store keeps one article, the newer
// version, and the raw message is not stored twice by the sink.
func TestReprocessRunsKeptArticlesAgain(t *testing.T) {
	o := defaultAllInOne()
	o.DataDir, o.Port, o.Base.OpsAddr, o.Sink.APIAddr = t.TempDir(), -1, "", ""
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, o)
	waitReady(t, p.pipelineProcess)
	env := map[string]string{"NEWSFLOW_NATS_URL": p.ns.ClientURL()}
	text := "Wendy Sherman met Sergei Ryabkov in Geneva on Monday, officials said.\n\nThe talks lasted seven hours."
	if code, _, stderr := newsflow(t, text, env, "publish", "-", "-source", "desk"); code != 0 {
		t.Fatalf("publish: exit %d: %s", code, stderr)
	}
	waitSinkSettled(t, p, 1)
	read := func() pipeline.Article {
		t.Helper()
		st, err := store.Open(context.Background(), o.Sink.DB)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		page, err := st.Articles(context.Background(), store.ArticleQuery{})
		if err != nil || len(page.Articles) != 1 {
			t.Fatalf("store: %v, %d articles, want 1", err, len(page.Articles))
		}
		a, err := st.Get(context.Background(), page.Articles[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	before := read()
	if code, _, stderr := newsflow(t, "", env, "reprocess", "--stage", "frobnicator"); code != 2 {
		t.Errorf("reprocess -stage frobnicator: exit %d: %s", code, stderr)
	}
	code, out, stderr := newsflow(t, "", env, "reprocess", "--since", "1h")
	if code != 0 || !strings.Contains(out, "republished 1 message(s) from NEWSFLOW_RAW") {
		t.Fatalf("reprocess: exit %d: %s %s", code, out, stderr)
	}
	waitSinkSettled(t, p, 2)
	after := read()
	if after.ID != before.ID || store.Version(&after) <= store.Version(&before) || after.Text != before.Text || after.Source != "desk" {
		t.Fatalf("after reprocessing: id %s (was %s), version %d (was %d), source %q", after.ID, before.ID, store.Version(&after), store.Version(&before), after.Source)
	}
	// From the enricher: the cleaned stream holds the article twice now.
	// Publishing to newsflow.clean is the cleaner's job: only the admin,
	// whose password the data directory keeps, may reprocess from there.
	admin := map[string]string{"NEWSFLOW_NATS_URL": p.ns.ClientURL(), "NEWSFLOW_NATS_USER": access.UserAdmin,
		"NEWSFLOW_NATS_PASSWORD_FILE": access.PasswordFile(o.credentialsDir(), access.UserAdmin)}
	code, out, stderr = newsflow(t, "", admin, "reprocess", "--stage", "enricher")
	if code != 0 || !strings.Contains(out, "republished 2 message(s) from NEWSFLOW_CLEAN") {
		t.Fatalf("reprocess --stage enricher: exit %d: %s %s", code, out, stderr)
	}
	waitSinkSettled(t, p, 4)
	if last := read(); store.Version(&last) <= store.Version(&after) {
		t.Fatalf("enricher re-run did not give a newer version")
	}
}

// After the streams have expired, reprocess -from-store re-enriches the
// stored articles: the store's one copy of each gets a newer version, with
// its text and source unchanged and its entities found again.
func TestReprocessFromTheStore(t *testing.T) {
	o := defaultAllInOne()
	o.DataDir, o.Port, o.Base.OpsAddr, o.Sink.APIAddr = t.TempDir(), -1, "", ""
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, o)
	waitReady(t, p.pipelineProcess)
	env := map[string]string{"NEWSFLOW_NATS_URL": p.ns.ClientURL()}
	text := "Wendy Sherman met Sergei Ryabkov in Geneva on Monday, officials said.\n\nThe talks lasted seven hours."
	if code, _, stderr := newsflow(t, text, env, "publish", "-", "-source", "desk"); code != 0 {
		t.Fatalf("publish: exit %d: %s", code, stderr)
	}
	waitSinkSettled(t, p, 1)
	ctx := context.Background()
	st, err := store.Open(ctx, o.Sink.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	read := func() pipeline.Article {
		t.Helper()
		page, err := st.Articles(ctx, store.ArticleQuery{})
		if err != nil || len(page.Articles) != 1 {
			t.Fatalf("store: %v, %d articles, want 1", err, len(page.Articles))
		}
		a, err := st.Get(ctx, page.Articles[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	before := read()
	// The streams expire; the store keeps the article.
	for _, name := range []string{pipeline.StreamRaw, pipeline.StreamClean} {
		s, err := p.js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Purge(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, _ := newsflow(t, "", env, "reprocess"); code != 0 || !strings.Contains(out, "nothing to reprocess") {
		t.Fatalf("reprocess of an expired stream: exit %d: %s", code, out)
	}
	// Republishing into newsflow.clean is the admin's: the anonymous
	// (client) user is refused after one attempt, with the reason, instead of
	// retrying for ever, and at once, not after a 5 s publish attempt.
	refusedAt := time.Now()
	if code, out, stderr := newsflow(t, "", env, "reprocess", "--from-store", "-db", o.Sink.DB); code == 0 || !strings.Contains(stderr, "not allowed for this NATS user") {
		t.Fatalf("reprocess --from-store as client: exit %d: %s %s", code, out, stderr)
	}
	if took := time.Since(refusedAt); took > 3*time.Second {
		t.Errorf("the refusal took %s", took)
	}
	code, out, stderr := newsflow(t, "", env, "reprocess", "--from-store", "-db", o.Sink.DB,
		"-nats-user", access.UserAdmin, "-nats-password-file", access.PasswordFile(o.credentialsDir(), access.UserAdmin))
	if code != 0 || !strings.Contains(out, "republished 1 stored article(s) to "+pipeline.SubjectClean) {
		t.Fatalf("reprocess --from-store: exit %d: %s %s", code, out, stderr)
	}
	waitSinkSettled(t, p, 2)
	after := read()
	if after.ID != before.ID || store.Version(&after) <= store.Version(&before) || after.Text != before.Text || after.Source != "desk" {
		t.Fatalf("after reprocessing: id %s (was %s), version %d (was %d), source %q", after.ID, before.ID, store.Version(&after), store.Version(&before), after.Source)
	}
	var names []string
	for _, e := range after.Entities {
		names = append(names, e.Name)
	}
	if !slices.Contains(names, "Wendy Sherman") || !slices.Contains(names, "Geneva") {
		t.Errorf("entities after re-enrichment: %q", names)
	}
	var enriched int
	for _, m := range after.Stages {
		if m.Stage == pipeline.StageEnricher {
			enriched++
		}
	}
	if enriched != 1 {
		t.Errorf("stage marks %+v: want one enricher mark", after.Stages)
	}
	if code, _, _ := newsflow(t, "", env, "reprocess", "--from-store", "-db", filepath.Join(t.TempDir(), "none.db")); code == 0 {
		t.Errorf("reprocess --from-store of a missing store succeeded")
	}
}
