package main

import (
	"context"
	"strings"
	"testing"

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
