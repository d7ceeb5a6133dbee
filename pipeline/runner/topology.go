package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
)

// Topology is how the pipeline's streams are kept. The zero value is the
// embedded default: one replica, file storage, seven days of articles,
// thirty days of dead letters.
type Topology struct {
	// Replicas per stream: 1 on one server, 3 on a clustered JetStream.
	Replicas int
	// MaxAge bounds how long raw, clean and enriched articles are kept for
	// replay; dead letters are kept for DeadLetterMaxAge.
	MaxAge           time.Duration
	DeadLetterMaxAge time.Duration
	// MaxBytes bounds each article stream (0: unlimited). The oldest
	// messages are discarded first.
	MaxBytes int64
	// DuplicateWindow is how long a Nats-Msg-Id is remembered, and so how
	// long a republished or redelivered message is recognised. Default:
	// MaxAge, the redelivery horizon — an input is redelivered only while
	// its stream still holds it, so at most MaxAge after its first output
	// was stored, however long NATS or a stage was down. A shorter window
	// lets a redelivery after a longer outage store a second copy.
	//
	// Cost: the server keeps one entry (the id, about 100–150 bytes with
	// the map's overhead) per message stored within the window, per
	// stream, in memory, and rebuilds the map by reading the window's
	// messages when it restarts: 100,000 articles a day kept 7 days is
	// 700,000 entries, about 100 MB, on each of the raw, clean and
	// enriched streams.
	DuplicateWindow time.Duration
	// Storage defaults to file storage.
	Storage jetstream.StorageType
}

func (t Topology) withDefaults() Topology {
	if t.Replicas <= 0 {
		t.Replicas = 1
	}
	if t.MaxAge <= 0 {
		t.MaxAge = 7 * 24 * time.Hour
	}
	if t.DeadLetterMaxAge <= 0 {
		t.DeadLetterMaxAge = 30 * 24 * time.Hour
	}
	if t.DuplicateWindow <= 0 || t.DuplicateWindow > t.MaxAge {
		t.DuplicateWindow = t.MaxAge // the server refuses a window longer than MaxAge
	}
	return t
}

// StreamAdvisories captures JetStream's max-deliveries advisories for the
// pipeline's consumers, so a message whose every delivery timed out (its
// worker died, say) is still dead-lettered even if no stage was connected
// when the advisory fired.
const StreamAdvisories = "NEWSFLOW_ADVISORIES"

// maxDeliveriesSubject is the advisory JetStream publishes when a consumer
// stops redelivering a message; stream and consumer may be wildcards.
func maxDeliveriesSubject(stream, consumer string) string {
	return "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + stream + "." + consumer
}

// Streams returns the stream configurations of the pipeline.
func (t Topology) Streams() []jetstream.StreamConfig {
	t = t.withDefaults()
	article := func(name, subject, desc string) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name: name, Subjects: []string{subject}, Description: desc,
			Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld,
			MaxAge: t.MaxAge, MaxBytes: orUnlimited(t.MaxBytes), Duplicates: t.DuplicateWindow,
			Storage: t.Storage, Replicas: t.Replicas,
		}
	}
	return []jetstream.StreamConfig{
		article(pipeline.StreamRaw, pipeline.SubjectRaw, "newsflow: raw articles (envelopes or bare bodies)"),
		article(pipeline.StreamClean, pipeline.SubjectClean, "newsflow: cleaned articles"),
		article(pipeline.StreamEnriched, pipeline.SubjectEnriched, "newsflow: enriched articles"),
		{
			Name: pipeline.StreamDeadLetter, Subjects: []string{pipeline.SubjectDeadLetters},
			Description: "newsflow: messages a stage could not handle, with the reason in headers",
			Retention:   jetstream.LimitsPolicy, MaxAge: t.DeadLetterMaxAge,
			Duplicates: min(t.DuplicateWindow, t.DeadLetterMaxAge), Storage: t.Storage, Replicas: t.Replicas,
		},
		{
			Name: StreamAdvisories,
			Subjects: []string{
				maxDeliveriesSubject(pipeline.StreamRaw, "*"),
				maxDeliveriesSubject(pipeline.StreamClean, "*"),
				maxDeliveriesSubject(pipeline.StreamEnriched, "*"),
			},
			Description: "newsflow: max-deliveries advisories of the stage consumers",
			Retention:   jetstream.LimitsPolicy, MaxAge: t.DeadLetterMaxAge,
			Storage: t.Storage, Replicas: t.Replicas,
		},
	}
}

func orUnlimited(n int64) int64 {
	if n <= 0 {
		return -1
	}
	return n
}

// BodiesBucket is the object store bucket holding article bodies too large
// for a message (see package claimcheck, which names it too).
const BodiesBucket = "newsflow_bodies"

// EnsureTopology creates the pipeline's streams and object store bucket,
// or updates them to t. It is idempotent: every service calls it at start.
func EnsureTopology(ctx context.Context, js jetstream.JetStream, t Topology) error {
	t = t.withDefaults()
	if _, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: BodiesBucket, Description: "newsflow: claim-checked article bodies",
		TTL: t.MaxAge, Storage: t.Storage, Replicas: t.Replicas,
	}); err != nil {
		return fmt.Errorf("object store %s: %w", BodiesBucket, err)
	}
	for _, cfg := range t.Streams() {
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				// Another replica created it between our lookup and create.
				if _, err = js.CreateOrUpdateStream(ctx, cfg); err == nil {
					continue
				}
			}
			return fmt.Errorf("stream %s: %w", cfg.Name, err)
		}
	}
	return nil
}
