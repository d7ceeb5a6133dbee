package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/services/fetcher/fetchersvc"
)

// fetchCmd asks the running fetcher to fetch pages now and publish them.
func fetchCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fetch", "URL...")
	conn := natsFlags(fs)
	source := fs.String("source", "", "source name recorded with the articles (default: each URL's host)")
	asJSON := fs.Bool("json", false, "print one JSON object per URL (id, url, status, or error and reason) instead of text")
	timeout := fs.Duration("timeout", 150*time.Second, "give up on a page after this long")
	urls, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		return fmt.Errorf("%w: give at least one URL", errUsage)
	}
	nc, err := dialNATS(conn, "fetch")
	if err != nil {
		return err
	}
	defer nc.Close()
	var failed int
	for _, u := range urls {
		rctx, cancel := context.WithTimeout(ctx, *timeout)
		reply, err := fetchersvc.Request(rctx, nc, u, *source)
		cancel()
		if errors.Is(err, fetchersvc.ErrNoFetcher) {
			return err
		}
		if *asJSON {
			if err != nil {
				failed++
				if reply.Error == "" {
					reply.Error = err.Error()
				}
			}
			if reply.URL == "" {
				reply.URL = u
			}
			line, jerr := json.Marshal(reply)
			if jerr != nil {
				return jerr
			}
			fmt.Fprintf(e.stdout, "%s\n", line)
			continue
		}
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "%s: %v\n", u, err)
			continue
		}
		note := ""
		if reply.Status == "duplicate" {
			note = " (already in the pipeline with this content)"
		}
		fmt.Fprintf(e.stdout, "%s %s%s\n", reply.ID, reply.URL, note)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d page(s) not fetched", failed, len(urls))
	}
	return nil
}
