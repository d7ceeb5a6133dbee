package clean

import (
	"context"
	"errors"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/cleaner/charset"
	"github.com/newsflow/newsflow/services/cleaner/extract"
)

type Options struct{}
type Cleaner struct{}

func New(opts Options) *Cleaner { return &Cleaner{} }

func (c *Cleaner) Process(ctx context.Context, a pipeline.Article) (pipeline.Article, error) {
	page, _ := charset.Decode(a.HTML)
	r := extract.Extract(page)
	a.Text = r.Text
	if a.Text == "" {
		return a, errors.New("no article text found")
	}
	return a, nil
}
