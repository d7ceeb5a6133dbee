package fetchersvc

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

// Options are the fetcher's own settings. Every one is a flag (and so an
// environment variable: -fetch-host-rate is NEWSFLOW_FETCH_HOST_RATE).
type Options struct {
	// SourcesFile is a YAML source file seeding the registry at start
	// (see sources.LoadFile); "" for none.
	SourcesFile string

	UserAgent string
	// AllowPrivate lists addresses and networks the SSRF guard lets
	// through, comma-separated ("127.0.0.1,10.0.0.0/8").
	AllowPrivate string
	// Resolve pins hostnames to addresses (like curl --resolve); not a
	// flag: for tests and benchmarks serving "sites" from loopback.
	Resolve map[string]string

	Timeout         time.Duration
	MaxBytes        int64
	MaxRedirects    int
	Attempts        int
	MaxRetryAfter   time.Duration
	HostRate        float64
	HostBurst       int
	HostConcurrency int
	RobotsTTL       time.Duration

	// Polls is how many sources this replica polls at once; PageWorkers
	// how many of one poll's pages it fetches at once (each host's own
	// limits apply on top).
	Polls       int
	PageWorkers int
	// MaxItems bounds the links taken from one feed or sitemap per poll,
	// newest first; MaxSitemaps the children read from a sitemap index.
	MaxItems    int
	MaxSitemaps int
	// SeenTTL is how long a published article's URL is remembered; an
	// article a feed still lists after that is fetched (conditionally) again.
	SeenTTL time.Duration
	// LeaseTTL is how long a replica holds a source it polls without
	// renewing; a crashed replica's sources are taken over after it.
	LeaseTTL time.Duration
	// APIAddr serves the registry's HTTP API (see Fetcher.API); "" for none.
	APIAddr string

	// ApplyTopology makes this replica the owner of the fetcher's buckets
	// (registry, state, seen): they are created or updated to these
	// options; otherwise created if absent and verified
	// (runner.ErrTopologyMismatch). Not a flag of its own: Build sets it
	// from the shared -apply-topology.
	ApplyTopology bool

	allow []netip.Prefix
}

// DefaultOptions returns the defaults the flags start from.
func DefaultOptions() Options {
	return Options{
		UserAgent: fetch.DefaultUserAgent,
		Timeout:   30 * time.Second, MaxBytes: 16 << 20, MaxRedirects: 5, Attempts: 3, MaxRetryAfter: 2 * time.Minute,
		HostRate: 1, HostBurst: 3, HostConcurrency: 2, RobotsTTL: 24 * time.Hour,
		Polls: 8, PageWorkers: 4, MaxItems: 100, MaxSitemaps: 10,
		SeenTTL: 30 * 24 * time.Hour, LeaseTTL: 2 * time.Minute,
	}
}

// RegisterFlags binds o to flags on fs.
func (o *Options) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.SourcesFile, "sources-file", o.SourcesFile, "YAML file of sources to register at start (see docs)")
	fs.StringVar(&o.UserAgent, "fetch-user-agent", o.UserAgent, "User-Agent sent to sites; its first word is matched against robots.txt")
	fs.StringVar(&o.AllowPrivate, "fetch-allow-private", o.AllowPrivate, "addresses/networks exempt from the private-address guard, comma-separated (e.g. 10.1.2.3,192.168.0.0/16)")
	fs.DurationVar(&o.Timeout, "fetch-timeout", o.Timeout, "time limit for one HTTP request, body included")
	fs.Int64Var(&o.MaxBytes, "fetch-max-bytes", o.MaxBytes, "largest response body accepted, after decompression")
	fs.IntVar(&o.MaxRedirects, "fetch-max-redirects", o.MaxRedirects, "longest redirect chain followed")
	fs.IntVar(&o.Attempts, "fetch-attempts", o.Attempts, "tries of a request meeting 429, 5xx or a network error")
	fs.DurationVar(&o.MaxRetryAfter, "fetch-max-retry-after", o.MaxRetryAfter, "longest Retry-After waited out in place; longer ones reschedule")
	fs.Float64Var(&o.HostRate, "fetch-host-rate", o.HostRate, "requests per second to one host (robots.txt Crawl-delay may lower it; negative: unlimited)")
	fs.IntVar(&o.HostBurst, "fetch-host-burst", o.HostBurst, "requests to one host allowed at once after a quiet spell")
	fs.IntVar(&o.HostConcurrency, "fetch-host-concurrency", o.HostConcurrency, "requests in flight to one host")
	fs.DurationVar(&o.RobotsTTL, "fetch-robots-ttl", o.RobotsTTL, "how long a robots.txt is cached")
	fs.IntVar(&o.Polls, "fetch-polls", o.Polls, "sources polled at once by this replica")
	fs.IntVar(&o.PageWorkers, "fetch-page-workers", o.PageWorkers, "pages of one source fetched at once")
	fs.IntVar(&o.MaxItems, "fetch-max-items", o.MaxItems, "links taken from one feed or sitemap per poll, newest first")
	fs.IntVar(&o.MaxSitemaps, "fetch-max-sitemaps", o.MaxSitemaps, "child sitemaps read from a sitemap index per poll, newest first")
	fs.DurationVar(&o.SeenTTL, "fetch-seen-ttl", o.SeenTTL, "how long a published article's URL is remembered")
	fs.DurationVar(&o.LeaseTTL, "fetch-lease-ttl", o.LeaseTTL, "how long a replica holds a source without renewing (failover time)")
	fs.StringVar(&o.APIAddr, "fetch-api-addr", o.APIAddr, `address serving the sources HTTP API (GET/POST /sources, ...); "" for none`)
}

// Validate reports every setting that cannot work.
func (o *Options) Validate() error {
	var errs []error
	allow, err := fetch.ParsePrefixes(strings.Split(o.AllowPrivate, ","))
	if err != nil {
		errs = append(errs, fmt.Errorf("fetch-allow-private: %w", err))
	}
	o.allow = allow
	if o.SourcesFile != "" {
		if _, err := sources.LoadFile(o.SourcesFile); err != nil {
			errs = append(errs, fmt.Errorf("sources-file: %w", err))
		}
	}
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(strings.TrimSpace(o.UserAgent) != "", "fetch-user-agent is empty")
	check(o.Timeout >= time.Second, "fetch-timeout %s: want at least 1s", o.Timeout)
	check(o.MaxBytes >= 1024, "fetch-max-bytes %d: want at least 1024", o.MaxBytes)
	check(o.MaxRedirects >= 0 && o.MaxRedirects <= 20, "fetch-max-redirects %d: want 0 to 20", o.MaxRedirects)
	check(o.Attempts >= 1 && o.Attempts <= 10, "fetch-attempts %d: want 1 to 10", o.Attempts)
	check(o.MaxRetryAfter >= 0, "fetch-max-retry-after cannot be negative")
	check(o.HostRate != 0, "fetch-host-rate 0 would never fetch; use a negative value for unlimited")
	check(o.HostBurst >= 1 && o.HostConcurrency >= 1, "fetch-host-burst and fetch-host-concurrency: want at least 1")
	check(o.RobotsTTL >= time.Minute, "fetch-robots-ttl %s: want at least 1m", o.RobotsTTL)
	check(o.Polls >= 1 && o.PageWorkers >= 1, "fetch-polls and fetch-page-workers: want at least 1")
	check(o.MaxItems >= 1 && o.MaxSitemaps >= 1, "fetch-max-items and fetch-max-sitemaps: want at least 1")
	check(o.SeenTTL >= time.Hour, "fetch-seen-ttl %s: want at least 1h", o.SeenTTL)
	check(o.LeaseTTL >= 3*time.Second, "fetch-lease-ttl %s: want at least 3s", o.LeaseTTL)
	return errors.Join(errs...)
}

func (o *Options) clientOptions() fetch.Options {
	return fetch.Options{
		UserAgent: o.UserAgent, AllowPrivate: o.allow, Resolve: o.Resolve,
		Timeout: o.Timeout, MaxBytes: o.MaxBytes, MaxRedirects: o.MaxRedirects, MaxAttempts: o.Attempts,
		MaxRetryAfter: o.MaxRetryAfter, HostRate: o.HostRate, HostBurst: o.HostBurst,
		HostConcurrency: o.HostConcurrency, RobotsTTL: o.RobotsTTL,
	}
}

// explain adds to a refusal of a non-public address how to allow it: the
// operator trying a feed served from this machine or the office network
// needs -fetch-allow-private, and the refusal is where they look.
// Instance-metadata endpoints get no such hint: they stay refused.
func explain(err error) error {
	var refused *fetch.RefusedError
	if !errors.As(err, &refused) {
		return err
	}
	switch refused.Reason {
	case fetch.ReasonLoopback, fetch.ReasonPrivate, fetch.ReasonLinkLocal, fetch.ReasonUnspecified:
		return fmt.Errorf("%w (to fetch from such addresses, start the fetcher with -fetch-allow-private=ADDRESS or NEWSFLOW_FETCH_ALLOW_PRIVATE)", err)
	}
	return err
}
