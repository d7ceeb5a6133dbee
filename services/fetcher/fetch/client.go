package fetch

import (
	"bufio"
	"cmp"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline/backoff"
)

// DefaultUserAgent names newsflow to the sites it reads. Its first word
// ("newsflow") is the token robots.txt rules are matched against.
const DefaultUserAgent = "newsflow/0.1 (+https://github.com/newsflow/newsflow; news ingestion)"

// Options configure a Client. Zero fields take the defaults noted.
type Options struct {
	// UserAgent is sent with every request. Default DefaultUserAgent.
	UserAgent string
	// AllowPrivate exempts these addresses from the guard (tests allow
	// 127.0.0.1/32; a deployment may allow an internal mirror).
	AllowPrivate []netip.Prefix
	// Resolve pins hostnames to addresses, like curl --resolve: requests
	// for the host connect to the address, which the guard still checks.
	Resolve map[string]string
	// RootCAs are the certificate authorities HTTPS servers are verified
	// against. Default: the system's (which SSL_CERT_FILE and
	// SSL_CERT_DIR can point elsewhere, e.g. at a private CA's bundle).
	RootCAs *x509.CertPool
	// Timeout bounds one request, body included. Default 30s.
	Timeout time.Duration
	// MaxBytes caps a response body after decompression. Default 16 MiB.
	MaxBytes int64
	// MaxRedirects caps a redirect chain. Default 5.
	MaxRedirects int
	// MaxAttempts is how many times a request is sent when it meets a
	// 429, a 5xx or a transport error. Default 3.
	MaxAttempts int
	// Backoff is the wait before attempt+1. Default: exponential from 1s
	// to 30s with jitter. A Retry-After answer overrides it.
	Backoff func(attempt int) time.Duration
	// MaxRetryAfter is the longest Retry-After waited out in place; a
	// longer one ends the request with a *RetryLaterError. Default 2m.
	MaxRetryAfter time.Duration
	// HostRate is requests per second to one host (host:port); negative
	// means unlimited. Default 1. HostBurst (default 3) requests may go
	// at once after a quiet spell; HostConcurrency (default 2) may be in
	// flight at any time.
	HostRate        float64
	HostBurst       int
	HostConcurrency int
	// RobotsTTL is how long a robots.txt is trusted. Default 24h; an
	// unavailable one is retried after a minute.
	RobotsTTL time.Duration
	Log       *zap.Logger
}

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 16 << 20
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.Backoff == nil {
		o.Backoff = backoff.Exponential(time.Second, 30*time.Second)
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 2 * time.Minute
	}
	if o.HostRate == 0 {
		o.HostRate = 1
	}
	if o.HostBurst <= 0 {
		o.HostBurst = 3
	}
	if o.HostConcurrency <= 0 {
		o.HostConcurrency = 2
	}
	if o.RobotsTTL <= 0 {
		o.RobotsTTL = 24 * time.Hour
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	return o
}

// Client fetches URLs politely and safely; see the package documentation.
// It is safe for concurrent use; share one per process so its per-host
// limits and robots.txt cache hold across everything it fetches.
type Client struct {
	o      Options
	agent  string
	http   *http.Client
	guard  *Guard
	hosts  *hostLimits
	robots *robotsCache
	log    *zap.Logger
}

// New returns a Client configured by o.
func New(o Options) *Client {
	o = o.withDefaults()
	c := &Client{o: o, agent: robotsAgent(o.UserAgent), guard: NewGuard(o.AllowPrivate), log: o.Log,
		hosts: newHostLimits(o.HostRate, o.HostBurst, o.HostConcurrency)}
	c.robots = newRobotsCache(c, o.RobotsTTL)
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: c.guard.Control}
	resolve := o.Resolve
	c.http = &http.Client{
		Transport: &http.Transport{
			Proxy: nil, // a proxy would hide the target's address from the guard
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if host, port, err := net.SplitHostPort(addr); err == nil {
					if ip, ok := resolve[strings.ToLower(host)]; ok {
						addr = net.JoinHostPort(ip, port)
					}
				}
				return dialer.DialContext(ctx, network, addr)
			},
			ForceAttemptHTTP2:      true,
			MaxIdleConns:           256,
			MaxIdleConnsPerHost:    o.HostConcurrency,
			IdleConnTimeout:        90 * time.Second,
			TLSHandshakeTimeout:    10 * time.Second,
			TLSClientConfig:        &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
			ResponseHeaderTimeout:  o.Timeout,
			ExpectContinueTimeout:  time.Second,
			MaxResponseHeaderBytes: 1 << 20,
			// Accept-Encoding is ours, so br and deflate are accepted too
			// and the size cap applies to the decompressed bytes.
			DisableCompression: true,
		},
		// Redirects are followed by Get, hop by hop, so each new URL gets
		// the scheme check, robots.txt and its host's limits.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

// robotsAgent is the product token robots.txt groups are matched against.
func robotsAgent(userAgent string) string {
	token := userAgent
	if i := strings.IndexAny(token, "/ "); i >= 0 {
		token = token[:i]
	}
	return strings.ToLower(token)
}

// Request is one GET. ETag and LastModified, from an earlier Response,
// make it conditional.
type Request struct {
	URL          string
	ETag         string
	LastModified string
	// Accept defaults to HTML, feeds, sitemaps and plain text.
	Accept string
}

const defaultAccept = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml," +
	"application/feed+json,application/xml;q=0.9,text/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"

// Response is a successful fetch.
type Response struct {
	// URL is where the body came from, after redirects.
	URL string
	// NotModified reports a 304 to a conditional request: Body is empty
	// and the caller's copy is current.
	NotModified  bool
	ContentType  string
	ETag         string
	LastModified string
	// Body is decompressed, at most Options.MaxBytes long, in the page's
	// own character encoding.
	Body      []byte
	FetchedAt time.Time
}

// Get fetches r.URL, following redirects. Errors are a *RefusedError
// (the guard, robots.txt, a cap), a *StatusError (a 4xx, say), a
// *RetryLaterError (429 or 5xx beyond the retries), a transport error after
// the retries, or ctx's error.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	return c.get(ctx, r, true)
}

func (c *Client) get(ctx context.Context, r Request, obeyRobots bool) (*Response, error) {
	u, err := c.checkURL(r.URL)
	if err != nil {
		return nil, err
	}
	for hop := 0; ; hop++ {
		resp, next, err := c.fetch(ctx, u, r, obeyRobots)
		if err != nil {
			return nil, err
		}
		if next == nil {
			return resp, nil
		}
		if hop >= c.o.MaxRedirects {
			return nil, c.refuse(r.URL, ReasonTooManyRedirects, fmt.Sprintf("more than %d redirects, last to %s", c.o.MaxRedirects, next))
		}
		if u, err = c.checkURL(next.String()); err != nil {
			return nil, err
		}
	}
}

// checkURL parses raw and refuses what the client never fetches.
func (c *Client) checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, c.refuse(raw, ReasonBadURL, err.Error())
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, c.refuse(raw, ReasonScheme, "only http and https are fetched")
	}
	if u.Hostname() == "" {
		return nil, c.refuse(raw, ReasonBadURL, "no host")
	}
	u.Host = strings.ToLower(u.Host)
	u.User = nil // never send credentials a feed happened to embed
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// refuse logs and counts a refusal and returns it.
func (c *Client) refuse(rawURL string, reason Reason, detail string) *RefusedError {
	metricRefusals.WithLabelValues(string(reason)).Inc()
	c.log.Info("fetch refused", zap.String("url", rawURL), zap.String("reason", string(reason)), zap.String("detail", detail))
	return &RefusedError{URL: rawURL, Reason: reason, Detail: detail}
}

// retryable is an attempt worth repeating: a 429 or 5xx (code) or no
// answer at all (err).
type retryable struct {
	code  int
	after time.Duration // the server's Retry-After, 0 if none
	err   error
}

func (r *retryable) Error() string {
	if r.err != nil {
		return r.err.Error()
	}
	return "HTTP " + strconv.Itoa(r.code)
}

// fetch gets one URL, retrying what may succeed on a later try. It
// returns the response, or the URL a redirect points to.
func (c *Client) fetch(ctx context.Context, u *url.URL, r Request, obeyRobots bool) (*Response, *url.URL, error) {
	if obeyRobots {
		if err := c.robots.check(ctx, u); err != nil {
			return nil, nil, err
		}
	}
	for attempt := 1; ; attempt++ {
		resp, next, err := c.attempt(ctx, u, r)
		var retry *retryable
		if !errors.As(err, &retry) {
			return resp, next, err
		}
		if retry.after > c.o.MaxRetryAfter {
			return nil, nil, &RetryLaterError{URL: u.String(), Code: retry.code, Until: time.Now().Add(retry.after)}
		}
		if attempt >= c.o.MaxAttempts {
			if retry.code != 0 {
				return nil, nil, &RetryLaterError{URL: u.String(), Code: retry.code}
			}
			return nil, nil, fmt.Errorf("GET %s: %w after %d attempts: %w", u, errTransport, attempt, retry.err)
		}
		wait := c.o.Backoff(attempt)
		if retry.after > 0 {
			wait = retry.after
		}
		metricRetries.Inc()
		c.log.Debug("retrying", zap.Stringer("url", u), zap.Int("attempt", attempt), zap.Duration("wait", wait), zap.Error(retry))
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// attempt sends one request within the host's limits.
func (c *Client) attempt(ctx context.Context, u *url.URL, r Request) (*Response, *url.URL, error) {
	release, err := c.hosts.acquire(ctx, u.Host)
	if err != nil {
		return nil, nil, fmt.Errorf("waiting for a turn at %s: %w", u.Host, err)
	}
	defer release()
	actx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, c.refuse(u.String(), ReasonBadURL, err.Error())
	}
	req.Header.Set("User-Agent", c.o.UserAgent)
	req.Header.Set("Accept", cmp.Or(r.Accept, defaultAccept))
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var refused *RefusedError
		if errors.As(err, &refused) {
			return nil, nil, c.refuse(u.String(), refused.Reason, refused.Detail)
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if detail, ok := certificateProblem(err); ok { // the same certificate on every try
			return nil, nil, c.refuse(u.String(), ReasonTLS, detail)
		}
		metricResponses.WithLabelValues("error").Inc()
		return nil, nil, &retryable{err: err}
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10) // lets a short unread body keep the connection
		resp.Body.Close()
	}()
	metricResponses.WithLabelValues(responseClass(resp.StatusCode)).Inc()
	now := time.Now().UTC()
	code := resp.StatusCode
	switch {
	case code == http.StatusNotModified:
		return &Response{URL: u.String(), NotModified: true, FetchedAt: now,
			ETag: cmp.Or(resp.Header.Get("ETag"), r.ETag), LastModified: cmp.Or(resp.Header.Get("Last-Modified"), r.LastModified)}, nil, nil
	case code >= 200 && code < 300:
		body, err := c.readBody(ctx, resp, u)
		if err != nil {
			return nil, nil, err
		}
		return &Response{URL: u.String(), ContentType: resp.Header.Get("Content-Type"), FetchedAt: now,
			ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Body: body}, nil, nil
	case code == 301 || code == 302 || code == 303 || code == 307 || code == 308:
		loc := resp.Header.Get("Location")
		if loc == "" {
			return nil, nil, &StatusError{URL: u.String(), Code: code, Status: resp.Status + " without a Location"}
		}
		next, err := u.Parse(loc)
		if err != nil {
			return nil, nil, c.refuse(loc, ReasonBadURL, "redirect from "+u.String()+": "+err.Error())
		}
		return nil, next, nil
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
		return nil, nil, &retryable{code: code, after: retryAfter(resp.Header.Get("Retry-After"), now)}
	default:
		return nil, nil, &StatusError{URL: u.String(), Code: code, Status: resp.Status}
	}
}

// certificateProblem reports a server certificate that failed
// verification — unknown authority, wrong host name, expired — and says
// what was wrong with it.
func certificateProblem(err error) (string, bool) {
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &hostname):
		return hostname.Error(), true
	case errors.As(err, &authority):
		return authority.Error(), true
	case errors.As(err, &invalid):
		return invalid.Error(), true
	case errors.As(err, &verify):
		return verify.Err.Error(), true
	}
	return "", false
}

// readBody reads the decompressed body up to the size cap.
func (c *Client) readBody(ctx context.Context, resp *http.Response, u *url.URL) ([]byte, error) {
	limit := c.o.MaxBytes
	if resp.ContentLength > limit {
		return nil, c.refuse(u.String(), ReasonTooLarge, fmt.Sprintf("Content-Length %d over the %d-byte cap", resp.ContentLength, limit))
	}
	var body io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, &retryable{err: fmt.Errorf("gzip body: %w", err)}
		}
		defer zr.Close()
		body = zr
	case "deflate":
		body = inflate(body)
	case "br":
		body = brotli.NewReader(body)
	default:
		return nil, c.refuse(u.String(), ReasonContentEncoding, "Content-Encoding "+enc)
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	metricBytes.Add(float64(len(data)))
	if int64(len(data)) > limit {
		return nil, c.refuse(u.String(), ReasonTooLarge, fmt.Sprintf("body over the %d-byte cap", limit))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &retryable{err: fmt.Errorf("reading body: %w", err)}
	}
	return data, nil
}

// inflate reads HTTP "deflate", which is meant to be zlib-wrapped but is
// raw DEFLATE from some servers; the first two bytes tell them apart.
func inflate(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		if zr, err := zlib.NewReader(br); err == nil {
			return zr
		}
	}
	return flate.NewReader(br)
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(secs, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
