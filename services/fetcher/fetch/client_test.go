package fetch

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// site is a local web server that counts what it serves.
type site struct {
	*httptest.Server
	mux  *http.ServeMux
	mu   sync.Mutex
	hits map[string]int
}

// newSite serves on addr ("127.0.0.1:0" when empty).
func newSite(t *testing.T, addr string) *site {
	t.Helper()
	s := &site{mux: http.NewServeMux(), hits: map[string]int{}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		s.mux.ServeHTTP(w, r)
	}))
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("cannot listen on %s: %v", addr, err)
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	s.Server = srv
	return s
}

func (s *site) hit(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// testOptions allow 127.0.0.1 and keep retries fast.
func testOptions() Options {
	return Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		HostRate:     -1, HostConcurrency: 8,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond },
		Timeout: 5 * time.Second,
	}
}

func refusals(reason Reason) float64 {
	return testutil.ToFloat64(metricRefusals.WithLabelValues(string(reason)))
}

func wantRefused(t *testing.T, err error, reason Reason) {
	t.Helper()
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Reason != reason {
		t.Fatalf("err = %v, want a %s refusal", err, reason)
	}
}

func TestConditionalGetSavesTheDownload(t *testing.T) {
	s := newSite(t, "")
	page := strings.Repeat("<p>An article worth fetching once.</p>", 500)
	var fullBodies atomic.Int32
	s.mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fullBodies.Add(1)
		fmt.Fprint(w, page)
	})
	modified := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	s.mux.HandleFunc("/lastmod", func(w http.ResponseWriter, r *http.Request) {
		fullBodies.Add(1) // ServeContent answers the conditional itself
		http.ServeContent(w, r, "a.html", modified, strings.NewReader(page))
	})
	c := New(testOptions())
	ctx := context.Background()

	first, err := c.Get(ctx, Request{URL: s.URL + "/etag"})
	if err != nil || first.NotModified || string(first.Body) != page || first.ETag != `"v1"` {
		t.Fatalf("first GET: %+v, %v", first, err)
	}
	second, err := c.Get(ctx, Request{URL: s.URL + "/etag", ETag: first.ETag})
	if err != nil || !second.NotModified || len(second.Body) != 0 || second.ETag != `"v1"` {
		t.Fatalf("conditional GET: %+v, %v", second, err)
	}
	if n := fullBodies.Load(); n != 1 {
		t.Fatalf("page body sent %d times, want once", n)
	}

	first, err = c.Get(ctx, Request{URL: s.URL + "/lastmod"})
	if err != nil || first.LastModified == "" {
		t.Fatalf("first GET: %+v, %v", first, err)
	}
	second, err = c.Get(ctx, Request{URL: s.URL + "/lastmod", LastModified: first.LastModified})
	if err != nil || !second.NotModified {
		t.Fatalf("If-Modified-Since GET: %+v, %v", second, err)
	}
}

func TestCompressedBodiesAreDecoded(t *testing.T) {
	s := newSite(t, "")
	page := []byte(strings.Repeat("Compressed news travels light. ", 200))
	encoders := map[string]func(*bytes.Buffer) interface {
		Write([]byte) (int, error)
		Close() error
	}{
		"gzip": func(b *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Close() error
		} {
			return gzip.NewWriter(b)
		},
		"br": func(b *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Close() error
		} {
			return brotli.NewWriter(b)
		},
		"deflate": func(b *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Close() error
		} {
			return zlib.NewWriter(b)
		},
		"raw-deflate": func(b *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Close() error
		} {
			w, _ := flate.NewWriter(b, flate.DefaultCompression)
			return w
		},
	}
	for name, enc := range encoders {
		s.mux.HandleFunc("/"+name, func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "br") {
				t.Errorf("Accept-Encoding %q does not offer br", r.Header.Get("Accept-Encoding"))
			}
			var b bytes.Buffer
			zw := enc(&b)
			zw.Write(page)
			zw.Close()
			w.Header().Set("Content-Encoding", strings.TrimPrefix(name, "raw-"))
			w.Write(b.Bytes())
		})
	}
	c := New(testOptions())
	for name := range encoders {
		resp, err := c.Get(context.Background(), Request{URL: s.URL + "/" + name})
		if err != nil || !bytes.Equal(resp.Body, page) {
			t.Errorf("%s: body %d bytes, err %v; want the %d-byte page", name, len(resp.Body), err, len(page))
		}
	}
}

func TestSizeCapHoldsForPlainAndCompressedBodies(t *testing.T) {
	s := newSite(t, "")
	big := bytes.Repeat([]byte("x"), 64<<10)
	s.mux.HandleFunc("/declared", func(w http.ResponseWriter, r *http.Request) { w.Write(big) })
	s.mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 64; i++ {
			w.Write(big[:1<<10])
			w.(http.Flusher).Flush()
		}
	})
	var bomb bytes.Buffer // 8 MiB of zeros in a few KB
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestSpeed)
	zw.Write(make([]byte, 8<<20))
	zw.Close()
	s.mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	o := testOptions()
	o.MaxBytes = 32 << 10
	c := New(o)
	before := refusals(ReasonTooLarge)
	for _, path := range []string{"/declared", "/chunked", "/bomb"} {
		_, err := c.Get(context.Background(), Request{URL: s.URL + path})
		wantRefused(t, err, ReasonTooLarge)
	}
	if got := refusals(ReasonTooLarge) - before; got != 3 {
		t.Fatalf("too_large refusals counted %v, want 3", got)
	}
}

func TestRedirectsAreFollowedAndCapped(t *testing.T) {
	s := newSite(t, "")
	s.mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			fmt.Fprint(w, "<html><body>arrived</body></html>")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	s.mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusMovedPermanently)
	})
	c := New(testOptions())
	resp, err := c.Get(context.Background(), Request{URL: s.URL + "/hop/3"})
	if err != nil || resp.URL != s.URL+"/hop/0" {
		t.Fatalf("3 redirects: %v, %v", resp, err)
	}
	_, err = c.Get(context.Background(), Request{URL: s.URL + "/hop/6"})
	wantRefused(t, err, ReasonTooManyRedirects)
	_, err = c.Get(context.Background(), Request{URL: s.URL + "/to-file"})
	wantRefused(t, err, ReasonScheme)
}

func TestNonHTTPSchemesAreRefused(t *testing.T) {
	c := New(testOptions())
	before := refusals(ReasonScheme)
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/", "javascript:alert(1)"} {
		_, err := c.Get(context.Background(), Request{URL: u})
		wantRefused(t, err, ReasonScheme)
	}
	if got := refusals(ReasonScheme) - before; got != 4 {
		t.Fatalf("scheme refusals counted %v, want 4", got)
	}
}

func TestTooManyRequestsIsWaitedOut(t *testing.T) {
	s := newSite(t, "")
	var calls atomic.Int32
	var firstAt, secondAt time.Time
	s.mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			firstAt = time.Now()
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		secondAt = time.Now()
		fmt.Fprint(w, "<p>ok</p>")
	})
	c := New(testOptions())
	resp, err := c.Get(context.Background(), Request{URL: s.URL + "/busy"})
	if err != nil || string(resp.Body) != "<p>ok</p>" {
		t.Fatalf("GET after 429: %v, %v", resp, err)
	}
	if calls.Load() != 2 {
		t.Fatalf("server saw %d requests, want 2", calls.Load())
	}
	if gap := secondAt.Sub(firstAt); gap < time.Second {
		t.Fatalf("retried after %s, before the server's Retry-After of 1s", gap)
	}
}

func TestServerErrorsAreRetriedThenReported(t *testing.T) {
	s := newSite(t, "")
	var flaky atomic.Int32
	s.mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1) < 3 {
			http.Error(w, "oops", http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, "<p>third time lucky</p>")
	})
	s.mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	s.mux.HandleFunc("/later", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "come back in an hour", http.StatusTooManyRequests)
	})
	s.mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	c := New(testOptions())
	ctx := context.Background()
	if _, err := c.Get(ctx, Request{URL: s.URL + "/flaky"}); err != nil {
		t.Fatalf("flaky: %v", err)
	}
	_, err := c.Get(ctx, Request{URL: s.URL + "/down"})
	var later *RetryLaterError
	if !errors.As(err, &later) || later.Code != 503 || s.hit("/down") != 3 || !Temporary(err) {
		t.Fatalf("down: %v after %d attempts, want a RetryLaterError after 3", err, s.hit("/down"))
	}
	start := time.Now()
	_, err = c.Get(ctx, Request{URL: s.URL + "/later"})
	if !errors.As(err, &later) || later.Until.Before(start.Add(59*time.Minute)) || s.hit("/later") != 1 {
		t.Fatalf("Retry-After 3600: %v (%d requests), want a RetryLaterError an hour out, at once", err, s.hit("/later"))
	}
	_, err = c.Get(ctx, Request{URL: s.URL + "/gone"})
	var status *StatusError
	if !errors.As(err, &status) || status.Code != 410 || Temporary(err) || s.hit("/gone") != 1 {
		t.Fatalf("gone: %v, want a permanent 410 at once", err)
	}
}

func TestRobotsTxtIsObeyedAndCached(t *testing.T) {
	s := newSite(t, "")
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: newsflow\nDisallow: /private/\nAllow: /\n")
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if ua := r.Header.Get("User-Agent"); ua != DefaultUserAgent {
			t.Errorf("User-Agent %q", ua)
		}
		fmt.Fprint(w, "<p>page</p>")
	})
	c := New(testOptions())
	ctx := context.Background()
	for _, p := range []string{"/news/1", "/news/2", "/"} {
		if _, err := c.Get(ctx, Request{URL: s.URL + p}); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	before := refusals(ReasonRobots)
	_, err := c.Get(ctx, Request{URL: s.URL + "/private/secret"})
	wantRefused(t, err, ReasonRobots)
	if s.hit("/private/secret") != 0 {
		t.Fatal("a disallowed page was requested")
	}
	if refusals(ReasonRobots)-before != 1 {
		t.Fatal("robots refusal not counted")
	}
	if n := s.hit("/robots.txt"); n != 1 {
		t.Fatalf("robots.txt fetched %d times, want once (cached)", n)
	}
}

func TestRobotsTxtServerErrorMeansCrawlNothing(t *testing.T) {
	s := newSite(t, "")
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) })
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>page</p>") })
	missing := newSite(t, "")
	missing.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "<p>page</p>")
	})
	c := New(testOptions())
	_, err := c.Get(context.Background(), Request{URL: s.URL + "/a"})
	wantRefused(t, err, ReasonRobotsUnavailable)
	if !Temporary(err) || s.hit("/a") != 0 {
		t.Fatalf("robots.txt 500: %v, page hits %d; want a temporary refusal, no request", err, s.hit("/a"))
	}
	if _, err := c.Get(context.Background(), Request{URL: missing.URL + "/a"}); err != nil {
		t.Fatalf("robots.txt 404 should allow everything: %v", err)
	}
	if !strings.Contains(err.Error(), "500") {
		t.Errorf("robots_unavailable refusal does not say what robots.txt answered: %v", err)
	}
}

// A site that does not answer at all (offline, nothing listening) reports
// the network error, not a robots.txt refusal.
func TestUnreachableSiteReportsTheNetworkError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c := New(testOptions())
	_, err = c.Get(context.Background(), Request{URL: "http://" + addr + "/a"})
	if err == nil || errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "connection refused") || !Temporary(err) {
		t.Fatalf("err = %v; want the network error (connection refused), temporary, not a refusal", err)
	}
}

func TestCrawlDelaySlowsTheHost(t *testing.T) {
	s := newSite(t, "")
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.3\n")
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>page</p>") })
	c := New(testOptions())
	start := time.Now()
	for i := range 3 {
		if _, err := c.Get(context.Background(), Request{URL: fmt.Sprintf("%s/%d", s.URL, i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Three pages, one per 0.3 s once robots.txt has been read.
	if d := time.Since(start); d < 590*time.Millisecond {
		t.Fatalf("3 pages took %s under a 0.3s crawl delay", d)
	}
}

func TestPerHostConcurrencyIsCapped(t *testing.T) {
	s := newSite(t, "")
	var inFlight, peak atomic.Int32
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(30 * time.Millisecond)
		fmt.Fprint(w, "<p>page</p>")
	})
	o := testOptions()
	o.HostConcurrency = 2
	c := New(o)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), Request{URL: fmt.Sprintf("%s/%d", s.URL, i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 2 {
		t.Fatalf("%d requests in flight to one host, cap is 2", p)
	}
}

// A site allow-listed on 127.0.0.2 ("news.test") redirects to the
// loopback address 127.0.0.1, directly and through a hostname that
// resolves there: both are refused at dial time and nothing reaches the
// internal server.
func TestRedirectToLoopbackIsRefused(t *testing.T) {
	internal := newSite(t, "127.0.0.1:0")
	internal.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "internal secrets") })
	news := newSite(t, "127.0.0.2:0")
	_, internalPort, _ := net.SplitHostPort(internal.Listener.Addr().String())
	_, newsPort, _ := net.SplitHostPort(news.Listener.Addr().String())
	news.mux.HandleFunc("/to-ip", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:"+internalPort+"/admin", http.StatusFound)
	})
	news.mux.HandleFunc("/to-name", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://intranet.test:"+internalPort+"/admin", http.StatusFound)
	})
	news.mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>news</p>") })

	o := testOptions()
	o.AllowPrivate = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}
	o.Resolve = map[string]string{"news.test": "127.0.0.2", "intranet.test": "127.0.0.1"}
	c := New(o)
	ctx := context.Background()
	if _, err := c.Get(ctx, Request{URL: "http://news.test:" + newsPort + "/article"}); err != nil {
		t.Fatalf("the allow-listed site itself: %v", err)
	}
	before := refusals(ReasonLoopback)
	for _, p := range []string{"/to-ip", "/to-name"} {
		_, err := c.Get(ctx, Request{URL: "http://news.test:" + newsPort + p})
		wantRefused(t, err, ReasonLoopback)
	}
	_, err := c.Get(ctx, Request{URL: "http://intranet.test:" + internalPort + "/admin"})
	wantRefused(t, err, ReasonLoopback)
	if n := internal.hit("/admin") + internal.hit("/robots.txt"); n != 0 {
		t.Fatalf("the internal server was reached %d times", n)
	}
	if got := refusals(ReasonLoopback) - before; got < 3 {
		t.Fatalf("loopback refusals counted %v, want at least 3", got)
	}
}

func TestMetadataEndpointIsRefused(t *testing.T) {
	c := New(testOptions())
	_, err := c.Get(context.Background(), Request{URL: "http://169.254.169.254/latest/meta-data/"})
	wantRefused(t, err, ReasonMetadata)
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, "7": 7 * time.Second, "-3": 0, "soon": 0,
		"Mon, 01 Jan 2024 12:00:30 GMT": 30 * time.Second, "Mon, 01 Jan 2024 11:00:00 GMT": 0,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

// TestHTTPSIsVerified fetches over TLS (HTTP/2, as the client prefers it)
// from a server whose certificate names example.com, pinned to 127.0.0.1:
// trusted, it is fetched; untrusted or for another name, it is refused at
// once as a tls refusal, not retried as if the network had failed.
func TestHTTPSIsVerified(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<p>served over %s</p>", r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes below
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	o := testOptions()
	o.Resolve = map[string]string{"example.com": "127.0.0.1", "other.test": "127.0.0.1"}
	o.RootCAs = roots
	c := New(o)
	ctx := context.Background()
	resp, err := c.Get(ctx, Request{URL: "https://example.com:" + port + "/article"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "<p>served over HTTP/2.0</p>" {
		t.Fatalf("body %q", resp.Body)
	}

	before := refusals(ReasonTLS)
	retries := testutil.ToFloat64(metricRetries)
	_, err = c.Get(ctx, Request{URL: "https://other.test:" + port + "/article"})
	wantRefused(t, err, ReasonTLS)
	if !strings.Contains(err.Error(), "other.test") {
		t.Fatalf("the refusal does not say which name failed: %v", err)
	}
	o.RootCAs = nil // the system's roots do not know httptest's authority
	_, err = New(o).Get(ctx, Request{URL: "https://example.com:" + port + "/article"})
	wantRefused(t, err, ReasonTLS)
	if got := refusals(ReasonTLS) - before; got != 2 {
		t.Fatalf("tls refusals counted %v, want 2", got)
	}
	if got := testutil.ToFloat64(metricRetries) - retries; got != 0 {
		t.Fatalf("certificate failures were retried %v times", got)
	}
}
