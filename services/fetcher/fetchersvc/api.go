package fetchersvc

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

// API serves the source registry and on-demand fetches over HTTP, as
// JSON; what the CLI does, for programs:
//
//	GET    /sources                 every source, with its state
//	POST   /sources                 add or update: {"url", "name", "every": "5m", "kind"}
//	GET    /sources/{ref}           one source (ref: id, name or URL-escaped URL)
//	DELETE /sources/{ref}           remove it
//	POST   /sources/{ref}/pause     stop polling it
//	POST   /sources/{ref}/resume    poll it again
//	POST   /fetch                   {"url", "source"}: fetch one page now
//
// Errors are {"error": "..."} with 400 (bad input), 404 (no such
// source), 409 (ambiguous name) or 500.
func (f *Fetcher) API() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sources", func(w http.ResponseWriter, r *http.Request) {
		list, err := f.reg.Listings(r.Context())
		reply(w, http.StatusOK, list, err)
	})
	mux.HandleFunc("POST /sources", func(w http.ResponseWriter, r *http.Request) {
		var s sources.Source
		if err := readJSON(r, &s); err != nil {
			reply(w, 0, nil, err)
			return
		}
		s.Paused = false // pausing is its own request
		s, created, err := f.reg.Add(r.Context(), s)
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		reply(w, status, s, err)
	})
	mux.HandleFunc("GET /sources/{ref}", func(w http.ResponseWriter, r *http.Request) {
		s, err := f.reg.Find(r.Context(), r.PathValue("ref"))
		reply(w, http.StatusOK, s, err)
	})
	mux.HandleFunc("DELETE /sources/{ref}", func(w http.ResponseWriter, r *http.Request) {
		s, err := f.find(r.Context(), r.PathValue("ref"), func(ctx context.Context, s sources.Source) (sources.Source, error) {
			return s, f.reg.Remove(ctx, s.ID)
		})
		reply(w, http.StatusOK, s, err)
	})
	for _, action := range []string{"pause", "resume"} {
		mux.HandleFunc("POST /sources/{ref}/"+action, func(w http.ResponseWriter, r *http.Request) {
			s, err := f.find(r.Context(), r.PathValue("ref"), func(ctx context.Context, s sources.Source) (sources.Source, error) {
				return f.reg.SetPaused(ctx, s.ID, action == "pause")
			})
			reply(w, http.StatusOK, s, err)
		})
	}
	mux.HandleFunc("POST /fetch", func(w http.ResponseWriter, r *http.Request) {
		var req FetchRequest
		if err := readJSON(r, &req); err != nil {
			reply(w, 0, nil, err)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		res := f.FetchNow(ctx, req.URL, req.Source)
		status := http.StatusOK
		switch {
		case res.Reason != "":
			status = http.StatusUnprocessableEntity
		case res.Error != "":
			status = http.StatusBadGateway
		}
		reply(w, status, res, nil)
	})
	return mux
}

func (f *Fetcher) find(ctx context.Context, ref string, then func(context.Context, sources.Source) (sources.Source, error)) (sources.Source, error) {
	s, err := f.reg.Find(ctx, ref)
	if err != nil {
		return s, err
	}
	return then(ctx, s)
}

// errBadRequest marks a request body that cannot be read.
var errBadRequest = errors.New("bad request")

func readJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return errors.Join(errBadRequest, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errors.Join(errBadRequest, err)
	}
	return nil
}

func reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		switch {
		case errors.Is(err, errBadRequest), errors.Is(err, sources.ErrInvalid), errors.Is(err, fetch.ErrRefused):
			status = http.StatusBadRequest
		case errors.Is(err, sources.ErrNotFound):
			status = http.StatusNotFound
		case errors.Is(err, sources.ErrAmbiguous):
			status = http.StatusConflict
		default:
			status = http.StatusInternalServerError
		}
		v = map[string]string{"error": err.Error()}
	}
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
