package fetch

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// hostLimits gives each host a request rate and a number of requests in
// flight. A host's entry is forgotten after it has been idle a while, so a
// fetcher crawling many sites does not grow without bound.
type hostLimits struct {
	rate        rate.Limit
	burst       int
	concurrency int

	mu      sync.Mutex
	hosts   map[string]*hostLimit
	lastGC  time.Time
	idleFor time.Duration
}

type hostLimit struct {
	limiter  *rate.Limiter
	slots    chan struct{}
	lastUsed time.Time
	// crawlDelay is the robots.txt Crawl-delay applied, 0 if none.
	crawlDelay time.Duration
}

func newHostLimits(perSecond float64, burst, concurrency int) *hostLimits {
	r := rate.Limit(perSecond)
	if perSecond <= 0 {
		r = rate.Inf
	}
	return &hostLimits{rate: r, burst: burst, concurrency: concurrency,
		hosts: map[string]*hostLimit{}, idleFor: 10 * time.Minute, lastGC: time.Now()}
}

func (h *hostLimits) get(host string) *hostLimit {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if now.Sub(h.lastGC) > h.idleFor {
		h.lastGC = now
		for k, l := range h.hosts {
			if now.Sub(l.lastUsed) > h.idleFor && len(l.slots) == 0 {
				delete(h.hosts, k)
			}
		}
	}
	l := h.hosts[host]
	if l == nil {
		l = &hostLimit{limiter: rate.NewLimiter(h.rate, h.burst), slots: make(chan struct{}, h.concurrency)}
		h.hosts[host] = l
	}
	l.lastUsed = now
	return l
}

// acquire waits for a free slot and the rate limiter's permission to send
// one request to host; release frees the slot once the response is read.
func (h *hostLimits) acquire(ctx context.Context, host string) (release func(), err error) {
	l := h.get(host)
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := l.limiter.Wait(ctx); err != nil {
		<-l.slots
		return nil, err
	}
	return func() { <-l.slots }, nil
}

// crawlDelay slows host down to one request per delay if that is slower
// than its configured rate (robots.txt Crawl-delay).
func (h *hostLimits) crawlDelay(host string, delay time.Duration) {
	if delay <= 0 {
		return
	}
	l := h.get(host)
	h.mu.Lock()
	defer h.mu.Unlock()
	if l.crawlDelay == delay {
		return
	}
	l.crawlDelay = delay
	if r := rate.Every(delay); r < h.rate {
		l.limiter.SetLimit(r)
		l.limiter.SetBurst(1)
	}
}
