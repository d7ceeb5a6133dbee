package fetchersvc

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/segmentio/encoding/json"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

// FetchRequest asks a fetcher, on pipeline.SubjectFetch, to fetch one
// page now. A bare URL as the request body means the same.
type FetchRequest struct {
	URL string `json:"url"`
	// Source names the article's source; default the URL's host.
	Source string `json:"source,omitempty"`
}

// FetchReply answers a FetchRequest: the article's id and canonical URL,
// or an error (with the refusal reason when the fetch was refused).
type FetchReply struct {
	ID     string `json:"id,omitempty"`
	URL    string `json:"url,omitempty"`
	Status string `json:"status,omitempty"` // published, or duplicate: the stream already had this content
	Error  string `json:"error,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ErrNoFetcher reports that no fetcher answers fetch requests.
var ErrNoFetcher = errors.New("no fetcher is running (nothing answers on " + pipeline.SubjectFetch + ")")

// queueGroup makes one replica answer each request.
const queueGroup = "newsflow-fetcher"

// requestTimeout bounds one on-demand fetch.
const requestTimeout = 2 * time.Minute

// Request asks a running fetcher to fetch rawURL now and publish it; it
// is what `newsflow fetch` calls.
func Request(ctx context.Context, nc *nats.Conn, rawURL, source string) (FetchReply, error) {
	data, err := json.Marshal(FetchRequest{URL: rawURL, Source: source})
	if err != nil {
		return FetchReply{}, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, requestTimeout+5*time.Second)
		defer cancel()
	}
	msg, err := nc.RequestWithContext(ctx, pipeline.SubjectFetch, data)
	if errors.Is(err, nats.ErrNoResponders) {
		return FetchReply{}, ErrNoFetcher
	}
	if err != nil {
		return FetchReply{}, err
	}
	var reply FetchReply
	if err := json.Unmarshal(msg.Data, &reply); err != nil {
		return FetchReply{}, fmt.Errorf("bad reply from the fetcher: %w", err)
	}
	if reply.Error != "" {
		return reply, errors.New(reply.Error)
	}
	return reply, nil
}

// serveRequests answers fetch requests until the subscription is closed;
// the WaitGroup counts answers in progress.
func (f *Fetcher) serveRequests(ctx context.Context) (*nats.Subscription, *sync.WaitGroup, error) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(4, f.o.Polls))
	sub, err := f.js.Conn().QueueSubscribe(pipeline.SubjectFetch, queueGroup, func(m *nats.Msg) {
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				return
			}
			reply := f.answer(ctx, m.Data)
			data, _ := json.Marshal(reply)
			if err := m.Respond(data); err != nil {
				f.log.Warn("answering a fetch request", zap.Error(err))
			}
		})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("subscribing to %s: %w", pipeline.SubjectFetch, err)
	}
	return sub, &wg, nil
}

func (f *Fetcher) answer(ctx context.Context, data []byte) FetchReply {
	var req FetchRequest
	if trimmed := strings.TrimSpace(string(data)); strings.HasPrefix(trimmed, "{") {
		if err := json.Unmarshal(data, &req); err != nil {
			metricRequests.WithLabelValues("error").Inc()
			return FetchReply{Error: "bad request: " + err.Error()}
		}
	} else {
		req.URL = trimmed
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	reply := f.FetchNow(ctx, req.URL, req.Source)
	outcome := reply.Status
	if reply.Error != "" {
		outcome = "error"
	}
	metricRequests.WithLabelValues(outcome).Inc()
	return reply
}

// FetchNow fetches one page and publishes it whatever the seen memory
// says: the on-demand path behind SubjectFetch.
func (f *Fetcher) FetchNow(ctx context.Context, rawURL, source string) FetchReply {
	canon, err := pipeline.CanonicalURL(rawURL)
	if err != nil {
		return FetchReply{Error: err.Error(), Reason: string(fetch.ReasonBadURL)}
	}
	if source == "" {
		if u, err := url.Parse(canon); err == nil {
			source = u.Hostname()
		}
	}
	r, err := f.collect(ctx, sources.Source{Name: source, URL: rawURL}, fetch.Link{URL: rawURL}, modeForce)
	if err != nil {
		reply := FetchReply{Error: explain(err).Error()}
		var refused *fetch.RefusedError
		if errors.As(err, &refused) {
			reply.Reason = string(refused.Reason)
		}
		return reply
	}
	return FetchReply{ID: r.id, URL: r.url, Status: r.outcome}
}
