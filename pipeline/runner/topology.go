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
//
// One process owns the layout (Apply): it creates the streams or updates
// them to its settings. Every other process creates what is missing and
// otherwise checks that the server's streams are what it was configured
// for, and refuses to start if not (ErrTopologyMismatch, naming the
// stream and the setting): a replica started with stale flags must not
// silently change retention for the fleet, nor run believing settings the
// server does not have.
type Topology struct {
	// Apply makes this process the owner of the layout: streams and the
	// bodies bucket are created or updated to these settings.
	Apply bool
	// Replicas per stream: 1 on one server, 3 on a clustered JetStream.
	Replicas int
	// MaxAge bounds how long clean and enriched articles are kept for
	// replay; dead letters are kept for DeadLetterMaxAge.
	MaxAge           time.Duration
	DeadLetterMaxAge time.Duration
	// RawMaxAge bounds how long raw articles (the fetched HTML, most of
	// the bytes) are kept: as long as reprocessing from raw (`newsflow
	// reprocess -stage cleaner`) and the cleaner's redelivery need them.
	// A raw article the cleaner has not taken within RawMaxAge (a cleaner
	// down longer than that) is lost, so it must outlast the longest
	// outage to be ridden out. Default DefaultRawMaxAge, or MaxAge if
	// shorter; never longer than MaxAge. Dead letters keep their own copy
	// of the raw bytes for DeadLetterMaxAge.
	RawMaxAge time.Duration
	// Uncompressed stores the streams and the bodies bucket as they are;
	// by default they are S2-compressed (raw HTML shrinks 3–5×, for a
	// few µs of CPU per article).
	Uncompressed bool
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
	if t.RawMaxAge <= 0 {
		t.RawMaxAge = DefaultRawMaxAge
	}
	t.RawMaxAge = min(t.RawMaxAge, t.MaxAge)
	if t.DuplicateWindow <= 0 || t.DuplicateWindow > t.MaxAge {
		t.DuplicateWindow = t.MaxAge // the server refuses a window longer than MaxAge
	}
	return t
}

// DefaultRawMaxAge is how long raw articles are kept by default: three
// days, so a cleaner down over a weekend loses nothing and a new cleaner
// can be run again over the last days' pages, while the HTML (five times
// the bytes of the clean and enriched copies together) is not kept for
// the week those are.
const DefaultRawMaxAge = 72 * time.Hour

func (t Topology) compression() jetstream.StoreCompression {
	if t.Uncompressed {
		return jetstream.NoCompression
	}
	return jetstream.S2Compression
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
	article := func(name, subject, desc string, maxAge time.Duration) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name: name, Subjects: []string{subject}, Description: desc,
			Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld,
			MaxAge: maxAge, MaxBytes: orUnlimited(t.MaxBytes), Duplicates: min(t.DuplicateWindow, maxAge),
			Storage: t.Storage, Replicas: t.Replicas, Compression: t.compression(),
		}
	}
	return []jetstream.StreamConfig{
		article(pipeline.StreamRaw, pipeline.SubjectRaw, "newsflow: raw articles (envelopes or bare bodies)", t.RawMaxAge),
		article(pipeline.StreamClean, pipeline.SubjectClean, "newsflow: cleaned articles", t.MaxAge),
		article(pipeline.StreamEnriched, pipeline.SubjectEnriched, "newsflow: enriched articles", t.MaxAge),
		{
			Name: pipeline.StreamDeadLetter, Subjects: []string{pipeline.SubjectDeadLetters},
			Description: "newsflow: messages a stage could not handle, with the reason in headers",
			Retention:   jetstream.LimitsPolicy, MaxAge: t.DeadLetterMaxAge,
			Duplicates: min(t.DuplicateWindow, t.DeadLetterMaxAge), Storage: t.Storage, Replicas: t.Replicas,
			Compression: t.compression(),
		},
		{
			// The latest update of every story: a new subscriber reads the
			// current state of each story, then follows the updates.
			Name: pipeline.StreamStories, Subjects: []string{pipeline.SubjectStories},
			Description: "newsflow: story updates from the sink, the latest per story",
			Retention:   jetstream.LimitsPolicy, Discard: jetstream.DiscardOld, MaxMsgsPerSubject: 1,
			MaxAge: t.MaxAge, MaxBytes: orUnlimited(t.MaxBytes), Duplicates: t.DuplicateWindow,
			Storage: t.Storage, Replicas: t.Replicas, Compression: t.compression(),
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

// ErrTopologyMismatch reports a stream, bucket or consumer on the server
// whose settings differ from the ones this process was configured with,
// when this process does not own them.
var ErrTopologyMismatch = errors.New("topology differs from the server's")

// EnsureTopology creates the pipeline's streams and object store bucket.
// With t.Apply it also updates existing ones to t; without, it verifies
// them (ErrTopologyMismatch). It is idempotent: every service calls it at
// start.
func EnsureTopology(ctx context.Context, js jetstream.JetStream, t Topology) error {
	t = t.withDefaults()
	// Every difference is reported at once, so one restart fixes them all.
	var differ []error
	keep := func(err error) error {
		if errors.Is(err, ErrTopologyMismatch) {
			differ = append(differ, err)
			return nil
		}
		return err
	}
	if err := keep(ensureBodies(ctx, js, t)); err != nil {
		return err
	}
	for _, cfg := range t.Streams() {
		if _, err := ensureStream(ctx, js, cfg, t.Apply); keep(err) != nil {
			return err
		}
	}
	return refuse(errors.Join(differ...))
}

// ownerAdvice is what a refusal tells the operator to do.
const ownerAdvice = "only the topology owner, started with -apply-topology, changes it; start this service with the server's settings"

// refuse turns the differences mismatches found into the error a service
// stops with: ErrTopologyMismatch, what to do, and every difference.
func refuse(err error) error {
	if err == nil || !errors.Is(err, ErrTopologyMismatch) {
		return err
	}
	return fmt.Errorf("%w (%s): %w", ErrTopologyMismatch, ownerAdvice, err)
}

// The pipeline's streams are not the only JetStream state: services keep
// their own buckets and streams beside them (the fetcher's registry and
// seen-memory, the enricher's entity and story memories). EnsureStream and
// EnsureKeyValue give those the topology's rule, so that a replica with
// stale flags cannot change them for the fleet either: with apply (the
// process started with -apply-topology) the object is created or updated
// to cfg; otherwise it is created if absent, and if present must have
// cfg's settings, or the call fails with ErrTopologyMismatch naming the
// object and every setting that differs, changing nothing.

// EnsureStream creates, updates (apply) or verifies the stream cfg names.
// Verified are the settings that decide what the stream keeps and for how
// long: subjects, retention, discard, max age, max bytes, storage,
// replicas, and the duplicate window when cfg sets one.
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig, apply bool) (jetstream.Stream, error) {
	stream, err := ensureStream(ctx, js, cfg, apply)
	if err != nil {
		return nil, refuse(err)
	}
	return stream, nil
}

// EnsureKeyValue creates, updates (apply) or verifies the key-value bucket
// cfg names. Verified are history, TTL, max bytes, storage and replicas.
func EnsureKeyValue(ctx context.Context, js jetstream.JetStream, cfg jetstream.KeyValueConfig, apply bool) (jetstream.KeyValue, error) {
	if apply {
		kv, err := js.CreateOrUpdateKeyValue(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("bucket %s: %w", cfg.Bucket, err)
		}
		return kv, nil
	}
	kv, err := js.KeyValue(ctx, cfg.Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, cfg)
		if errors.Is(err, jetstream.ErrBucketExists) { // another process was first
			kv, err = js.KeyValue(ctx, cfg.Bucket)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", cfg.Bucket, err)
	}
	st, err := kv.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", cfg.Bucket, err)
	}
	bs, ok := st.(*jetstream.KeyValueBucketStatus)
	if !ok {
		return nil, fmt.Errorf("bucket %s: status of type %T has no configuration", cfg.Bucket, st)
	}
	have := bs.Config()
	// The client's defaults stand in for what cfg leaves unset.
	if err := mismatches("bucket "+cfg.Bucket, []setting{
		{"history", max(have.History, 1), max(cfg.History, 1)},
		{"ttl", have.TTL, cfg.TTL},
		{"max_bytes", unlimited(have.MaxBytes), unlimited(cfg.MaxBytes)},
		{"storage", have.Storage, cfg.Storage},
		{"replicas", max(have.Replicas, 1), max(cfg.Replicas, 1)},
	}); err != nil {
		return nil, refuse(err)
	}
	return kv, nil
}

// ensureConsumer creates, updates (apply) or verifies a durable consumer
// by the same rule; checked are the settings check lists.
func ensureConsumer(ctx context.Context, js jetstream.JetStream, stream string, cfg jetstream.ConsumerConfig, apply bool,
	check func(have jetstream.ConsumerConfig) []setting) (jetstream.Consumer, error) {
	if apply {
		return js.CreateOrUpdateConsumer(ctx, stream, cfg)
	}
	cons, err := js.Consumer(ctx, stream, cfg.Durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		cons, err = js.CreateConsumer(ctx, stream, cfg)
		if errors.Is(err, jetstream.ErrConsumerExists) { // another replica was first
			cons, err = js.Consumer(ctx, stream, cfg.Durable)
		}
	}
	if err != nil {
		return nil, err
	}
	return cons, mismatches("consumer "+stream+"/"+cfg.Durable, check(cons.CachedInfo().Config))
}

func ensureBodies(ctx context.Context, js jetstream.JetStream, t Topology) error {
	cfg := jetstream.ObjectStoreConfig{
		Bucket: BodiesBucket, Description: "newsflow: claim-checked article bodies",
		TTL: t.MaxAge, Storage: t.Storage, Replicas: t.Replicas, Compression: !t.Uncompressed,
	}
	if t.Apply {
		if _, err := js.CreateOrUpdateObjectStore(ctx, cfg); err != nil {
			return fmt.Errorf("object store %s: %w", BodiesBucket, err)
		}
		return nil
	}
	store, err := js.ObjectStore(ctx, BodiesBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		store, err = js.CreateObjectStore(ctx, cfg)
		if errors.Is(err, jetstream.ErrBucketExists) { // another process was first
			store, err = js.ObjectStore(ctx, BodiesBucket)
		}
	}
	if err != nil {
		return fmt.Errorf("object store %s: %w", BodiesBucket, err)
	}
	st, err := store.Status(ctx)
	if err != nil {
		return fmt.Errorf("object store %s: %w", BodiesBucket, err)
	}
	return mismatches("object store "+BodiesBucket, []setting{
		{"ttl", st.TTL(), cfg.TTL},
		{"replicas", st.Replicas(), cfg.Replicas},
		{"storage", st.Storage(), cfg.Storage},
		{"compression", st.IsCompressed(), cfg.Compression},
	})
}

func ensureStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig, apply bool) (jetstream.Stream, error) {
	if apply {
		stream, err := js.CreateOrUpdateStream(ctx, cfg)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			// Another replica created it between our lookup and create.
			stream, err = js.CreateOrUpdateStream(ctx, cfg)
		}
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", cfg.Name, err)
		}
		return stream, nil
	}
	stream, err := js.Stream(ctx, cfg.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		stream, err = js.CreateStream(ctx, cfg)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			stream, err = js.Stream(ctx, cfg.Name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", cfg.Name, err)
	}
	have := stream.CachedInfo().Config
	return stream, mismatches("stream "+cfg.Name, streamSettings(have, cfg))
}

// streamSettings are the settings of a stream that decide what it keeps and
// for how long; the server's defaults stand in for what cfg leaves unset.
func streamSettings(have, want jetstream.StreamConfig) []setting {
	out := []setting{
		{"subjects", fmt.Sprint(have.Subjects), fmt.Sprint(want.Subjects)},
		{"retention", have.Retention, want.Retention},
		{"discard", have.Discard, want.Discard},
		{"max_age", have.MaxAge, want.MaxAge},
		{"max_bytes", unlimited(have.MaxBytes), unlimited(want.MaxBytes)},
		{"storage", have.Storage, want.Storage},
		{"replicas", max(have.Replicas, 1), max(want.Replicas, 1)},
		{"compression", have.Compression, want.Compression},
	}
	if want.Duplicates > 0 {
		out = append(out, setting{"duplicate_window", have.Duplicates, want.Duplicates})
	}
	return out
}

func unlimited(n int64) int64 {
	if n <= 0 {
		return -1
	}
	return n
}

// setting is one configured value: what the server has, what this process
// wants.
type setting struct {
	name       string
	have, want any
}

func mismatches(what string, settings []setting) error {
	var errs []error
	for _, s := range settings {
		if s.have != s.want {
			errs = append(errs, fmt.Errorf("%s: %s is %v on the server, %v here", what, s.name, s.have, s.want))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &mismatchError{errors.Join(errs...)}
}

// mismatchError is one object's differences; EnsureTopology and
// Stage.Run say what to do about them.
type mismatchError struct{ err error }

func (e *mismatchError) Error() string { return e.err.Error() }
func (e *mismatchError) Unwrap() error { return e.err }
func (e *mismatchError) Is(target error) bool {
	return target == ErrTopologyMismatch
}
