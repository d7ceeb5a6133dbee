package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/services/sink/store"
)

// remoteArticles reads the store through the sink's HTTP API (docs/API.md),
// for a pipeline that runs elsewhere (docker compose, a server).
type remoteArticles struct {
	base   string // e.g. http://localhost:8080, without a trailing slash
	token  string // the sink's -api-token, if it has one
	client *http.Client
}

func newRemoteArticles(base, token string) (remoteArticles, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return remoteArticles{}, fmt.Errorf("%w: -api %q is not an http(s) URL", errUsage, base)
	}
	return remoteArticles{base: strings.TrimSuffix(base, "/"), token: token, client: &http.Client{Timeout: time.Minute}}, nil
}

// get fetches path?v and decodes its JSON into out (or, with out a
// *bytes.Buffer, copies the body), turning the API's errors into Go errors.
func (r remoteArticles) get(ctx context.Context, path string, v url.Values, out any) error {
	target := r.base + path
	if len(v) > 0 {
		target += "?" + v.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("asking the API (is it at %s? set -api or NEWSFLOW_API): %w", r.base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", target, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(body))
		}
		err := fmt.Errorf("%s: %s: %s", path, resp.Status, e.Error)
		switch resp.StatusCode {
		case http.StatusBadRequest:
			err = fmt.Errorf("%w: %w", errUsage, err)
		case http.StatusNotFound:
			err = fmt.Errorf("%w: %w", store.ErrNotFound, err)
		}
		return err
	}
	if buf, ok := out.(*bytes.Buffer); ok {
		buf.Write(body)
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: not the API's answer: %w", target, err)
	}
	return nil
}

func (r remoteArticles) Page(ctx context.Context, v url.Values) (store.ArticlePage, error) {
	var page store.ArticlePage
	err := r.get(ctx, "/api/articles", v, &page)
	return page, err
}

// Export streams the API's export of the matching articles (GET
// /api/export: JSON lines as stored, or CSV with format=csv).
func (r remoteArticles) Export(ctx context.Context, v url.Values, w io.Writer) error {
	if s := v.Get("limit"); s != "" {
		if n, err := strconv.Atoi(s); err != nil || n < 0 {
			return fmt.Errorf("%w: -limit %q is not a count", errUsage, s)
		}
	}
	target := r.base + "/api/export"
	if len(v) > 0 {
		target += "?" + v.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	// An export may take longer than one answer is given.
	client := *r.client
	client.Timeout = 0
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("asking the API (is it at %s? set -api or NEWSFLOW_API): %w", r.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var e struct{ Error string }
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(body))
		}
		err := fmt.Errorf("/api/export: %s: %s", resp.Status, e.Error)
		if resp.StatusCode == http.StatusBadRequest {
			err = fmt.Errorf("%w: %w", errUsage, err)
		}
		return err
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("/api/export: %w", err)
	}
	return nil
}

// Resolve asks the API which entity ref stands for; the API's 404 is
// store.ErrNotFound.
func (r remoteArticles) Resolve(ctx context.Context, ref string) (store.EntityMatch, error) {
	var m store.EntityMatch
	err := r.get(ctx, "/api/resolve", url.Values{"entity": {ref}}, &m)
	return m, err
}

func (r remoteArticles) Close() error { return nil }
