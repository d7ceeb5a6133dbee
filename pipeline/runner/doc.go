// Package runner runs newsflow's stages on NATS JetStream. It is the only
// code that consumes, publishes, acks and dead-letters; a stage supplies a
// pipeline.Func and the runner does the rest, identically for every stage.
//
// For each message a Stage receives it decodes the message, calls the Func
// (with a per-message timeout, telling the server meanwhile that the
// message is in progress), and settles the message by these rules:
//
//	outcome of decode / Func                  what the runner does
//	---------------------------------------   ------------------------------------------------
//	success                                   publish to To with Nats-Msg-Id, wait for the
//	                                          PubAck, then ack the input and wait for the
//	                                          server to confirm the ack (a double ack)
//	ack not confirmed (NATS gone, at any      counted as not done; the server redelivers
//	point, for any time)                      the input and its output is de-duplicated
//	pipeline.ErrDrop                          ack (confirmed), publish nothing
//	pipeline.Permanent error                  dead-letter at once, then Term
//	pipeline.OverBudget error (a wall-clock   retried like the row below (a stall of the
//	budget overrun)                           process, not the input, may have caused it);
//	                                          dead-lettered as over_budget only if it
//	                                          overran on every allowed delivery
//	undecodable message or wrong schema       dead-letter at once, then Term
//	a dependency down: an error marked        hold the input, kept in progress (so neither
//	pipeline.Unavailable, or NATS saying a    redelivered nor counted as a delivery), and
//	server, stream or bucket does not answer  call Func again after DependencyBackoff (bounded
//	(no responders, no stream response, 503,  exponential) until another outcome, settled by
//	stream or bucket not found: see           the other rows; never dead-lettered for it; the
//	dependencyDown in dependency.go)          stage reports Degraded meanwhile; on shutdown,
//	                                          NakWithDelay for redelivery
//	other error, timeout or recovered panic   NakWithDelay(Backoff(attempt)); on the last
//	                                          allowed delivery, dead-letter and Term instead
//	publish refused or timed out (429, 503,   retried with backoff while the input is kept
//	no responders, no PubAck)                 in progress; never acked before the PubAck
//	no outcome within AckWait, MaxDeliver     the server's max-deliveries advisory, kept in
//	times (worker crashed)                    a stream, is dead-lettered by a durable watcher
//	shutdown (Run's ctx done)                 stop fetching, finish in-flight messages within
//	                                          DrainTimeout, Nak buffered ones, return; after
//	                                          DrainTimeout (NATS gone, a Func still running)
//	                                          return anyway, leaving what is in flight to
//	                                          redelivery
//
// A held input keeps its worker, so a stage whose dependency is down
// stops taking messages once every worker holds one; only the few
// messages already prefetched wait on the ack clock, and may be
// redelivered (counted) once when the outage outlasts AckWait.
//
// A dead letter is the original message's bytes and headers, republished to
// pipeline.DeadLetterSubject(stage) with headers naming the stage, cause,
// reason, attempt, original subject and stream sequence. Nothing is ever
// acked or terminated unless its output or its dead letter is stored.
//
// Outputs carry Nats-Msg-Id "<stage>:<input stream sequence>:<input stored
// time, Unix ns>", the same on every redelivery of the input, and the
// streams' duplicate window is by default as long as their retention
// (Topology.DuplicateWindow): an input is only redelivered while its stream
// holds it, so its second output is always recognised and dropped by the
// server, however long the outage that lost the ack. Outputs also carry the
// pipeline.HeaderOrigin header, so a publisher can match a raw message with
// what became of it.
//
// Dead letters are written in deadletter.go. The streams, and the rule
// that one process owns them (Topology.Apply, Stage.ApplyConsumer; others
// verify and refuse a difference), are in topology.go, which applies the
// same rule to the buckets and streams services keep beside them
// (EnsureKeyValue, EnsureStream).
package runner
