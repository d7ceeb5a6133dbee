// Package web is the sink's web view: a page a newsroom analyst keeps open,
// with articles appearing live as they are stored, full-text search and
// filters, articles with their people, organisations and places
// highlighted and their quotes listed, entity pages with their mentions
// over time, story pages, search results with the query's words marked,
// facets and exports, and a search inside quotes.
//
// It is plain HTML, CSS and JavaScript embedded in the binary (no build
// step), talking to the JSON API of package api. Nothing from an article is
// ever interpreted as HTML by the page, and a strict Content-Security-Policy
// forbids inline scripts as a second line of defence. With a token
// (WithToken) API clients send it as a Bearer header and browsers log in
// once at /login for a session cookie.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/newsflow/newsflow/services/sink/api"
	"github.com/newsflow/newsflow/services/sink/store"
)

//go:embed static
var static embed.FS

// Option configures New.
type Option func(*config)

type config struct {
	apiOpts []api.Option
	token   string
}

// WithToken requires token of every request but /healthz, /login and the
// static files: API clients send "Authorization: Bearer TOKEN", browsers
// log in at /login with it and get a session cookie (see auth). "" leaves
// the view open.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithAPIOptions passes options to the API New mounts.
func WithAPIOptions(opts ...api.Option) Option {
	return func(c *config) { c.apiOpts = append(c.apiOpts, opts...) }
}

// csp allows the page its own scripts, styles and API, and nothing else:
// no inline script, no inline event handler, no plugin, no framing.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// New returns the handler serving the web view at / and the JSON API under
// /api/, over st. Mount it at the root of a server:
//
//	http.ListenAndServe(addr, web.New(st))
func New(st store.Store, opts ...Option) http.Handler {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	assets, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree is part of the binary
	}
	etags := map[string]string{}
	fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(assets, p)
			sum := sha256.Sum256(b)
			etags["/"+p] = `"` + hex.EncodeToString(sum[:8]) + `"`
		}
		return nil
	})
	index, _ := fs.ReadFile(assets, "index.html")
	if cfg.token != "" {
		// Logging out only means something with a login.
		index = []byte(strings.Replace(string(index), `<form id="logout" method="post" action="/logout" hidden>`, `<form id="logout" method="post" action="/logout">`, 1))
	}
	files := http.StripPrefix("/static", http.FileServerFS(assets))

	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(st, cfg.apiOpts...))
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/static")
		tag, ok := etags[name]
		if !ok || name == "/index.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "no-cache") // revalidate: cheap with the ETag
		files.ServeHTTP(w, r)
	})
	// The page's own routes all serve the one page; it reads the path.
	page := func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		w.Write(index)
	}
	for _, p := range []string{"GET /{$}", "GET /articles/", "GET /entities", "GET /entities/", "GET /stories", "GET /stories/", "GET /quotes"} {
		mux.HandleFunc(p, page)
	}
	if cfg.token == "" {
		return secure(mux)
	}
	a := &auth{token: []byte(cfg.token), now: time.Now}
	return secure(a.wrap(mux))
}

// secure sets the headers every response of the web view carries.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
