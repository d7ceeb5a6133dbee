package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
	"go.uber.org/zap"
	"golang.org/x/sync/singleflight"
)

// robotsCache holds each site's robots.txt for a TTL. Concurrent misses
// for one site share one fetch.
type robotsCache struct {
	c     *Client
	ttl   time.Duration
	group singleflight.Group

	mu     sync.Mutex
	sites  map[string]*robotsEntry
	lastGC time.Time
}

type robotsEntry struct {
	rules *robotstxt.RobotsData // nil when unavailable
	// unavailable: the site answered 5xx or not at all. Google's rule,
	// which we follow: crawl nothing there until it answers.
	unavailable bool
	// cause is why it is unavailable: a 5xx answer or a network error.
	cause   error
	expires time.Time
}

// unavailableTTL is how soon an unavailable robots.txt is asked again.
const unavailableTTL = time.Minute

func newRobotsCache(c *Client, ttl time.Duration) *robotsCache {
	return &robotsCache{c: c, ttl: ttl, sites: map[string]*robotsEntry{}, lastGC: time.Now()}
}

// check returns nil if robots.txt lets the client fetch u, a
// *RefusedError if it does not, or the error that kept it from knowing.
func (rc *robotsCache) check(ctx context.Context, u *url.URL) error {
	site := u.Scheme + "://" + u.Host
	e, err := rc.entry(ctx, site)
	if err != nil {
		return err
	}
	if e.unavailable {
		var status *StatusError
		if e.cause != nil && !errors.As(e.cause, &status) && !errors.Is(e.cause, ErrRetryLater) {
			// No answer at all (offline, DNS, refused connection): that
			// network error is the news, not robots.txt.
			return fmt.Errorf("%s/robots.txt unreachable, so not fetching %s: %w", site, u, e.cause)
		}
		detail := site + "/robots.txt could not be read; crawling nothing there for now"
		if e.cause != nil {
			detail += " (" + e.cause.Error() + ")"
		}
		return rc.c.refuse(u.String(), ReasonRobotsUnavailable, detail)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.rules.TestAgent(path, rc.c.agent) {
		return rc.c.refuse(u.String(), ReasonRobots, "disallowed by "+site+"/robots.txt")
	}
	return nil
}

func (rc *robotsCache) entry(ctx context.Context, site string) (*robotsEntry, error) {
	now := time.Now()
	rc.mu.Lock()
	e := rc.sites[site]
	rc.mu.Unlock()
	if e != nil && now.Before(e.expires) {
		return e, nil
	}
	v, err, _ := rc.group.Do(site, func() (any, error) {
		// The fetch is shared: one caller giving up must not fail the others.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*rc.c.o.Timeout)
		defer cancel()
		e, err := rc.load(lctx, site)
		if err != nil {
			return nil, err
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if now.Sub(rc.lastGC) > rc.ttl/4 {
			rc.lastGC = now
			for k, old := range rc.sites {
				if now.After(old.expires) {
					delete(rc.sites, k)
				}
			}
		}
		rc.sites[site] = e
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*robotsEntry), nil
}

// load fetches and parses site's robots.txt. Errors are returned only
// when the site may not be fetched at all (the guard refused it) or the
// caller gave up; everything else is an answer: rules, allow-all (4xx,
// unparsable) or unavailable (5xx, no answer).
func (rc *robotsCache) load(ctx context.Context, site string) (*robotsEntry, error) {
	now := time.Now()
	resp, err := rc.c.get(ctx, Request{URL: site + "/robots.txt", Accept: "text/plain"}, false)
	var status *StatusError
	var refused *RefusedError
	errors.As(err, &status)
	errors.As(err, &refused)
	switch {
	case err == nil:
		rules, perr := robotstxt.FromBytes(resp.Body)
		if perr != nil {
			rc.c.log.Info("unparsable robots.txt, treating as allow-all", zap.String("site", site), zap.Error(perr))
			rules, _ = robotstxt.FromStatusAndBytes(404, nil)
			metricRobots.WithLabelValues("allow_all").Inc()
		} else {
			metricRobots.WithLabelValues("rules").Inc()
		}
		if delay := rules.FindGroup(rc.c.agent).CrawlDelay; delay > 0 {
			if u, err := url.Parse(site); err == nil {
				rc.c.hosts.crawlDelay(u.Host, delay)
			}
		}
		return &robotsEntry{rules: rules, expires: now.Add(rc.ttl)}, nil
	case status != nil && status.Code >= 400 && status.Code < 500,
		refused != nil && (refused.Reason == ReasonTooLarge || refused.Reason == ReasonContentEncoding || refused.Reason == ReasonTooManyRedirects):
		// No usable robots.txt: no restrictions, as for a 404.
		rules, _ := robotstxt.FromStatusAndBytes(404, nil)
		metricRobots.WithLabelValues("allow_all").Inc()
		return &robotsEntry{rules: rules, expires: now.Add(rc.ttl)}, nil
	case refused != nil, ctx.Err() != nil:
		return nil, err
	default:
		rc.c.log.Info("robots.txt unavailable", zap.String("site", site), zap.Error(err))
		metricRobots.WithLabelValues("unavailable").Inc()
		return &robotsEntry{unavailable: true, cause: err, expires: now.Add(unavailableTTL)}, nil
	}
}
