package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/api"
	"github.com/newsflow/newsflow/services/sink/store"
)

func TestParseArgsTakesFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		pos      []string
		json     bool
		entities string
	}{
		{[]string{"geneva", "--json"}, []string{"geneva"}, true, ""},
		{[]string{"-json", "geneva", "talks"}, []string{"geneva", "talks"}, true, ""},
		{[]string{"geneva", "-entity", "Wendy Sherman", "talks"}, []string{"geneva", "talks"}, false, "Wendy Sherman"},
		{[]string{"-json", "--", "-json", "-x"}, []string{"-json", "-x"}, true, ""},
		{[]string{"-", "-json"}, []string{"-"}, true, ""},
		{[]string{"a", "--", "b", "--", "c"}, []string{"a", "b", "--", "c"}, false, ""},
	} {
		e, _, _ := newTestEnv()
		fs := newFlagSet(e, "t", "")
		j := fs.Bool("json", false, "")
		ent := fs.String("entity", "", "")
		pos, err := parseArgs(fs, tc.args, e.getenv)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if !reflect.DeepEqual(pos, tc.pos) || *j != tc.json || *ent != tc.entities {
			t.Errorf("%q: arguments %q json %v entity %q; want %q %v %q", tc.args, pos, *j, *ent, tc.pos, tc.json, tc.entities)
		}
	}
}

// newsflow runs the CLI in-process with stdin and an environment.
func newsflow(t *testing.T, stdin string, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	e, out, errOut := newTestEnv()
	e.stdin = strings.NewReader(stdin)
	e.getenv = func(k string) string { return environ[k] }
	code = run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

func TestHelpNeedsNoStore(t *testing.T) {
	t.Chdir(t.TempDir()) // no newsflow-data here
	for _, cmd := range []string{"search", "export", "publish", "process", "tail", "fetch", "run", "version"} {
		for _, h := range []string{"-h", "--help"} {
			code, _, stderr := newsflow(t, "", nil, cmd, "geneva", h)
			if code != 0 || strings.Contains(stderr, "not found") || !strings.Contains(stderr, "usage: newsflow "+cmd) {
				t.Errorf("newsflow %s geneva %s: exit %d, stderr:\n%s", cmd, h, code, stderr)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, stderr := newsflow(t, "", nil, "version")
	if code != 0 || !strings.HasPrefix(out, "newsflow ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: exit %d, %q %q", code, out, stderr)
	}
}

// storeWith saves articles in a new SQLite store and returns its URL.
func storeWith(t *testing.T, articles ...pipeline.Article) string {
	t.Helper()
	db := "sqlite://" + filepath.Join(t.TempDir(), "newsflow.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, a := range articles {
		if err := st.Save(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// article makes a stored article mentioning the people named.
func article(id, title, text string, published time.Time, people ...string) pipeline.Article {
	a := pipeline.Article{Schema: pipeline.SchemaVersion, ID: id, URL: "https://example.org/" + id, Source: "example.org",
		Title: title, Text: text, PublishedAt: &published}
	for _, p := range people {
		i := strings.Index(text, p)
		if i < 0 {
			panic(p + " not in the text")
		}
		a.Entities = append(a.Entities, pipeline.Entity{ID: "per:" + strings.ToLower(strings.ReplaceAll(p, " ", "-")), Name: p,
			Type: pipeline.Person, Count: 1, Salience: 0.5, Mentions: []pipeline.Mention{{Text: p, Start: i, End: i + len(p)}}})
	}
	return a
}

func testArticles() []pipeline.Article {
	day := time.Date(2022, 1, 10, 9, 0, 0, 0, time.UTC)
	return []pipeline.Article{
		article("a1", "Talks in Geneva", "Vladimir Putin said the talks in Geneva were frank.", day, "Vladimir Putin"),
		article("a2", "Sherman in Brussels", "Wendy Sherman flew to Brussels after the talks.", day.Add(24*time.Hour), "Wendy Sherman"),
		article("a3", "Markets calm", "Markets were calm in London on Wednesday.", day.Add(48*time.Hour)),
	}
}

func TestSearchAndExportTakeTheQueryAndFlagsAlike(t *testing.T) {
	db := storeWith(t, testArticles()...)
	t.Run("store", func(t *testing.T) { searchAndExport(t, db, map[string]string{"NEWSFLOW_DB": db}) })
	// The same through the sink's API, as a compose user reaches it.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(api.New(st))
	defer srv.Close()
	t.Run("api", func(t *testing.T) {
		searchAndExport(t, db, map[string]string{"NEWSFLOW_API": srv.URL, "NEWSFLOW_DB": "sqlite:///nonexistent/newsflow.db"})
	})
	// -db on the command line beats NEWSFLOW_API in the environment.
	code, out, stderr := newsflow(t, "", map[string]string{"NEWSFLOW_API": "http://127.0.0.1:1"}, "search", "-db", db, "--json", "talks")
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("search -db with NEWSFLOW_API set: exit %d, %q %q", code, out, stderr)
	}
	code, _, stderr = newsflow(t, "", nil, "search", "-api", srv.URL, "-from", "yesterday")
	if code != 2 || !strings.Contains(stderr, "from") {
		t.Errorf("a bad query through the API: exit %d, stderr %q; want 2 and the API's reason", code, stderr)
	}
	// Export pages through the API: more articles than one page holds.
	many := make([]pipeline.Article, 0, store.MaxLimit+5)
	for i := range cap(many) {
		many = append(many, article(fmt.Sprintf("m%03d", i), "Note", "A short note about nothing much.", time.Date(2022, 2, 1, 0, i, 0, 0, time.UTC)))
	}
	srv2 := httptest.NewServer(api.New(openStore(t, storeWith(t, many...))))
	defer srv2.Close()
	code, out, stderr = newsflow(t, "", nil, "export", "--api", srv2.URL+"/")
	if n := strings.Count(out, "\n"); code != 0 || n != len(many) || !strings.Contains(out, `"text":"A short note`) {
		t.Fatalf("export through the API: exit %d, %d lines, want %d full articles: %s", code, n, len(many), stderr)
	}
	code, out, _ = newsflow(t, "", nil, "export", "--api", srv2.URL, "-limit", "3")
	if n := strings.Count(out, "\n"); code != 0 || n != 3 {
		t.Fatalf("export -limit 3 through the API: exit %d, %d lines", code, n)
	}
}

func openStore(t *testing.T, db string) store.Store {
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func searchAndExport(t *testing.T, db string, env map[string]string) {
	ids := func(out string) []string {
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var a struct{ ID string }
			if err := json.Unmarshal([]byte(line), &a); err != nil {
				t.Fatalf("%v in %q", err, line)
			}
			got = append(got, a.ID)
		}
		return got
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"talks", "--json"}, []string{"a2", "a1"}},
		{[]string{"talks", "-entity", "Wendy Sherman", "-json"}, []string{"a2"}},
		{[]string{"-json", "talks", "-db", db}, []string{"a2", "a1"}},
		{[]string{"-json", "-entity", "Putin"}, []string{"a1"}},
		{[]string{"-json", "-entity", "putin", "geneva"}, []string{"a1"}},
		{[]string{"-json", "-from", "2022-01-11", "--", "talks", "-geneva"}, []string{"a2"}},
		{[]string{"-json", "-from", "2022-01-11"}, []string{"a3", "a2"}},
	} {
		for _, cmd := range []string{"search", "export"} {
			args := tc.args
			if cmd == "export" {
				args = slicesWithout(args, "-json", "--json")
			}
			code, out, stderr := newsflow(t, "", env, append([]string{cmd}, args...)...)
			if code != 0 {
				t.Fatalf("%s %q: exit %d: %s", cmd, args, code, stderr)
			}
			if got := ids(out); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s %q: found %q, want %q (stderr %q)", cmd, args, got, tc.want, stderr)
			}
		}
	}
	if _, _, stderr := newsflow(t, "", env, "search", "-entity", "Putin"); !strings.Contains(stderr, "Vladimir Putin") {
		t.Errorf("search -entity Putin does not say which entity it took: %q", stderr)
	}
	// -csv: the web view's CSV, a row per article.
	code, out, stderr := newsflow(t, "", env, "export", "talks", "-csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 3 || !reflect.DeepEqual(rows[0], store.CSVHeader) || rows[1][0] != "a2" || rows[2][0] != "a1" {
		t.Errorf("export talks -csv: exit %d, %v, %q (stderr %q)", code, err, rows, stderr)
	}
	if len(rows) == 3 {
		if people := rows[2][slices.Index(store.CSVHeader, "people")]; people != "Vladimir Putin" {
			t.Errorf("export -csv: a1's people %q", people)
		}
	}
}

func slicesWithout(args []string, drop ...string) []string {
	var out []string
	for _, a := range args {
		if !containsString(drop, a) {
			out = append(out, a)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestProcessReadsStandardInput(t *testing.T) {
	text := "Vladimir Putin met Wendy Sherman in Geneva on Monday, officials said.\n\nThe talks lasted seven hours."
	code, out, stderr := newsflow(t, text, nil, "process", "-", "-wait", "2m")
	if code != 0 {
		t.Fatalf("process -: exit %d: %s", code, stderr)
	}
	a, err := pipeline.DecodeArticle([]byte(strings.TrimSpace(out)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Text, "seven hours") {
		t.Fatalf("processed text %q", a.Text)
	}
	if code, _, stderr := newsflow(t, text, nil, "process", "-", "-"); code != 2 {
		t.Errorf("process - -: exit %d, want 2: %s", code, stderr)
	}
}

func TestPublishReadsStandardInput(t *testing.T) {
	o := defaultAllInOne()
	o.DataDir, o.Port, o.Base.OpsAddr, o.Sink.APIAddr = t.TempDir(), -1, "", ""
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, o)
	text := "Wendy Sherman said on Monday that the talks in Geneva had been frank and useful."
	code, out, stderr := newsflow(t, text, nil, "publish", "-", "-source", "stdin-desk", "-nats-url", p.ns.ClientURL())
	if code != 0 || !strings.Contains(out, "published 1 article") {
		t.Fatalf("publish -: exit %d: %s %s", code, out, stderr)
	}
	waitSinkSettled(t, p, 1)
	p.stop(t)
	code, out, stderr = newsflow(t, "", nil, "search", "-db", o.Sink.DB, "-source", "stdin-desk", "--json")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "Geneva") {
		t.Fatalf("search for the published article: exit %d: %s %s", code, out, stderr)
	}
}

func TestSecondRunOnTheSameDataDirFailsAtOnce(t *testing.T) {
	o := defaultAllInOne()
	o.DataDir, o.Port, o.Base.OpsAddr, o.Sink.APIAddr = t.TempDir(), -1, "", ""
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, o)
	start := time.Now()
	code, _, stderr := newsflow(t, "", nil, "run", "-data-dir", o.DataDir, "-nats-port", "-1", "-ops-addr", "", "-api-addr", "")
	if code != 1 || !strings.Contains(stderr, "is using "+o.DataDir) || !strings.Contains(stderr, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("second run: exit %d, stderr %q; want 1 and who holds the directory", code, stderr)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("second run took %s to fail", took)
	}
	waitReady(t, p.pipelineProcess)
	p.stop(t)
	// Once the first has stopped, the directory is free again.
	again := startPipeline(t, o)
	waitReady(t, again.pipelineProcess)
	again.stop(t)
}

func TestBusyNATSPortFailsAtOnce(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	start := time.Now()
	code, _, stderr := newsflow(t, "", nil, "run", "-data-dir", t.TempDir(), "-nats-port", port, "-ops-addr", "", "-api-addr", "")
	if code != 1 || !strings.Contains(stderr, "127.0.0.1:"+port+" is taken") || !strings.Contains(stderr, "-nats-port") {
		t.Fatalf("run on a busy port: exit %d, stderr %q", code, stderr)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("run on a busy port took %s to fail", took)
	}
}

func waitReady(t *testing.T, p *pipelineProcess) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ready(p) {
		if time.Now().After(deadline) {
			t.Fatal("pipeline not ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A second process run on the same -data-dir enriches its inputs again: the
// streams remember message ids as long as they keep messages, so each run's
// ids must be its own.
func TestProcessTwiceOnOneDataDir(t *testing.T) {
	dir := t.TempDir()
	for run, text := range []string{
		"Wendy Sherman met Sergei Ryabkov in Geneva on Monday, officials said.\n\nThe talks lasted seven hours.",
		"Josep Borrell spoke in Brussels on Tuesday, his office said.\n\nThe meeting lasted two hours.",
	} {
		code, out, stderr := newsflow(t, text, nil, "process", "-data-dir", dir, "-wait", "2m", "-")
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", run, code, stderr)
		}
		a, err := pipeline.DecodeArticle([]byte(strings.TrimSpace(out)), nil)
		if err != nil {
			t.Fatalf("run %d: %v (output %q)", run, err, out)
		}
		if want := strings.Fields(text)[0]; !strings.HasPrefix(a.Text, want) {
			t.Errorf("run %d gave the article %q, want its own input", run, a.Text)
		}
	}
}
