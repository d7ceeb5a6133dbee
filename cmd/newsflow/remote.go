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
		if resp.StatusCode == http.StatusBadRequest {
			err = fmt.Errorf("%w: %w", errUsage, err)
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

// Export pages through the matching articles and fetches each one whole,
// as the API stored it.
func (r remoteArticles) Export(ctx context.Context, v url.Values, w io.Writer) error {
	limit := 0
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: -limit %q is not a count", errUsage, s)
		}
		limit = n
	}
	q := url.Values{}
	for k, vs := range v {
		q[k] = vs
	}
	q.Set("limit", strconv.Itoa(store.MaxLimit))
	written := 0
	var doc bytes.Buffer
	for {
		page, err := r.Page(ctx, q)
		if err != nil {
			return err
		}
		for _, a := range page.Articles {
			if limit > 0 && written == limit {
				return nil
			}
			doc.Reset()
			if err := r.get(ctx, "/api/articles/"+url.PathEscape(a.ID), nil, &doc); err != nil {
				return err
			}
			line := bytes.TrimSpace(doc.Bytes())
			if _, err := w.Write(append(line, '\n')); err != nil {
				return err
			}
			written++
		}
		if page.Next == "" {
			return nil
		}
		q.Set("cursor", page.Next)
	}
}

func (r remoteArticles) Entities(ctx context.Context, name string) ([]store.EntityStat, error) {
	var list struct {
		Entities []store.EntityStat `json:"entities"`
	}
	err := r.get(ctx, "/api/entities", url.Values{"q": {name}, "limit": {"50"}}, &list)
	return list.Entities, err
}

func (r remoteArticles) Close() error { return nil }
