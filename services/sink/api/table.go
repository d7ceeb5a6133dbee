package api

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsflow/newsflow/services/sink/store"
)

// WriteTable prints a page of articles for a terminal.
func WriteTable(out io.Writer, page store.ArticlePage) error {
	if len(page.Articles) == 0 {
		_, err := fmt.Fprintln(out, "No articles match.")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tSOURCE\tTITLE\tENTITIES\tID")
	for _, a := range page.Articles {
		var names []string
		for _, e := range a.Entities {
			if len(names) == 3 {
				break
			}
			names = append(names, e.Name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.At.Format(time.DateOnly), oneLine(a.Source, 24),
			oneLine(a.Title, 72), oneLine(strings.Join(names, ", "), 48), a.ID)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if page.Next != "" {
		_, err := fmt.Fprintf(out, "\nMore: add -cursor %s\n", page.Next)
		return err
	}
	return nil
}

// oneLine makes s fit a table cell: one line, at most n runes, and no
// control characters an article could use to rewrite the terminal.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n-1]) + "…"
	}
	return s
}
