package pipeline

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
)

// Stream names. Each stream holds exactly one of the subjects above.
const (
	StreamRaw        = "NEWSFLOW_RAW"
	StreamClean      = "NEWSFLOW_CLEAN"
	StreamEnriched   = "NEWSFLOW_ENRICHED"
	StreamDeadLetter = "NEWSFLOW_DEAD"
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
	}
	return ""
}
