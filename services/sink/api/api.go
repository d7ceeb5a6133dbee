// Package api is the sink's HTTP JSON API over the article store: articles
// (full-text search and filters, with snippets, facets and exports as CSV
// or JSON lines), quotes, entities, stories, sources, one of each, and a
// server-sent event stream of articles as they are committed.
// docs/API.md is the reference.
//
// Every parameter is validated before the store sees it; a bad one gets a
// 400 with a JSON body saying what is wrong, and nothing the caller sends
// ever reaches SQL except as a bound parameter.
package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/segmentio/encoding/json"
	"go.uber.org/zap"
)

// Option configures New.
type Option func(*server)

// WithLogger sets the logger (default: none).
func WithLogger(l *zap.Logger) Option {
	return func(s *server) {
		if l != nil {
			s.log = l
		}
	}
}

// WithHeartbeat sets how often an idle event stream sends a comment to
// keep proxies from closing it (default 20s).
func WithHeartbeat(d time.Duration) Option {
	return func(s *server) {
		if d > 0 {
			s.heartbeat = d
		}
	}
}

// WithStreamContext ends every event stream when ctx is done. Pass the
// server's lifetime context: http.Server.Shutdown waits for open requests,
// and an event stream is open until the client leaves.
func WithStreamContext(ctx context.Context) Option {
	return func(s *server) {
		if ctx != nil {
			s.life = ctx
		}
	}
}

type server struct {
	st        store.Store
	log       *zap.Logger
	heartbeat time.Duration
	life      context.Context
}

// New returns the API handler. It serves paths under /api/, so it can be
// mounted as is on a mux that also serves the web view:
//
//	mux.Handle("/api/", api.New(st))
func New(st store.Store, opts ...Option) http.Handler {
	s := &server{st: st, log: zap.NewNop(), heartbeat: 20 * time.Second, life: context.Background()}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/articles", reply(s, articleParams, s.articles))
	mux.HandleFunc("GET /api/articles/{id...}", s.article)
	mux.HandleFunc("GET /api/entities", reply(s, []string{"type", "q", "from", "to", "limit", "offset"}, s.entities))
	mux.HandleFunc("GET /api/entities/{id...}", reply(s, nil, s.entity))
	mux.HandleFunc("GET /api/stories", reply(s, []string{"from", "to", "limit", "cursor"}, s.stories))
	mux.HandleFunc("GET /api/stories/{id...}", reply(s, nil, s.story))
	mux.HandleFunc("GET /api/facets", reply(s, articleParams, s.facets))
	mux.HandleFunc("GET /api/quotes", reply(s, []string{"q", "speaker", "from", "to", "limit", "offset"}, s.quotes))
	mux.HandleFunc("GET /api/export", s.export)
	mux.HandleFunc("GET /api/resolve", reply(s, []string{"entity"}, s.resolve))
	mux.HandleFunc("GET /api/sources", reply(s, nil, s.sources))
	mux.HandleFunc("GET /api/stats", reply(s, nil, s.stats))
	mux.HandleFunc("GET /api/events", s.events)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint: %s %s (see docs/API.md)", r.Method, r.URL.Path))
	})
	return methodGuard(mux)
}

// methodGuard answers methods the API does not serve with a JSON 405:
// it is read-only, and writing goes through NATS.
func methodGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "the API is read-only: use GET (articles are written by publishing to NATS)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// badRequest is a parameter error: it becomes a 400.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badf(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var br *badRequest
	switch {
	case errors.As(err, &br):
		writeError(w, http.StatusBadRequest, br.msg)
	case errors.Is(err, store.ErrBadQuery):
		writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), store.ErrBadQuery.Error()+": "))
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; there is nobody to answer.
	default:
		s.log.Error("api", zap.String("path", r.URL.Path), zap.Error(err))
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"encoding the response failed"}`)
	}
	setJSONHeaders(w)
	w.WriteHeader(code)
	w.Write(b)
	w.Write([]byte{'\n'})
}

func setJSONHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
}

// params checks a request's query parameters against the ones an
// endpoint takes, so a misspelt filter is an error rather than ignored.
func params(r *http.Request, allowed ...string) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badf("malformed query string: %v", err)
	}
	for k := range v {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			sort.Strings(allowed)
			return nil, badf("unknown parameter %q (this endpoint takes: %s)", k, strings.Join(allowed, ", "))
		}
	}
	return v, nil
}

// single returns the value of a parameter given at most once.
func single(v url.Values, name string) (string, error) {
	switch vals := v[name]; len(vals) {
	case 0:
		return "", nil
	case 1:
		return strings.TrimSpace(vals[0]), nil
	default:
		return "", badf("parameter %q is given %d times; it takes one value", name, len(vals))
	}
}

func intParam(v url.Values, name string) (int, error) {
	s, err := single(v, name)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, badf("parameter %q must be a non-negative integer, got %q", name, s)
	}
	return n, nil
}

func boolParam(v url.Values, name string) (bool, error) {
	s, err := single(v, name)
	if err != nil || s == "" {
		return false, err
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, badf("parameter %q must be true or false (or 1 or 0), got %q", name, s)
	}
	return b, nil
}

// timeParam reads RFC 3339 or YYYY-MM-DD. A bare date in an upper bound
// means the end of that day, so to=2022-01-12 includes the 12th.
func timeParam(v url.Values, name string, upper bool) (time.Time, error) {
	s, err := single(v, name)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	return time.Time{}, badf("parameter %q must be a date (2022-01-12) or an RFC 3339 time (2022-01-12T09:30:00Z), got %q", name, s)
}

// multi returns a repeatable parameter's values; a comma-free list given
// once per value, so names with commas survive.
func multi(v url.Values, name string) []string {
	var out []string
	for _, s := range v[name] {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// articleParams are the parameters of GET /api/articles.
var articleParams = []string{"q", "entity", "source", "story", "from", "to", "limit", "cursor", "copies", "copies_of"}

// ParseArticleQuery reads the article filters from URL parameters, as
// GET /api/articles takes them (see docs/API.md): q, entity (repeatable),
// source (repeatable), story, from, to, limit, cursor, copies (a boolean:
// list copies too), copies_of (an article id: list its copies). The CLI's
// search and export build their queries with it too.
func ParseArticleQuery(v url.Values) (store.ArticleQuery, error) {
	var (
		q   store.ArticleQuery
		err error
	)
	if q.Text, err = single(v, "q"); err != nil {
		return q, err
	}
	if q.Story, err = single(v, "story"); err != nil {
		return q, err
	}
	if q.Cursor, err = single(v, "cursor"); err != nil {
		return q, err
	}
	if q.From, err = timeParam(v, "from", false); err != nil {
		return q, err
	}
	if q.To, err = timeParam(v, "to", true); err != nil {
		return q, err
	}
	if q.Limit, err = intParam(v, "limit"); err != nil {
		return q, err
	}
	if q.Copies, err = boolParam(v, "copies"); err != nil {
		return q, err
	}
	if q.CopiesOf, err = single(v, "copies_of"); err != nil {
		return q, err
	}
	q.Entities, q.Sources = multi(v, "entity"), multi(v, "source")
	if len(q.Text) > 500 {
		return q, badf("parameter \"q\" is %d bytes long; at most 500", len(q.Text))
	}
	return q, nil
}

// reply answers a read-only JSON endpoint: the query may hold only the
// allowed parameters, get answers from them, and an error from either is
// reported by fail (a 400 for a bad parameter, a 404 for a missing thing).
func reply[T any](s *server, allowed []string, get func(r *http.Request, v url.Values) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := params(r, allowed...)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		answer, err := get(r, v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, answer)
	}
}

func (s *server) articles(r *http.Request, v url.Values) (store.ArticlePage, error) {
	q, err := ParseArticleQuery(v)
	if err != nil {
		return store.ArticlePage{}, err
	}
	return s.st.Articles(r.Context(), q)
}

func (s *server) facets(r *http.Request, v url.Values) (store.Facets, error) {
	q, err := ParseArticleQuery(v)
	if err != nil {
		return store.Facets{}, err
	}
	return s.st.Facets(r.Context(), q)
}

// pageParams reads the period and page a listing takes: from, to (whole
// days included), limit and offset.
func pageParams(v url.Values) (from, to time.Time, limit, offset int, err error) {
	if from, err = timeParam(v, "from", false); err != nil {
		return
	}
	if to, err = timeParam(v, "to", true); err != nil {
		return
	}
	if limit, err = intParam(v, "limit"); err != nil {
		return
	}
	offset, err = intParam(v, "offset")
	return
}

func (s *server) quotes(r *http.Request, v url.Values) (store.QuotePage, error) {
	var (
		q   store.QuoteQuery
		err error
	)
	q.Text, err = single(v, "q")
	if err == nil {
		q.Speaker, err = single(v, "speaker")
	}
	if err == nil {
		q.From, q.To, q.Limit, q.Offset, err = pageParams(v)
	}
	if err == nil && len(q.Text) > 500 {
		err = badf("parameter \"q\" is %d bytes long; at most 500", len(q.Text))
	}
	if err != nil {
		return store.QuotePage{}, err
	}
	return s.st.Quotes(r.Context(), q)
}

// export streams every article matching the article parameters (copies
// included, as `newsflow export` does; limit 0 or none means all) as a
// download: format=jsonl (the default), the articles as stored, one a
// line, or format=csv, one row per article (store.CSVHeader).
func (s *server) export(w http.ResponseWriter, r *http.Request) {
	v, err := params(r, append([]string{"format"}, articleParams...)...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := single(v, "format")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	delete(v, "format")
	q, err := ParseArticleQuery(v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	write, ctype, ext := store.ExportJSONL, "application/x-ndjson; charset=utf-8", "jsonl"
	switch format {
	case "", "jsonl", "json":
	case "csv":
		write, ctype, ext = store.ExportCSV, "text/csv; charset=utf-8", "csv"
	default:
		s.fail(w, r, badf("parameter \"format\" must be jsonl or csv, got %q", format))
		return
	}
	out := &lazyWriter{w: w, start: func() {
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="newsflow-articles.`+ext+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	n, err := write(r.Context(), s.st, out, q)
	switch {
	case err != nil && !out.started:
		s.fail(w, r, err)
	case err != nil:
		// The status is sent: all that is left is to break the
		// connection, so the client sees a cut download rather than a
		// complete one.
		s.log.Error("export", zap.Int("written", n), zap.Error(err))
		panic(http.ErrAbortHandler)
	case !out.started: // nothing matched: an empty file
		out.start()
	}
}

// lazyWriter sends the headers with the first byte, so that an error
// before any byte can still be answered with a status and a JSON body.
type lazyWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
	}
	return l.w.Write(p)
}

func (s *server) article(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	// The stored JSON is the article as the pipeline delivered it: served
	// as is, never re-encoded.
	doc, err := s.st.Doc(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setJSONHeaders(w)
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
	w.Write([]byte{'\n'})
}

type entityList struct {
	Entities []store.EntityStat `json:"entities"`
}

func (s *server) entities(r *http.Request, v url.Values) (entityList, error) {
	var q store.EntityQuery
	typ, err := single(v, "type")
	if err == nil {
		q.Type = pipeline.EntityType(strings.ToUpper(typ))
		q.Name, err = single(v, "q")
	}
	if err == nil {
		q.From, q.To, q.Limit, q.Offset, err = pageParams(v)
	}
	if err != nil {
		return entityList{}, err
	}
	es, err := s.st.Entities(r.Context(), q)
	return entityList{es}, err
}

// entity answers an entity by id or, failing that, whatever entity the
// reference resolves to (a name, a surname, a spelling), so that
// /entities/Putin finds Vladimir Putin; the answer's id says which.
func (s *server) entity(r *http.Request, _ url.Values) (store.EntityDetail, error) {
	ref := r.PathValue("id")
	d, err := s.st.Entity(r.Context(), ref)
	if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	m, rerr := s.st.ResolveEntity(r.Context(), ref)
	if rerr != nil {
		return d, err
	}
	return s.st.Entity(r.Context(), m.Entity.ID)
}

// resolve says which entity a reference stands for (store.ResolveEntity):
// what every entity filter of the API does with it.
func (s *server) resolve(r *http.Request, v url.Values) (store.EntityMatch, error) {
	ref, err := single(v, "entity")
	if err == nil && ref == "" {
		err = badf("parameter \"entity\" is required: an id, a name, part of a name or a spelling")
	}
	if err != nil {
		return store.EntityMatch{}, err
	}
	return s.st.ResolveEntity(r.Context(), ref)
}

func (s *server) stories(r *http.Request, v url.Values) (store.StoryPage, error) {
	var q store.StoryQuery
	var err error
	q.From, err = timeParam(v, "from", false)
	if err == nil {
		q.To, err = timeParam(v, "to", true)
	}
	if err == nil {
		q.Limit, err = intParam(v, "limit")
	}
	if err == nil {
		q.Cursor, err = single(v, "cursor")
	}
	if err != nil {
		return store.StoryPage{}, err
	}
	return s.st.Stories(r.Context(), q)
}

func (s *server) story(r *http.Request, _ url.Values) (store.StoryDetail, error) {
	return s.st.Story(r.Context(), r.PathValue("id"))
}

type sourceList struct {
	Sources []store.SourceStat `json:"sources"`
}

func (s *server) sources(r *http.Request, _ url.Values) (sourceList, error) {
	src, err := s.st.Sources(r.Context())
	return sourceList{src}, err
}

type stats struct {
	Articles int `json:"articles"`
}

func (s *server) stats(r *http.Request, _ url.Values) (stats, error) {
	n, err := s.st.Count(r.Context())
	return stats{n}, err
}

// events streams committed articles as server-sent events:
//
//	event: ready
//	data: {"gap":false}
//
//	id: 3f9c2a7d51e0-42
//	event: article
//	data: {"article":{...summary...},"updated":false}
//
// A client that reconnects with Last-Event-ID (browsers' EventSource does
// so by itself) first gets what was committed since that event; "gap" is
// true when that is not possible (the id is from before a restart or too
// old), and the client should reload what it shows. A comment line is sent
// every heartbeat so idle connections stay open.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	// A stream outlives any server-wide write timeout.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	// Subscribe before telling the client it is connected: nothing
	// committed after the "ready" event is missed.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.life, cancel)
	defer stop()
	events, resumed := s.st.Subscribe(ctx, r.Header.Get("Last-Event-ID"))
	fmt.Fprintf(w, "retry: 2000\nevent: ready\ndata: {\"gap\":%t}\n\n", !resumed)
	if err := rc.Flush(); err != nil {
		return
	}
	tick := time.NewTicker(s.heartbeat)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return // store closed or client gone
			}
			b, err := json.Marshal(ev)
			if err != nil {
				s.log.Error("encoding event", zap.Error(err))
				continue
			}
			fmt.Fprintf(w, "id: %s\nevent: article\ndata: %s\n\n", ev.Cursor, b)
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case <-ctx.Done():
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
