package fetchersvc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/backoff"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

// poll takes src's lease, polls it, and releases the lease with the next
// due time, which it returns. Without the lease (another replica has it,
// or it is not due after all) it only reports when to look again.
func (f *Fetcher) poll(ctx context.Context, src sources.Source) time.Time {
	lease, st, err := f.reg.Acquire(ctx, src.ID, f.owner, f.o.LeaseTTL)
	switch {
	case errors.Is(err, sources.ErrNotDue):
		return st.NextPoll
	case errors.Is(err, sources.ErrBusy):
		return f.sched.dueTime(st).Add(jitter(time.Second))
	case err != nil:
		if ctx.Err() == nil {
			f.log.Warn("taking a source's lease", zap.String("source", src.Label()), zap.Error(err))
		}
		return time.Now().Add(5*time.Second + jitter(time.Second))
	}
	start := time.Now()
	pctx, cancel := context.WithCancel(ctx)
	renewed := f.keepLease(pctx, cancel, lease, src)
	f.pollSource(pctx, src, &st)
	cancel()
	<-renewed
	metricPollSeconds.Observe(time.Since(start).Seconds())

	// Release even when ctx is done: on shutdown the source goes straight
	// to another replica instead of waiting out the lease.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if err := lease.Release(rctx, st); err != nil && !errors.Is(err, sources.ErrLeaseLost) {
		f.log.Warn("releasing a source's lease", zap.String("source", src.Label()), zap.Error(err))
	}
	return st.NextPoll
}

// keepLease renews the lease every third of its TTL until ctx is done,
// and cancels the poll if the lease is lost. The channel closes when it
// has stopped.
func (f *Fetcher) keepLease(ctx context.Context, cancel context.CancelFunc, lease *sources.Lease, src sources.Source) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(f.o.LeaseTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			rctx, rcancel := context.WithTimeout(ctx, f.o.LeaseTTL/3)
			err := lease.Renew(rctx, f.o.LeaseTTL)
			rcancel()
			if errors.Is(err, sources.ErrLeaseLost) {
				f.log.Warn("lease lost mid-poll; stopping", zap.String("source", src.Label()))
				cancel()
				return
			}
			if err != nil && ctx.Err() == nil {
				f.log.Warn("renewing a source's lease", zap.String("source", src.Label()), zap.Error(err))
			}
		}
	}()
	return done
}

// pollSource fetches src and everything new it lists, recording the
// outcome and the next due time in st.
func (f *Fetcher) pollSource(ctx context.Context, src sources.Source, st *sources.State) {
	now := time.Now().UTC()
	st.LastPoll = now
	resp, err := f.client.Get(ctx, fetch.Request{URL: src.URL, ETag: st.Validators.ETag, LastModified: st.Validators.LastModified})
	if err != nil {
		f.failed(ctx, src, st, err)
		return
	}
	if resp.NotModified {
		metricPolls.WithLabelValues("not_modified").Inc()
		f.succeeded(src, st, "not modified", tally{})
		return
	}
	t, complete, err := f.harvest(ctx, src, st, resp)
	if err != nil {
		f.failed(ctx, src, st, err)
		return
	}
	if complete {
		st.Validators = sources.Validators{ETag: resp.ETag, LastModified: resp.LastModified}
	} else {
		// Some pages failed for now. Without validators the next poll
		// reads the whole feed again, and so retries them.
		st.Validators, st.Children = sources.Validators{}, nil
	}
	metricPolls.WithLabelValues("ok").Inc()
	f.succeeded(src, st, t.String(), t)
}

// harvest publishes what a fetched source holds: the page itself, or the
// new articles a feed or sitemap lists. complete is false when some
// article failed in a way a later poll may fix.
func (f *Fetcher) harvest(ctx context.Context, src sources.Source, st *sources.State, resp *fetch.Response) (tally, bool, error) {
	doc, err := fetch.Parse(resp, f.o.MaxBytes)
	if err != nil {
		return tally{}, false, err
	}
	if src.Kind != "" && src.Kind != doc.Kind {
		return tally{}, false, fmt.Errorf("%s is registered as a %s but serves a %s", src.URL, src.Kind, doc.Kind)
	}
	var t tally
	if doc.Kind == fetch.KindPage {
		r, err := f.emit(ctx, src, fetch.Link{URL: resp.URL}, resp, modeRecheck, nil)
		t.add(r.outcome, err)
		return t, t.temporary == 0, nil
	}
	links := doc.Links
	complete := true
	if len(doc.Sitemaps) > 0 {
		var childLinks []fetch.Link
		childLinks, complete = f.sitemapChildren(ctx, st, doc.Sitemaps)
		links = append(links, childLinks...)
	}
	links = fetch.Newest(links, f.o.MaxItems)
	t = f.collectAll(ctx, src, links)
	return t, complete && t.temporary == 0, nil
}

// sitemapChildren reads the newest children of a sitemap index,
// conditionally, and returns their links. Their validators are kept in
// st.Children.
func (f *Fetcher) sitemapChildren(ctx context.Context, st *sources.State, children []fetch.Link) ([]fetch.Link, bool) {
	next := map[string]sources.Validators{}
	var links []fetch.Link
	complete := true
	for _, child := range fetch.Newest(children, f.o.MaxSitemaps) {
		v := st.Children[child.URL]
		resp, err := f.client.Get(ctx, fetch.Request{URL: child.URL, ETag: v.ETag, LastModified: v.LastModified})
		if err != nil {
			complete = complete && !fetch.Temporary(err)
			f.log.Info("child sitemap", zap.String("url", child.URL), zap.Error(err))
			continue
		}
		if resp.NotModified {
			next[child.URL] = v
			continue
		}
		next[child.URL] = sources.Validators{ETag: resp.ETag, LastModified: resp.LastModified, Lastmod: child.Updated}
		doc, err := fetch.Parse(resp, f.o.MaxBytes)
		if err == nil && doc.Kind != fetch.KindSitemap {
			err = fmt.Errorf("a %s, not a sitemap", doc.Kind)
		}
		if err != nil {
			f.log.Info("child sitemap", zap.String("url", child.URL), zap.Error(err))
			continue
		}
		if len(doc.Sitemaps) > 0 {
			f.log.Info("nested sitemap index not followed", zap.String("url", child.URL))
		}
		links = append(links, doc.Links...)
	}
	st.Children = next
	return links, complete
}

// collectAll fetches and publishes links, PageWorkers at a time.
func (f *Fetcher) collectAll(ctx context.Context, src sources.Source, links []fetch.Link) tally {
	var (
		mu   sync.Mutex
		t    tally
		wg   sync.WaitGroup
		work = make(chan fetch.Link)
	)
	for range min(f.o.PageWorkers, len(links)) {
		wg.Go(func() {
			for link := range work {
				r, err := f.collect(ctx, src, link, modeNew)
				mu.Lock()
				t.add(r.outcome, err)
				mu.Unlock()
			}
		})
	}
feed:
	for _, link := range links {
		select {
		case work <- link:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return t
}

// succeeded records a poll that reached the source.
func (f *Fetcher) succeeded(src sources.Source, st *sources.State, status string, t tally) {
	st.LastStatus, st.LastError, st.Failures = status, "", 0
	st.Published += int64(t.published)
	every := src.Every.Duration
	st.NextPoll = time.Now().UTC().Add(every + jitter(min(every/10, 30*time.Second)))
	if t.published > 0 || t.failed() > 0 {
		f.log.Info("polled", zap.String("source", src.Label()), zap.String("outcome", status))
	} else {
		f.log.Debug("polled", zap.String("source", src.Label()), zap.String("outcome", status))
	}
}

// failed records a poll that did not reach the source (or could not read
// it): the interval backs off exponentially, and a Retry-After pushes it
// further. A cancelled poll (shutdown, pause, removal) is nobody's fault:
// the source is due again at once, for whoever polls it next.
func (f *Fetcher) failed(ctx context.Context, src sources.Source, st *sources.State, err error) {
	now := time.Now().UTC()
	if ctx.Err() != nil {
		st.NextPoll = now
		return
	}
	metricPolls.WithLabelValues("failed").Inc()
	st.Failures++
	st.LastStatus, st.LastError = "failed", explain(err).Error()
	every := src.Every.Duration
	st.NextPoll = now.Add(backoff.Exponential(every, max(every, time.Hour))(st.Failures))
	var later *fetch.RetryLaterError
	if errors.As(err, &later) && later.Until.After(st.NextPoll) {
		st.NextPoll = later.Until
	}
	f.log.Warn("poll failed", zap.String("source", src.Label()), zap.String("url", src.URL),
		zap.Int("failures", st.Failures), zap.Time("next", st.NextPoll), zap.Error(err))
}

func jitter(upTo time.Duration) time.Duration {
	if upTo <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(upTo)))
}

// mode is how collect treats an article it may have published before.
type mode int

const (
	// modeNew: a feed's link; skipped if seen, unless the feed says it
	// was updated since.
	modeNew mode = iota
	// modeRecheck: a page source, polled on its own; fetched each time
	// (conditionally), published when its content changed.
	modeRecheck
	// modeForce: an on-demand fetch; fetched and published whatever was
	// seen (the stream's duplicate window still stores it once).
	modeForce
)

// Outcomes of one article link, the "outcome" label of
// newsflow_fetcher_articles_total.
const (
	outPublished = "published"
	outDuplicate = "duplicate"
	outSeen      = "seen"
	outUnchanged = "unchanged"
	outRefused   = "refused"
	outFailed    = "failed"
)

// tally counts a poll's article outcomes.
type tally struct {
	published, duplicate, seen, unchanged, refused, permanent, temporary int
}

func (t *tally) add(outcome string, err error) {
	switch outcome {
	case outPublished:
		t.published++
	case outDuplicate:
		t.duplicate++
	case outSeen:
		t.seen++
	case outUnchanged:
		t.unchanged++
	case outRefused:
		t.refused++
	default:
		if err != nil && fetch.Temporary(err) || errors.Is(err, errStore) {
			t.temporary++
		} else {
			t.permanent++
		}
	}
}

func (t tally) failed() int { return t.refused + t.permanent + t.temporary }

func (t tally) String() string {
	return fmt.Sprintf("%d published, %d duplicate, %d seen, %d unchanged, %d refused, %d failed",
		t.published, t.duplicate, t.seen, t.unchanged, t.refused, t.permanent+t.temporary)
}

// result is what became of one article link: its outcome, and the
// article's id and canonical URL when known.
type result struct {
	outcome string
	id, url string
}

// collect handles one article link: skipped if already seen (per mode),
// else fetched, and published if new or changed.
func (f *Fetcher) collect(ctx context.Context, src sources.Source, link fetch.Link, m mode) (result, error) {
	canon, err := pipeline.CanonicalURL(link.URL)
	if err != nil {
		metricArticles.WithLabelValues(outRefused).Inc()
		return result{outcome: outRefused}, err
	}
	id := pipeline.ArticleID(canon, "")
	ran := false
	v, err, _ := f.inflight.Do(id, func() (any, error) {
		ran = true
		r, err := f.fetchArticle(ctx, src, link, id, m)
		if r.id == "" {
			r.id, r.url = id, canon
		}
		return r, err
	})
	if !ran {
		// Another poll had it in hand at the same moment.
		metricArticles.WithLabelValues(outSeen).Inc()
		return result{outcome: outSeen, id: id, url: canon}, nil
	}
	r := v.(result)
	metricArticles.WithLabelValues(r.outcome).Inc()
	if err != nil && ctx.Err() == nil {
		f.log.Info("article not fetched", zap.String("source", src.Label()), zap.String("url", link.URL), zap.String("outcome", r.outcome), zap.Error(err))
	}
	return r, err
}

// failedRetry is how long a link that failed for good (404, robots.txt,
// not a page) is left alone before it is tried again.
const failedRetry = 6 * time.Hour

func (f *Fetcher) fetchArticle(ctx context.Context, src sources.Source, link fetch.Link, id string, m mode) (result, error) {
	req := fetch.Request{URL: link.URL}
	looked := map[string]*seenEntry{}
	if m != modeForce {
		prev, known, err := f.seenGet(ctx, id)
		if err != nil {
			return result{outcome: outFailed}, err
		}
		looked[id] = nil
		if known {
			looked[id] = &prev
		}
		if known && m == modeNew && !prev.due(link, time.Now()) {
			return result{outcome: outSeen}, nil
		}
		if known && prev.Failed == "" {
			req.ETag, req.LastModified = prev.ETag, prev.LastModified
		}
	}
	resp, err := f.client.Get(ctx, req)
	if err != nil {
		if ctx.Err() != nil || fetch.Temporary(err) {
			return result{outcome: outFailed}, err
		}
		f.seenPut(ctx, id, seenEntry{Failed: failure(err), At: time.Now().UTC()})
		if errors.Is(err, fetch.ErrRefused) {
			return result{outcome: outRefused}, err
		}
		return result{outcome: outFailed}, err
	}
	if resp.NotModified {
		return result{outcome: outUnchanged}, nil
	}
	return f.emit(ctx, src, link, resp, m, looked)
}

// emit turns a fetched page into a raw article and publishes it, unless
// (outside modeForce) the same content was published before, under the
// link's id or the page's canonical one. looked holds the seen entries
// the caller has read already (nil: not seen).
func (f *Fetcher) emit(ctx context.Context, src sources.Source, link fetch.Link, resp *fetch.Response, m mode, looked map[string]*seenEntry) (result, error) {
	label := src.Label()
	linkID := ""
	if canon, err := pipeline.CanonicalURL(link.URL); err == nil {
		linkID = pipeline.ArticleID(canon, "")
	}
	a, err := f.client.Article(resp, link, label)
	if err != nil {
		if linkID != "" && m != modeForce {
			f.seenPut(ctx, linkID, seenEntry{Failed: failure(err), At: time.Now().UTC()})
		}
		return result{outcome: outRefused}, err
	}
	hash := fetch.ContentHash(resp.Body)
	ids := []string{a.ID}
	if linkID != "" && linkID != a.ID {
		ids = append(ids, linkID)
	}
	entry := seenEntry{Hash: hash, ETag: resp.ETag, LastModified: resp.LastModified, Updated: link.Updated, At: time.Now().UTC()}
	if m != modeForce {
		for _, id := range ids {
			prev, read := looked[id]
			if !read {
				e, known, err := f.seenGet(ctx, id)
				if err != nil {
					return result{outcome: outFailed}, err
				}
				if known {
					prev = &e
				}
			}
			if prev != nil && prev.Failed == "" && prev.Hash == hash {
				for _, id := range ids {
					f.seenPut(ctx, id, entry)
				}
				return result{outcome: outUnchanged, id: a.ID, url: a.URL}, nil
			}
		}
	}
	ack, err := f.publish(ctx, a, hash)
	if err != nil {
		return result{outcome: outFailed}, err
	}
	for _, id := range ids {
		f.seenPut(ctx, id, entry)
	}
	r := result{outcome: outPublished, id: a.ID, url: a.URL}
	if ack.Duplicate {
		r.outcome = outDuplicate
	}
	return r, nil
}

// failure names a permanent fetch failure for the seen memory.
func failure(err error) string {
	var refused *fetch.RefusedError
	var status *fetch.StatusError
	switch {
	case errors.As(err, &refused):
		return string(refused.Reason)
	case errors.As(err, &status):
		return fmt.Sprint(status.Code)
	}
	return "error"
}
