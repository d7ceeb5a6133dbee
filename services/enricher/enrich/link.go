package enrich

import (
	"context"
	"fmt"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
)

// Thresholds decide when an article is a copy of an earlier one and which
// story it joins: story.Rule. Its zero Window means Options.StoryWindow.
type Thresholds = story.Rule

// DefaultThresholds are the fitted defaults (docs/BENCHMARKS.md, "Stories").
var DefaultThresholds = story.DefaultRule

// link finds the article's story and original in the memory and stores
// the article there.
func (e *Enricher) link(ctx context.Context, a *pipeline.Article, sig story.Signature) (story.Decision, error) {
	id := a.ID
	if id == "" {
		id = pipeline.ArticleID(a.URL, a.Text) // what DecodeRaw would have given it
	}
	now := e.opts.Now().Unix()
	rec := story.Article{ID: id, Sig: sig, Time: now, Seen: now}
	if a.PublishedAt != nil {
		rec.Time, rec.Dated = a.PublishedAt.Unix(), true
	}
	d, err := e.opts.Memory.Link(ctx, &e.opts.Thresholds, rec)
	if err != nil {
		return story.Decision{}, fmt.Errorf("story memory: %w", err)
	}
	return d, nil
}
