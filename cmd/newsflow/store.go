package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/services/sink/api"
	"github.com/newsflow/newsflow/services/sink/store"
)

// defaultDB is the store `newsflow run` keeps by default.
var defaultDB = "sqlite://" + filepath.Join(defaultAllInOne().DataDir, "newsflow.db")

// articleQuery is what search and export share: the filters, read into URL
// parameters so they are checked exactly as the API checks them, and where
// the articles are.
type articleQuery struct {
	v              url.Values
	db, api, token *string
}

// queryFlags declares the flags search and export share.
func queryFlags(fs *flag.FlagSet) *articleQuery {
	q := &articleQuery{v: url.Values{}, db: new(string), api: new(string), token: new(string)}
	fs.StringVar(q.db, "db", defaultDB, "the store to read (`newsflow run` keeps it in newsflow-data/newsflow.db)")
	fs.StringVar(q.api, "api", "", "read through the sink's HTTP API at this URL instead of a store file\n(e.g. http://localhost:8080 for `make up`)")
	fs.StringVar(q.token, "api-token", "", "the API's bearer token, if the sink requires one (its -api-token)")
	fs.Func("entity", "only articles mentioning this entity: id, name or surname (repeat for all of several)", addParam(q.v, "entity"))
	fs.Func("source", "only articles from this source (repeat for any of several)", addParam(q.v, "source"))
	fs.Func("story", "only articles of this story id", setParam(q.v, "story"))
	fs.Func("from", "only articles at or after this date or RFC 3339 time", setParam(q.v, "from"))
	fs.Func("to", "only articles before this time, or up to the end of this date", setParam(q.v, "to"))
	fs.Func("q", "full-text query, the same as the QUERY arguments", setParam(q.v, "q"))
	fs.BoolFunc("copies", "list copies of articles (duplicate_of) too, not only the originals", setParam(q.v, "copies"))
	fs.Func("copies_of", "only the copies of the article with this id", setParam(q.v, "copies_of"))
	return q
}

func addParam(v url.Values, key string) func(string) error {
	return func(s string) error { v.Add(key, s); return nil }
}

func setParam(v url.Values, key string) func(string) error {
	return func(s string) error { v.Set(key, s); return nil }
}

// parse reads args, the query words among them.
func (q *articleQuery) parse(e *env, fs *flag.FlagSet, args []string) error {
	// The environment fills only the flags not on the command line; note
	// which, so that -db given there beats NEWSFLOW_API.
	asked, fromEnv := map[string]bool{}, map[string]bool{}
	words, err := parseArgs(fs, args, func(k string) string {
		v := e.getenv(k)
		asked[k], fromEnv[k] = true, v != ""
		return v
	})
	if err != nil {
		return err
	}
	if fromEnv["NEWSFLOW_API"] && !asked["NEWSFLOW_DB"] {
		*q.api = ""
	}
	if len(words) > 0 {
		text := strings.Join(words, " ")
		if prev := q.v.Get("q"); prev != "" {
			text = prev + " " + text
		}
		q.v.Set("q", text)
	}
	return nil
}

// articles is where search and export read articles from.
type articles interface {
	// Page is one page of summaries matching v (the API's parameters).
	Page(ctx context.Context, v url.Values) (store.ArticlePage, error)
	// Export writes every article matching v as JSON lines.
	Export(ctx context.Context, v url.Values, w io.Writer) error
	// Resolve says which entity ref stands for (store.Reader.ResolveEntity).
	Resolve(ctx context.Context, ref string) (store.EntityMatch, error)
	Close() error
}

// open opens the store the flags name, or the API.
func (q *articleQuery) open(ctx context.Context) (articles, error) {
	if *q.api != "" {
		return newRemoteArticles(*q.api, *q.token)
	}
	st, err := store.Open(ctx, *q.db, store.WithExistingOnly())
	if err != nil {
		return nil, fmt.Errorf("opening %s (set -db or NEWSFLOW_DB): %w", *q.db, err)
	}
	return localArticles{st}, nil
}

// start parses args, opens where the articles are and resolves -entity
// names: what search and export do before they read.
func (q *articleQuery) start(ctx context.Context, e *env, fs *flag.FlagSet, args []string) (articles, error) {
	if err := q.parse(e, fs, args); err != nil {
		return nil, err
	}
	src, err := q.open(ctx)
	if err != nil {
		return nil, err
	}
	if err := resolveEntities(ctx, e, src, q.v); err != nil {
		src.Close()
		return nil, err
	}
	return src, nil
}

// resolveEntities asks the store (or the API) which entity each -entity
// stands for, by the store's one rule (store.Reader.ResolveEntity: id,
// name, whole words of a name such as a surname, a spelling, the most
// mentioned first), and when it was not the id or the name says on stderr
// which entity it took: "Putin" for "Vladimir Putin".
func resolveEntities(ctx context.Context, e *env, src articles, v url.Values) error {
	given := v["entity"]
	for i, ref := range given {
		m, err := src.Resolve(ctx, ref)
		if errors.Is(err, store.ErrNotFound) {
			continue // the query then matches nothing, as it should
		}
		if err != nil {
			return err
		}
		if m.How == store.MatchID || m.How == store.MatchName {
			continue
		}
		given[i] = m.Entity.ID
		note := ""
		if len(m.Others) > 0 {
			var others []string
			for _, c := range m.Others {
				others = append(others, c.Name)
			}
			note = fmt.Sprintf("; also %s (give the full name or id to choose)", strings.Join(others, ", "))
		}
		fmt.Fprintf(e.stderr, "entity %q: %s (%s)%s\n", ref, m.Entity.Name, m.Entity.ID, note)
	}
	return nil
}

func searchCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "search", "[QUERY...]")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: newsflow search [flags] [QUERY...]\n\n"+
			"Searches the stored articles, newest first. QUERY uses web-search syntax:\n"+
			"words (all required), \"quoted phrases\", -excluded words, OR between\n"+
			"alternatives; put it after -- when it starts with a dash.\n\nflags:\n")
		fs.PrintDefaults()
	}
	q := queryFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON lines (one article summary per line) instead of a table")
	fs.Func("cursor", "continue from the cursor printed after the previous page", setParam(q.v, "cursor"))
	fs.Func("limit", fmt.Sprintf("articles per page (default %d, at most %d)", store.DefaultLimit, store.MaxLimit), setParam(q.v, "limit"))
	src, err := q.start(ctx, e, fs, args)
	if err != nil {
		return err
	}
	defer src.Close()
	page, err := src.Page(ctx, q.v)
	if err != nil {
		return err
	}
	if !*asJSON {
		return api.WriteTable(e.stdout, page)
	}
	for _, a := range page.Articles {
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
			return err
		}
	}
	return nil
}

func exportCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export", "[QUERY...]")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: newsflow export [flags] [QUERY...] > articles.jsonl\n\n"+
			"Writes the stored articles matching the query and filters (all of them by\n"+
			"default) as JSON lines, each exactly as stored, newest first; or, with\n"+
			"-csv, one CSV row per article (the web view's export). QUERY is search's.\n\nflags:\n")
		fs.PrintDefaults()
	}
	q := queryFlags(fs)
	fs.Func("limit", "stop after this many articles (default: all)", setParam(q.v, "limit"))
	fs.BoolFunc("csv", "write CSV (id, time, source, title, url, entities by type, keywords, …) instead of JSON lines", setParam(q.v, "format"))
	src, err := q.start(ctx, e, fs, args)
	if err != nil {
		return err
	}
	defer src.Close()
	if f := q.v.Get("format"); f != "" {
		if b, _ := strconv.ParseBool(f); b {
			q.v.Set("format", "csv")
		} else {
			q.v.Del("format")
		}
	}
	return src.Export(ctx, q.v, e.stdout)
}

// localArticles reads a store directly.
type localArticles struct{ st store.Store }

func (l localArticles) Page(ctx context.Context, v url.Values) (store.ArticlePage, error) {
	q, err := api.ParseArticleQuery(v)
	if err != nil {
		return store.ArticlePage{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	return l.st.Articles(ctx, q)
}

func (l localArticles) Export(ctx context.Context, v url.Values, w io.Writer) error {
	write := store.ExportJSONL
	if v.Get("format") == "csv" {
		write = store.ExportCSV
	}
	v = withoutFormat(v)
	q, err := api.ParseArticleQuery(v)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	_, err = write(ctx, l.st, w, q)
	return err
}

// withoutFormat is v less the export's format, which no query takes.
func withoutFormat(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != "format" {
			out[k] = vs
		}
	}
	return out
}

func (l localArticles) Resolve(ctx context.Context, ref string) (store.EntityMatch, error) {
	return l.st.ResolveEntity(ctx, ref)
}

func (l localArticles) Close() error { return l.st.Close() }
