package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
)

const deadUsage = `newsflow dead list [--stage S] [--cause C] [--since 24h|TIME] [--json]
       newsflow dead show SEQ...
       newsflow dead replay SEQ...            (or --all with list's filters)

A dead letter is a message a stage could not handle (docs/CONTRACT.md).
replay republishes it, bytes and headers unchanged but with a fresh
identity, to the subject the stage consumed it from, so the stage runs it
again (after a fix, say), and then removes it from the dead letters (a
message that fails again comes back as a new one). Replaying is counted and
idempotent: a dead letter is replayed once.`

// deadFilter selects dead letters.
type deadFilter struct {
	stage, cause string
	since        time.Time
}

func (f deadFilter) match(h nats.Header) bool {
	return (f.stage == "" || h.Get(pipeline.HeaderDeadStage) == f.stage) &&
		(f.cause == "" || h.Get(pipeline.HeaderDeadCause) == f.cause)
}

func deadCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, "usage: "+deadUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: give a subcommand", errUsage)
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(e, "dead "+sub, "")
	fs.Usage = func() { fmt.Fprintln(e.stderr, "usage: "+deadUsage+"\n\nflags:"); fs.PrintDefaults() }
	conn := natsFlags(fs)
	var filter deadFilter
	var since string
	filters := func() {
		fs.StringVar(&filter.stage, "stage", "", "only dead letters of this stage (cleaner, enricher, sink)")
		fs.StringVar(&filter.cause, "cause", "", "only of this cause (undecodable, permanent, retries_exhausted, max_deliveries)")
		fs.StringVar(&since, "since", "", "only those dead-lettered in the last DURATION (24h) or since this date or RFC 3339 time")
	}
	var asJSON, all, keep *bool
	switch sub {
	case "list", "ls":
		filters()
		asJSON = fs.Bool("json", false, "one JSON object per dead letter")
	case "show":
	case "replay":
		filters()
		all = fs.Bool("all", false, "replay every dead letter the filters select")
		keep = fs.Bool("keep", false, "keep the replayed dead letters (a later replay republishes them again)")
	default:
		return fmt.Errorf("%w: unknown subcommand %q\nusage: %s", errUsage, sub, deadUsage)
	}
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if filter.since, err = parseSince(since, time.Now()); err != nil {
		return fmt.Errorf("%w: -since: %w", errUsage, err)
	}
	seqs, err := parseSeqs(pos)
	if err != nil {
		return err
	}
	switch {
	case sub == "show" && len(seqs) == 0:
		return fmt.Errorf("%w: dead show takes one or more sequence numbers (from dead list)", errUsage)
	case sub == "replay" && len(seqs) == 0 && !*all:
		return fmt.Errorf("%w: dead replay takes sequence numbers (from dead list), or --all with filters", errUsage)
	case sub == "replay" && len(seqs) > 0 && *all:
		return fmt.Errorf("%w: give sequence numbers or --all, not both", errUsage)
	case (sub == "list" || sub == "ls") && len(seqs) > 0:
		return fmt.Errorf("%w: dead list takes no arguments", errUsage)
	}
	nc, js, err := dialJetStream(conn, "dead")
	if err != nil {
		return err
	}
	defer nc.Close()
	stream, err := js.Stream(ctx, pipeline.StreamDeadLetter)
	if err != nil {
		return fmt.Errorf("dead-letter stream %s: %w", pipeline.StreamDeadLetter, err)
	}
	switch sub {
	case "list", "ls":
		letters, err := deadLetters(ctx, stream, filter)
		if err != nil {
			return err
		}
		return listDead(e.stdout, letters, *asJSON)
	case "show":
		for _, seq := range seqs {
			m, err := stream.GetMsg(ctx, seq)
			if err != nil {
				return fmt.Errorf("dead letter %d: %w", seq, err)
			}
			showDead(e.stdout, m)
		}
		return nil
	default:
		var letters []*jetstream.RawStreamMsg
		if *all {
			if letters, err = deadLetters(ctx, stream, filter); err != nil {
				return err
			}
		}
		for _, seq := range seqs {
			m, err := stream.GetMsg(ctx, seq)
			if errors.Is(err, jetstream.ErrMsgNotFound) {
				return fmt.Errorf("no dead letter %d (already replayed?)", seq)
			}
			if err != nil {
				return fmt.Errorf("dead letter %d: %w", seq, err)
			}
			letters = append(letters, m)
		}
		return replayDead(ctx, e, nc, js, stream, letters, *keep)
	}
}

func parseSeqs(args []string) ([]uint64, error) {
	var seqs []uint64
	for _, a := range args {
		n, err := strconv.ParseUint(a, 10, 64)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("%w: %q is not a dead letter's sequence number", errUsage, a)
		}
		seqs = append(seqs, n)
	}
	return seqs, nil
}

// parseSince reads a duration back from now, a date or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// deadLetters reads the dead letters the filter selects, oldest first, up
// to the last one there when it started.
func deadLetters(ctx context.Context, stream jetstream.Stream, f deadFilter) ([]*jetstream.RawStreamMsg, error) {
	info, err := stream.Info(ctx)
	if err != nil {
		return nil, err
	}
	last := info.State.LastSeq
	if info.State.Msgs == 0 {
		return nil, nil
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if !f.since.IsZero() {
		since := f.since
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	}
	cons, err := stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var out []*jetstream.RawStreamMsg
	for {
		batch, err := cons.FetchNoWait(256)
		if err != nil {
			return nil, err
		}
		n := 0
		var seq uint64
		for m := range batch.Messages() {
			n++
			meta, err := m.Metadata()
			if err != nil {
				return nil, err
			}
			seq = meta.Sequence.Stream
			if seq <= last && f.match(m.Headers()) {
				out = append(out, &jetstream.RawStreamMsg{Subject: m.Subject(), Sequence: seq, Header: m.Headers(), Data: m.Data(), Time: meta.Timestamp})
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return nil, err
		}
		if n == 0 || seq >= last {
			return out, nil
		}
	}
}

// deadLetter is a dead letter as `dead list --json` prints it.
type deadLetter struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Stage   string    `json:"stage"`
	Cause   string    `json:"cause"`
	Reason  string    `json:"reason"`
	Origin  string    `json:"origin,omitempty"`
	Subject string    `json:"subject"` // the subject the stage consumed it from
	Bytes   int       `json:"bytes"`
}

func describe(m *jetstream.RawStreamMsg) deadLetter {
	h := m.Header
	return deadLetter{Seq: m.Sequence, Time: m.Time.UTC(), Stage: h.Get(pipeline.HeaderDeadStage), Cause: h.Get(pipeline.HeaderDeadCause),
		Reason: h.Get(pipeline.HeaderDeadReason), Origin: h.Get(pipeline.HeaderOrigin), Subject: h.Get(pipeline.HeaderDeadSubject), Bytes: len(m.Data)}
}

func listDead(w io.Writer, letters []*jetstream.RawStreamMsg, asJSON bool) error {
	if asJSON {
		for _, m := range letters {
			line, err := json.Marshal(describe(m))
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s\n", line)
		}
		return nil
	}
	if len(letters) == 0 {
		fmt.Fprintln(w, "no dead letters")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tSTAGE\tCAUSE\tORIGIN\tREASON")
	for _, m := range letters {
		d := describe(m)
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", d.Seq, d.Time.Format(time.DateTime), d.Stage, d.Cause, truncate(d.Origin, 24), truncate(d.Reason, 80))
	}
	return tw.Flush()
}

func showDead(w io.Writer, m *jetstream.RawStreamMsg) {
	d := describe(m)
	fmt.Fprintf(w, "dead letter %d, %s\n", d.Seq, d.Time.Format(time.RFC3339))
	for k, vs := range m.Header {
		for _, v := range vs {
			fmt.Fprintf(w, "  %s: %s\n", k, v)
		}
	}
	fmt.Fprintf(w, "  body (%d bytes): %q\n\n", len(m.Data), firstBytes(m.Data, 2000))
}

// replayHeaders are the dead-letter headers a replay drops.
var replayHeaders = []string{pipeline.HeaderDeadStage, pipeline.HeaderDeadReason, pipeline.HeaderDeadCause, pipeline.HeaderDeadAttempt,
	pipeline.HeaderDeadSubject, pipeline.HeaderDeadStreamSequence, pipeline.HeaderDeadTime}

// replayDead republishes each dead letter to the subject its stage
// consumed it from. Its Nats-Msg-Id is "replay:<dead letter sequence>":
// new to the stage's stream, so the stage handles it again and its output
// gets a new id too, yet the same dead letter replayed twice inside the
// duplicate window is stored once. Its origin stays, so `tail` and
// `process` can still follow it. Unless keep, the dead letter is then
// deleted: replaying is idempotent beyond the window too.
func replayDead(ctx context.Context, e *env, nc *nats.Conn, js jetstream.JetStream, stream jetstream.Stream, letters []*jetstream.RawStreamMsg, keep bool) error {
	var replayed, dup int
	for _, m := range letters {
		subject := m.Header.Get(pipeline.HeaderDeadSubject)
		if subject == "" || strings.HasPrefix(subject, pipeline.SubjectDeadLetterPrefix) {
			return fmt.Errorf("dead letter %d does not say which subject it came from", m.Sequence)
		}
		msg := nats.NewMsg(subject)
		msg.Data = m.Data
		for k, vs := range m.Header {
			msg.Header[k] = append([]string(nil), vs...)
		}
		for _, k := range replayHeaders {
			msg.Header.Del(k)
		}
		msg.Header.Set(pipeline.HeaderMsgID, fmt.Sprintf("replay:%s:%d", pipeline.StreamDeadLetter, m.Sequence))
		ack, err := publishAs(ctx, nc, js, msg)
		if err != nil {
			return fmt.Errorf("replaying dead letter %d (%d replayed so far): %w", m.Sequence, replayed, err)
		}
		if ack.Duplicate {
			dup++
		} else {
			replayed++
		}
		if !keep {
			if err := stream.DeleteMsg(ctx, m.Sequence); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
				return fmt.Errorf("replayed dead letter %d but could not remove it: %w", m.Sequence, err)
			}
		}
		fmt.Fprintf(e.stdout, "replayed %d to %s (%s)\n", m.Sequence, subject, m.Header.Get(pipeline.HeaderDeadStage))
	}
	fmt.Fprintf(e.stdout, "%d dead letter(s) replayed", replayed)
	if dup > 0 {
		fmt.Fprintf(e.stdout, ", %d already replayed moments ago (not published again)", dup)
	}
	fmt.Fprintln(e.stdout)
	return nil
}
