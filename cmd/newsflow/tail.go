package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
)

func tailCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "tail", "")
	conn := natsFlags(fs)
	dead := fs.Bool("dead", false, "print dead letters, with their reasons, instead of enriched articles")
	all := fs.Bool("all", false, "start from the oldest message kept, not from now")
	summary := fs.Bool("summary", false, "one readable line per article instead of its JSON")
	count := fs.Int("count", 0, "exit after this many messages (0: run until interrupted)")
	wait := fs.Duration("wait", 0, "with -count, fail if they have not all arrived after this long (0: wait forever)")
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: tail takes no arguments, got %q", errUsage, pos)
	}
	nc, js, err := dialJetStream(conn, "tail", nats.MaxReconnects(-1))
	if err != nil {
		return err
	}
	defer nc.Close()
	stream, show := pipeline.StreamEnriched, func(m jetstream.Msg) { printArticle(e, m.Data(), *summary) }
	if *dead {
		stream, show = pipeline.StreamDeadLetter, func(m jetstream.Msg) { printDeadLetter(e, m.Headers(), m.Data(), *summary) }
	}
	enough := make(chan struct{})
	seen := 0
	print := func(m jetstream.Msg) {
		if *count > 0 && seen >= *count {
			return
		}
		show(m)
		if seen++; seen == *count {
			close(enough)
		}
	}
	var timeout <-chan time.Time
	if *count > 0 && *wait > 0 {
		timeout = time.After(*wait)
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverNewPolicy}
	if *all {
		cfg.DeliverPolicy = jetstream.DeliverAllPolicy
	}
	cons, err := js.OrderedConsumer(ctx, stream, cfg)
	if err != nil {
		return err
	}
	cc, err := cons.Consume(print)
	if err != nil {
		return err
	}
	defer cc.Stop()
	select {
	case <-ctx.Done():
	case <-enough:
	case <-timeout:
		return fmt.Errorf("only %d of %d messages arrived within %s", seen, *count, *wait)
	}
	return nil
}

func printArticle(e *env, data []byte, summary bool) {
	if !summary {
		fmt.Fprintf(e.stdout, "%s\n", data)
		return
	}
	a, err := pipeline.DecodeArticle(data, nil)
	if err != nil {
		fmt.Fprintf(e.stdout, "(unreadable article: %v)\n", err)
		return
	}
	fmt.Fprintln(e.stdout, summaryLine(a))
}

// summaryLine is one readable line describing an enriched article.
func summaryLine(a pipeline.Article) string {
	date := "          "
	if a.PublishedAt != nil {
		date = a.PublishedAt.Format(time.DateOnly)
	}
	title := a.Title
	if title == "" {
		title = firstWords(a.Text, 12)
	}
	return fmt.Sprintf("%s  %s  [%s · %d entities · %d quotes]", date, title, a.ID, len(a.Entities), len(a.Quotes))
}

func printDeadLetter(e *env, h nats.Header, data []byte, summary bool) {
	fmt.Fprintf(e.stdout, "%s: %s (%s, attempt %s, origin %s)\n",
		h.Get(pipeline.HeaderDeadStage), h.Get(pipeline.HeaderDeadReason), h.Get(pipeline.HeaderDeadCause),
		h.Get(pipeline.HeaderDeadAttempt), h.Get(pipeline.HeaderOrigin))
	if !summary {
		fmt.Fprintf(e.stdout, "  %q\n", firstBytes(data, 200))
	}
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		return strings.Join(f[:n], " ") + " …"
	}
	return strings.Join(f, " ")
}

func firstBytes(b []byte, n int) string {
	if len(b) > n {
		return strings.ToValidUTF8(string(b[:n]), "") + "…"
	}
	return string(b)
}
