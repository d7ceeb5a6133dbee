package fetchersvc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/claimcheck"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
)

// MsgID is the Nats-Msg-Id of the raw message for an article with the
// given id and content hash: the same content is stored once per duplicate
// window, changed content is a new message.
func MsgID(articleID, contentHash string) string { return "fetch:" + articleID + ":" + contentHash }

// publish puts a on the raw subject, claim-checking a body too large for
// one message, and returns once the stream has stored it.
func (f *Fetcher) publish(ctx context.Context, a pipeline.Article, hash string) (*jetstream.PubAck, error) {
	a.Mark(pipeline.StageFetcher, Version, time.Now())
	// The envelope the raw subject reads is the article itself: DecodeRaw
	// takes its url, html or text, source, times and feed metadata.
	data, err := pipeline.EncodeArticle(&a)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", a.URL, err)
	}
	if len(data) > f.maxBody {
		body, contentType := a.HTML, "text/html; charset=utf-8"
		if body == "" {
			body, contentType = a.Text, "text/plain; charset=utf-8"
		}
		ref, err := claimcheck.Put(ctx, f.js, []byte(body), contentType)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errStore, err)
		}
		a.HTML, a.Text, a.BodyRef = "", "", ref
		if data, err = pipeline.EncodeArticle(&a); err != nil {
			return nil, err
		}
		metricClaimChecked.Inc()
	}
	msg := nats.NewMsg(pipeline.SubjectRaw)
	msg.Header.Set(pipeline.HeaderMsgID, MsgID(a.ID, hash))
	msg.Data = data
	ack, err := runner.Publish(ctx, f.js, msg, func(err error) { f.log.Debug("publish retry", zap.Error(err)) })
	if err != nil {
		return nil, fmt.Errorf("%w: publishing %s: %w", errStore, a.URL, err)
	}
	return ack, nil
}

// errStore marks a failure to reach NATS (publish, KV), as opposed to the
// site: always worth retrying.
var errStore = errors.New("nats")

// seenEntry is what the seen-URL memory keeps per article id.
type seenEntry struct {
	// Hash of the body last published; "" for a link that failed.
	Hash         string     `json:"h,omitempty"`
	ETag         string     `json:"e,omitempty"`
	LastModified string     `json:"m,omitempty"`
	Updated      *time.Time `json:"u,omitempty"` // the feed's updated date then
	At           time.Time  `json:"t"`
	// Failed says why the link could not be fetched for good (a refusal
	// reason or an HTTP status); it is tried again after failedRetry.
	Failed string `json:"f,omitempty"`
}

// due reports whether link should be fetched again.
func (e seenEntry) due(link fetch.Link, now time.Time) bool {
	if e.Failed != "" {
		return now.Sub(e.At) > failedRetry
	}
	return link.Updated != nil && (e.Updated == nil || link.Updated.After(*e.Updated))
}

func (f *Fetcher) seenGet(ctx context.Context, id string) (seenEntry, bool, error) {
	entry, err := f.seen.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return seenEntry{}, false, nil
	}
	if err != nil {
		return seenEntry{}, false, fmt.Errorf("%w: seen memory: %w", errStore, err)
	}
	var e seenEntry
	if err := json.Unmarshal(entry.Value(), &e); err != nil {
		return seenEntry{}, false, nil // unreadable: as good as unseen
	}
	return e, true, nil
}

// seenPut records an article. A failure is logged, not returned: at
// worst the article is fetched again, and the stream's duplicate window
// or the sink's upsert keeps it single.
func (f *Fetcher) seenPut(ctx context.Context, id string, e seenEntry) {
	data, err := json.Marshal(&e)
	if err == nil {
		_, err = f.seen.Put(context.WithoutCancel(ctx), id, data)
	}
	if err != nil {
		f.log.Warn("seen memory", zap.String("id", id), zap.Error(err))
	}
}
