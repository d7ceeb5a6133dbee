package api

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/segmentio/encoding/json"
)

// SearchCommand is `newsflow search [flags] QUERY...`: it prints the
// articles matching the query words and filters, newest first, as a table
// or, with -json, as JSON lines of article summaries. args are the
// command's arguments (after "search"); -h prints the usage to out.
func SearchCommand(ctx context.Context, r store.Reader, args []string, out io.Writer) error {
	fs, v := filterFlags("search", out)
	asJSON := fs.Bool("json", false, "print JSON lines (one article summary per line) instead of a table")
	fs.String("cursor", "", "continue from the cursor printed after the previous page")
	fs.Int("limit", store.DefaultLimit, fmt.Sprintf("articles per page (at most %d)", store.MaxLimit))
	fs.Bool("copies", false, "list copies of articles (duplicate_of) too, not only the originals")
	fs.String("copies_of", "", "list the copies of the article with this id")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: newsflow search [flags] [QUERY...]\n\n"+
			"Searches the stored articles. QUERY uses web-search syntax: words (all\n"+
			"required), \"quoted phrases\", -excluded words, OR between alternatives.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, v); err != nil {
		return err
	}
	if words := fs.Args(); len(words) > 0 {
		v.Set("q", strings.Join(words, " "))
	}
	q, err := ParseArticleQuery(v)
	if err != nil {
		return err
	}
	page, err := r.Articles(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		for _, a := range page.Articles {
			b, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(out, "%s\n", b); err != nil {
				return err
			}
		}
		return nil
	}
	return WriteTable(out, page)
}

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

// ExportCommand is `newsflow export [flags]`: it writes every article
// matching the filters (all of them by default) to out as JSON lines, each
// the article exactly as it was stored, newest first.
func ExportCommand(ctx context.Context, r store.Reader, args []string, out io.Writer) error {
	fs, v := filterFlags("export", out)
	fs.String("q", "", "full-text query (web-search syntax)")
	fs.Int("limit", 0, "stop after this many articles (0: all)")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: newsflow export [flags] > articles.jsonl\n\n"+
			"Writes the stored articles as JSON lines, newest first.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, v); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export takes no arguments (use -q for a full-text query), got %q", fs.Args())
	}
	q, err := ParseArticleQuery(v)
	if err != nil {
		return err
	}
	_, err = store.ExportJSONL(ctx, r, out, q)
	return err
}

// filterFlags declares the filters search and export share; their values
// are collected into URL parameters so they are read and checked exactly
// as the API reads them.
func filterFlags(name string, out io.Writer) (*flag.FlagSet, url.Values) {
	v := url.Values{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Func("entity", "only articles mentioning this entity (id or name; repeat for all of several)", addTo(v, "entity"))
	fs.Func("source", "only articles from this source (repeat for any of several)", addTo(v, "source"))
	fs.String("story", "", "only articles of this story id")
	fs.String("from", "", "only articles at or after this date or RFC 3339 time")
	fs.String("to", "", "only articles before this time, or up to the end of this date")
	return fs, v
}

func addTo(v url.Values, key string) func(string) error {
	return func(s string) error {
		v.Add(key, s)
		return nil
	}
}

// parseFlags parses args and copies the single-valued flags that were set
// into v.
func parseFlags(fs *flag.FlagSet, args []string, v url.Values) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%s: %w", fs.Name(), err)
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "story", "from", "to", "cursor", "limit", "q", "copies", "copies_of":
			v.Set(f.Name, f.Value.String())
		}
	})
	return nil
}
