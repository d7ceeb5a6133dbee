package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
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
