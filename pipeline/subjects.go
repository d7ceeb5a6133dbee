package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
)

// Subjects, streams and stage names: the whole NATS surface of newsflow.
// docs/CONTRACT.md documents them for users; nothing else in the code base
// spells a subject.
const (
	// SubjectRaw takes new articles: a JSON envelope or a bare HTML or
	// text body (see DecodeRaw).
	SubjectRaw = "newsflow.raw"
	// SubjectClean carries cleaned Articles from the cleaner to the enricher.
	SubjectClean = "newsflow.clean"
	// SubjectEnriched carries enriched Articles: what users subscribe to.
	SubjectEnriched = "newsflow.enriched"
	// SubjectDeadLetterPrefix + stage name is that stage's dead-letter
	// subject; SubjectDeadLetters matches all of them.
	SubjectDeadLetterPrefix = "newsflow.dead."
	SubjectDeadLetters      = SubjectDeadLetterPrefix + ">"
	// SubjectFetch takes on-demand fetch requests (a URL) as NATS requests.
	SubjectFetch = "newsflow.fetch"
	// SubjectStoryPrefix + a story's token (StorySubject) carries that
	// story's updates, published by the sink; SubjectStories matches all.
	SubjectStoryPrefix = "newsflow.stories."
	SubjectStories     = SubjectStoryPrefix + ">"
)

// Stream names. Each stream holds exactly one of the subjects above.
const (
	StreamRaw        = "NEWSFLOW_RAW"
	StreamClean      = "NEWSFLOW_CLEAN"
	StreamEnriched   = "NEWSFLOW_ENRICHED"
	StreamDeadLetter = "NEWSFLOW_DEAD"
	// StreamStories keeps the latest update of each story.
	StreamStories = "NEWSFLOW_STORIES"
)

// The services' own JetStream state: KV buckets and the story memory's
// stream. Each is written by one service only (package access grants it),
// so the names live here, beside the subjects, and the services use these.
const (
	// BucketSeen remembers what the fetcher published, by article id.
	BucketSeen = "newsflow_seen"
	// BucketSources is the fetcher's source registry (the CLI's `sources`
	// writes it); BucketSourceState its per-source state and leases.
	BucketSources     = "newsflow_sources"
	BucketSourceState = "newsflow_source_state"
	// BucketEntities is the enricher's shared entity memory.
	BucketEntities = "newsflow-entities"
	// StreamStoryMemory holds the enricher's story memory, on
	// SubjectStoryMemory.
	StreamStoryMemory  = "NEWSFLOW_STORY_MEMORY"
	SubjectStoryMemory = "newsflow.storymemory"
)

// Stage names: durable consumer names, log fields and metric labels.
const (
	StageFetcher  = "fetcher"
	StageCleaner  = "cleaner"
	StageEnricher = "enricher"
	StageSink     = "sink"
)

// DeadLetterSubject is the dead-letter subject of the named stage.
func DeadLetterSubject(stage string) string { return SubjectDeadLetterPrefix + stage }

// StreamOf returns the stream holding subject, or "" if none does.
func StreamOf(subject string) string {
	switch {
	case subject == SubjectRaw:
		return StreamRaw
	case subject == SubjectClean:
		return StreamClean
	case subject == SubjectEnriched:
		return StreamEnriched
	case len(subject) > len(SubjectDeadLetterPrefix) && subject[:len(SubjectDeadLetterPrefix)] == SubjectDeadLetterPrefix:
		return StreamDeadLetter
	case len(subject) > len(SubjectStoryPrefix) && subject[:len(SubjectStoryPrefix)] == SubjectStoryPrefix:
		return StreamStories
	}
	return ""
}

// StorySubject is the subject a story's updates are published on: the
// story id itself when it is a valid subject token (letters, digits, '-'
// and '_', as the enricher's hex ids are), else "h" and 16 hex digits of
// its SHA-256. The update's body carries the id either way.
func StorySubject(storyID string) string {
	token := storyID
	for _, r := range storyID {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			sum := sha256.Sum256([]byte(storyID))
			token = "h" + hex.EncodeToString(sum[:8])
			break
		}
	}
	if token == "" {
		token = "h" + hex.EncodeToString(make([]byte, 8))
	}
	return SubjectStoryPrefix + token
}
