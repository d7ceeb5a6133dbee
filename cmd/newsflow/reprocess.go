package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/sink/store"
)

// reprocessInputs is where each stage that can be re-run reads from.
var reprocessInputs = map[string]struct{ stream, subject string }{
	pipeline.StageCleaner:  {pipeline.StreamRaw, pipeline.SubjectRaw},
	pipeline.StageEnricher: {pipeline.StreamClean, pipeline.SubjectClean},
}

// reprocessCmd runs kept messages through a stage (and the stages after
// it) again, without refetching: after a new cleaner or enricher, say.
// It republishes the stage's input stream from a time, up to where it was
// when the command started, each message with a fresh Nats-Msg-Id (so the
// stage takes it as new) and its origin kept. New articles keep flowing
// meanwhile; the store keeps the newest version of each article (the one
// with the latest stage marks).
func reprocessCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "reprocess", "")
	conn := natsFlags(fs)
	stage := fs.String("stage", pipeline.StageCleaner, "re-run from this stage: cleaner (the raw stream: cleaning and enrichment) or enricher (the cleaned stream)")
	since := fs.String("since", "", "only messages stored in the last DURATION (24h) or since this date or RFC 3339 time (default: all kept);\nwith -from-store, articles whose time (publication) is since then")
	fromStore := fs.Bool("from-store", false, "re-enrich the articles in the store (-db) instead of a stream: for when the streams\nhave expired; their cleaned text goes through the current enricher")
	db := fs.String("db", defaultDB, "the store -from-store reads (`newsflow run` keeps it in newsflow-data/newsflow.db)")
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: reprocess takes no arguments", errUsage)
	}
	in, ok := reprocessInputs[*stage]
	if !ok {
		return fmt.Errorf("%w: -stage %q: give cleaner or enricher", errUsage, *stage)
	}
	from, err := parseSince(*since, time.Now())
	if err != nil {
		return fmt.Errorf("%w: -since: %w", errUsage, err)
	}
	if *fromStore {
		if *stage != pipeline.StageCleaner && *stage != pipeline.StageEnricher {
			return fmt.Errorf("%w: -from-store re-runs the enricher; -stage cannot change that", errUsage)
		}
		return reprocessStore(ctx, e, conn, *db, from)
	}
	nc, js, err := dialJetStream(conn, "reprocess")
	if err != nil {
		return err
	}
	defer nc.Close()
	stream, err := js.Stream(ctx, in.stream)
	if err != nil {
		return fmt.Errorf("stream %s: %w", in.stream, err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return err
	}
	last := info.State.LastSeq
	if info.State.Msgs == 0 {
		fmt.Fprintf(e.stdout, "nothing to reprocess: %s is empty\n", in.stream)
		return nil
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if !from.IsZero() {
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &from
	}
	cons, err := stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return err
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36) // this run's ids are new to the stream
	bar := newProgress(e.stderr, int(info.State.Msgs))
	defer bar.done()
	sent := 0
	for {
		batch, err := cons.FetchNoWait(256)
		if err != nil {
			return err
		}
		n := 0
		var seq uint64
		for m := range batch.Messages() {
			n++
			meta, err := m.Metadata()
			if err != nil {
				return err
			}
			seq = meta.Sequence.Stream
			if seq > last {
				break
			}
			msg := nats.NewMsg(in.subject)
			msg.Data = m.Data()
			for k, vs := range m.Headers() {
				msg.Header[k] = append([]string(nil), vs...)
			}
			if msg.Header.Get(pipeline.HeaderOrigin) == "" {
				origin := msg.Header.Get(pipeline.HeaderMsgID)
				if origin == "" {
					origin = in.stream + ":" + strconv.FormatUint(seq, 10)
				}
				msg.Header.Set(pipeline.HeaderOrigin, origin)
			}
			msg.Header.Set(pipeline.HeaderMsgID, "reprocess:"+run+":"+strconv.FormatUint(seq, 10))
			if _, err := publishAs(ctx, nc, js, msg); err != nil {
				return fmt.Errorf("republishing %s message %d (%d done): %w", in.stream, seq, sent, err)
			}
			sent++
			bar.add(1)
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return err
		}
		if n == 0 || seq >= last {
			break
		}
	}
	fmt.Fprintf(e.stdout, "republished %d message(s) from %s to %s: the %s and the stages after it run them again (follow with `newsflow tail --summary`)\n",
		sent, in.stream, in.subject, *stage)
	return nil
}

// reprocessStore re-enriches stored articles, for when the streams no
// longer hold them (they expire; the store keeps everything): each
// article, as its cleaner left it (its text, title, dates and source, with
// the enrichment and the enricher's stage mark taken off), is published to
// the cleaned subject under a fresh message id. The enricher running now
// enriches it again, and the store keeps that version, its stage marks
// being the newest. Raw HTML is not in the store, so the cleaner cannot
// run again this way.
func reprocessStore(ctx context.Context, e *env, conn *service.Config, dsn string, from time.Time) error {
	st, err := store.Open(ctx, dsn, store.WithExistingOnly())
	if err != nil {
		return fmt.Errorf("opening %s (set -db or NEWSFLOW_DB): %w", dsn, err)
	}
	defer st.Close()
	nc, js, err := dialJetStream(conn, "reprocess")
	if err != nil {
		return err
	}
	defer nc.Close()
	total, err := st.Count(ctx)
	if err != nil {
		return err
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	bar := newProgress(e.stderr, total)
	defer bar.done()
	sent, skipped := 0, 0
	// Copies too: each is enriched (and found to be a copy) again.
	err = st.Scan(ctx, store.ArticleQuery{From: from, Copies: true}, func(doc []byte) error {
		a, err := pipeline.DecodeArticle(doc, nil)
		if err != nil || strings.TrimSpace(a.Text) == "" {
			skipped++ // nothing an enricher could take; Save checked the rest
			bar.add(1)
			return nil
		}
		cleaned(&a)
		data, err := pipeline.EncodeArticle(&a)
		if err != nil {
			return fmt.Errorf("article %s: %w", a.ID, err)
		}
		msg := nats.NewMsg(pipeline.SubjectClean)
		msg.Data = data
		msg.Header.Set(pipeline.HeaderOrigin, "store:"+a.ID)
		msg.Header.Set(pipeline.HeaderMsgID, "reprocess:"+run+":"+a.ID)
		if _, err := publishAs(ctx, nc, js, msg); err != nil {
			return fmt.Errorf("republishing article %s (%d done): %w", a.ID, sent, err)
		}
		sent++
		bar.add(1)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "republished %d stored article(s) to %s: the enricher and the sink run them again (follow with `newsflow tail --summary`)\n",
		sent, pipeline.SubjectClean)
	if skipped > 0 {
		fmt.Fprintf(e.stdout, "skipped %d without text\n", skipped)
	}
	return nil
}

// cleaned takes off what the enricher added, leaving the article as the
// cleaner published it.
func cleaned(a *pipeline.Article) {
	a.Entities, a.Quotes, a.Dates, a.Keywords = nil, nil, nil, nil
	a.StoryID, a.DuplicateOf = "", ""
	marks := a.Stages[:0]
	for _, m := range a.Stages {
		if m.Stage == pipeline.StageFetcher || m.Stage == pipeline.StageCleaner {
			marks = append(marks, m)
		}
	}
	a.Stages = marks
}
