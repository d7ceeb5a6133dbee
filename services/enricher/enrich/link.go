package enrich

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

// Thresholds decide when two articles are one story or one is a copy.
// The defaults were measured on the seeds (see docs/BENCHMARKS.md and
// TestStoryThresholdsOnSeeds); all scores are in [0,1].
type Thresholds struct {
	// CopyText: estimated Jaccard of word 3-shingles at or above which an
	// article is a near-verbatim copy.
	CopyText float64
	// RewordSkeleton and RewordTerms: an article is a reworded copy when
	// its names and numbers run in the same order (skeleton Jaccard) and
	// its vocabulary matches (term cosine), both at or above these.
	RewordSkeleton, RewordTerms float64
	// Story: 0.5·term cosine + 0.5·entity overlap at or above which two
	// articles report the same story.
	Story float64
}

// DefaultThresholds are the measured defaults.
var DefaultThresholds = Thresholds{CopyText: 0.5, RewordSkeleton: 0.5, RewordTerms: 0.4, Story: 0.3}

// Backoff between Recall/Remember rounds lost to other writers or spent
// waiting for pending ones: jittered, doubling from minBackoff to
// maxBackoff, for at most Options.MemoryWait in all.
const (
	minBackoff = time.Millisecond
	maxBackoff = 50 * time.Millisecond
)

// Link is the outcome of comparing an article with the memory.
type Link struct {
	StoryID, DuplicateOf string
	// Best is the best-scoring earlier article and its scores (for logs
	// and measurements); empty when there was none.
	Best       string
	BestScores story.Scores
}

// link finds the article's story and original in the memory and stores
// the article there.
func (e *Enricher) link(ctx context.Context, a *pipeline.Article, sig story.Signature) (Link, error) {
	id := a.ID
	if id == "" {
		id = pipeline.ArticleID(a.URL, a.Text) // what DecodeRaw would have given it
	}
	rec := Record{ID: id, Sig: sig}
	switch {
	case a.PublishedAt != nil:
		rec.Time, rec.Dated = a.PublishedAt.Unix(), true
	default:
		rec.Time = e.opts.Now().Unix()
	}
	keys := slices.Compact(slices.Sorted(slices.Values(sig.Keys())))
	defer e.linking.lock(keys)()
	backoff := minBackoff
	giveUp := time.Now().Add(e.opts.MemoryWait)
	pause := func() error {
		if time.Now().After(giveUp) {
			return fmt.Errorf("story memory: %w, or related articles pending, for %v", ErrConflict, e.opts.MemoryWait)
		}
		d := backoff + time.Duration(rand.Int64N(int64(backoff)))
		backoff = min(2*backoff, maxBackoff)
		return sleep(ctx, d)
	}
	for {
		rc, err := e.opts.Memory.Recall(ctx, id, keys)
		if err != nil {
			return Link{}, fmt.Errorf("story memory: %w", err)
		}
		if rc.Self != nil {
			// Seen before (a redelivery or a republication under the same
			// id): keep the answer given then.
			return Link{StoryID: rc.Self.StoryID, DuplicateOf: rc.Self.DuplicateOf}, nil
		}
		if len(rc.Pending) > 0 {
			// Related articles are being linked right now: decide after them.
			if err := pause(); err != nil {
				return Link{}, err
			}
			continue
		}
		l := e.decide(&rec, rc.Candidates)
		rec.StoryID, rec.DuplicateOf = l.StoryID, l.DuplicateOf
		err = e.opts.Memory.Remember(ctx, rec, keys, rc)
		if errors.Is(err, ErrConflict) {
			if err := pause(); err != nil {
				return Link{}, err
			}
			continue
		}
		if err != nil {
			return Link{}, fmt.Errorf("story memory: %w", err)
		}
		return l, nil
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// decide links rec to the candidates: the most similar copy, if any, is
// its original (or that copy's own original), and gives it its story;
// otherwise the most related article within the story window does; else
// it starts a story. An article is only a copy of one not published after it.
func (e *Enricher) decide(rec *Record, cands []Record) Link {
	th := e.opts.Thresholds
	var l Link
	copyStory, relatedStory := "", ""
	bestCopy, bestRelated, bestAny := -1.0, -1.0, -1.0
	for i := range cands {
		c := &cands[i]
		if c.ID == rec.ID {
			continue
		}
		if dt := time.Duration(rec.Time-c.Time) * time.Second; rec.Dated && c.Dated && dt.Abs() > e.opts.StoryWindow {
			continue
		}
		sc := story.Compare(&rec.Sig, &c.Sig)
		related := 0.5*sc.Terms + 0.5*sc.Entities
		if related > bestAny {
			bestAny, l.Best, l.BestScores = related, c.ID, sc
		}
		isCopy := sc.Text >= th.CopyText || sc.Skeleton >= th.RewordSkeleton && sc.Terms >= th.RewordTerms
		if isCopy && !(rec.Dated && c.Dated && c.Time > rec.Time) {
			if s := sc.Text + sc.Skeleton; s > bestCopy {
				bestCopy, copyStory = s, c.StoryID
				l.DuplicateOf = c.ID
				if c.DuplicateOf != "" {
					l.DuplicateOf = c.DuplicateOf // point at the original, not at another copy
				}
			}
			continue
		}
		if related >= th.Story && related > bestRelated {
			bestRelated, relatedStory = related, c.StoryID
		}
	}
	switch {
	case l.DuplicateOf != "":
		l.StoryID = copyStory
	case relatedStory != "":
		l.StoryID = relatedStory
	default:
		l.StoryID = newStoryID(rec.ID)
	}
	return l
}

// newStoryID names the story an article starts.
func newStoryID(articleID string) string {
	sum := sha256.Sum256([]byte("story\x00" + articleID))
	return hex.EncodeToString(sum[:8])
}
