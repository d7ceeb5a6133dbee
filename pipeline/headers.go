package pipeline

// Message headers. Header names are case-sensitive in NATS; use these
// constants rather than spelling them.
const (
	// HeaderMsgID is JetStream's de-duplication header. Every stage output
	// carries one derived from its input, so a redelivered input never
	// produces a second output inside the stream's duplicate window.
	HeaderMsgID = "Nats-Msg-Id"

	// Optional headers on a bare body published to SubjectRaw.
	HeaderURL         = "Newsflow-Url"
	HeaderSource      = "Newsflow-Source"
	HeaderPublishedAt = "Newsflow-Published-At"
	// HeaderContentType may force "text/html" or "text/plain" on a bare
	// body instead of letting DecodeRaw sniff it.
	HeaderContentType = "Content-Type"

	// HeaderOrigin follows a message from the raw subject to the end so a
	// publisher can match what it sent with what came out (or died). It is
	// the raw message's Nats-Msg-Id, or its stream sequence when it had none.
	HeaderOrigin = "Newsflow-Origin"

	// Dead-letter headers, set on the original bytes republished to a
	// stage's dead-letter subject.
	HeaderDeadStage  = "Newsflow-Dead-Stage"
	HeaderDeadReason = "Newsflow-Dead-Reason"
	// HeaderDeadCause is one of undecodable, permanent, retries_exhausted,
	// max_deliveries.
	HeaderDeadCause          = "Newsflow-Dead-Cause"
	HeaderDeadAttempt        = "Newsflow-Dead-Attempt"
	HeaderDeadSubject        = "Newsflow-Dead-Subject"
	HeaderDeadStreamSequence = "Newsflow-Dead-Stream-Seq"
	HeaderDeadTime           = "Newsflow-Dead-Time"
)
