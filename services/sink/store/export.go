package store

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pipeline"
)

// ExportJSONL writes every article matching q to w as JSON lines, newest
// first, each line exactly the JSON the article was saved as (what
// `newsflow export` prints). It returns how many articles it wrote.
func ExportJSONL(ctx context.Context, r Reader, w io.Writer, q ArticleQuery) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	err := r.Scan(ctx, q, func(doc []byte) error {
		bw.Write(doc)
		if err := bw.WriteByte('\n'); err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		n++
		return nil
	})
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("store: export: %w", ferr)
	}
	return n, err
}

// CSVHeader is the first row ExportCSV writes.
var CSVHeader = []string{"id", "time", "published_at", "source", "title", "url", "story_id", "duplicate_of",
	"people", "organisations", "places", "other", "keywords", "quotes", "summary"}

// ExportCSV writes every article matching q to w as CSV, one row per
// article (see CSVHeader), newest first: what a spreadsheet opens. The
// entities of each type are named in one cell, most salient first and
// separated by "; ". Cells that a spreadsheet would run as a formula
// (starting with =, +, - or @) get a leading apostrophe. It returns how
// many articles it wrote.
func ExportCSV(ctx context.Context, r Reader, w io.Writer, q ArticleQuery) (int, error) {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	n := 0
	now := time.Now()
	err := r.Scan(ctx, q, func(doc []byte) error {
		a, err := pipeline.DecodeArticle(doc, nil)
		if err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		names := map[pipeline.EntityType][]string{}
		ents := slices.Clone(a.Entities)
		sort.SliceStable(ents, func(i, j int) bool { return ents[i].Salience > ents[j].Salience })
		for _, e := range ents {
			names[e.Type] = append(names[e.Type], e.Name)
		}
		var kws []string
		for _, k := range a.Keywords {
			kws = append(kws, k.Text)
		}
		pub := ""
		if a.PublishedAt != nil {
			pub = a.PublishedAt.UTC().Format(time.RFC3339)
		}
		summary := a.Summary
		row := []string{a.ID, ArticleTime(&a, now).Format(time.RFC3339), pub, a.Source, a.Title, a.URL, a.StoryID, a.DuplicateOf,
			strings.Join(names[pipeline.Person], "; "), strings.Join(names[pipeline.Organization], "; "),
			strings.Join(names[pipeline.Location], "; "), strings.Join(names[pipeline.Misc], "; "),
			strings.Join(kws, "; "), strconv.Itoa(len(a.Quotes)), summary}
		for i, c := range row {
			row[i] = csvCell(c)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		n++
		return nil
	})
	cw.Flush()
	if ferr := cw.Error(); err == nil && ferr != nil {
		err = fmt.Errorf("store: export: %w", ferr)
	}
	return n, err
}

// csvCell keeps a spreadsheet from reading a cell an article wrote as a
// formula (CSV injection).
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
