package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/fetcher/fetch"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

const sourcesUsage = `newsflow sources add URL [--every 5m] [--name NAME] [--kind feed|sitemap|page]
       newsflow sources list [--json]
       newsflow sources pause|resume|rm SOURCE...   (SOURCE: id, URL or name)`

// sourcesCmd edits the source registry in the running pipeline's
// JetStream; fetchers watching it act on the change at once.
func sourcesCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, "usage: "+sourcesUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: give a subcommand", errUsage)
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(e, "sources "+sub, "")
	conn := natsFlags(fs)
	var run func(ctx context.Context, reg *sources.Registry, pos []string) error
	switch sub {
	case "add":
		every := fs.Duration("every", sources.DefaultEvery, "how often to poll the source")
		name := fs.String("name", "", "the source's name, recorded with its articles (default: the URL)")
		kind := fs.String("kind", "", "feed, sitemap or page (default: detected from what the URL serves)")
		run = func(ctx context.Context, reg *sources.Registry, pos []string) error {
			if len(pos) != 1 {
				return fmt.Errorf("%w: sources add takes one URL", errUsage)
			}
			want := sources.Source{URL: pos[0], Name: *name, Kind: fetch.Kind(*kind), Every: sources.Duration{Duration: *every}}
			// Adding a source again changes only what the flags say: its
			// name, kind and interval stay as they were otherwise.
			kept := keepUnset(ctx, reg, fs, &want)
			s, created, err := reg.Add(ctx, want)
			if errors.Is(err, sources.ErrInvalid) {
				return fmt.Errorf("%w: %w", errUsage, err)
			}
			if err != nil {
				return err
			}
			verb := "added"
			if !created {
				verb = "updated"
			}
			fmt.Fprintf(e.stdout, "%s source %s (%s), polled every %s%s\n", verb, s.ID, s.Label(), s.Every, pausedNote(s))
			if len(kept) > 0 {
				fmt.Fprintf(e.stdout, "kept its %s (give %s to change)\n", strings.Join(kept, ", "), flagsFor(kept))
			}
			if host := hostOf(s.URL); isLocalHost(host) {
				fmt.Fprintf(e.stderr, "note: %s is not a public address; the fetcher refuses it unless started with -fetch-allow-private (e.g. `newsflow run -fetch-allow-private 127.0.0.1`)\n", host)
			}
			return nil
		}
	case "list", "ls":
		asJSON := fs.Bool("json", false, "one JSON object per source, with its state")
		run = func(ctx context.Context, reg *sources.Registry, pos []string) error {
			if len(pos) != 0 {
				return fmt.Errorf("%w: sources list takes no arguments", errUsage)
			}
			return listSources(ctx, e.stdout, reg, *asJSON)
		}
	case "pause", "resume", "rm", "remove":
		run = func(ctx context.Context, reg *sources.Registry, pos []string) error {
			if len(pos) == 0 {
				return fmt.Errorf("%w: sources %s takes one or more sources (id, URL or name)", errUsage, sub)
			}
			for _, ref := range pos {
				s, err := reg.Find(ctx, ref)
				if err != nil {
					return err
				}
				switch sub {
				case "pause", "resume":
					if _, err := reg.SetPaused(ctx, s.ID, sub == "pause"); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "%sd source %s (%s)\n", sub, s.ID, s.Label())
				default:
					if err := reg.Remove(ctx, s.ID); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "removed source %s (%s)\n", s.ID, s.Label())
				}
			}
			return nil
		}
	default:
		return fmt.Errorf("%w: unknown subcommand %q\nusage: %s", errUsage, sub, sourcesUsage)
	}
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	reg, closeConn, err := openRegistry(ctx, conn)
	if err != nil {
		return err
	}
	defer closeConn()
	return run(ctx, reg, pos)
}

func openRegistry(ctx context.Context, conn *service.Config) (*sources.Registry, func(), error) {
	nc, js, err := dialJetStream(conn, "sources")
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	reg, err := sources.Open(ctx, js, false)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("source registry: %w", err)
	}
	return reg, nc.Close, nil
}

func pausedNote(s sources.Source) string {
	if s.Paused {
		return " (paused)"
	}
	return ""
}

func listSources(ctx context.Context, w io.Writer, reg *sources.Registry, asJSON bool) error {
	listings, err := reg.Listings(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		for _, l := range listings {
			line, err := json.Marshal(l)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s\n", line)
		}
		return nil
	}
	if len(listings) == 0 {
		fmt.Fprintln(w, "no sources; add one with `newsflow sources add URL`")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tKIND\tEVERY\tSTATUS\tLAST POLL\tNEXT POLL\tARTICLES\tURL")
	now := time.Now()
	for _, l := range listings {
		s, polled := l.Source, l.State != nil
		var st sources.State
		if polled {
			st = *l.State
		}
		kind := string(s.Kind)
		if kind == "" {
			kind = "auto"
		}
		status, last, next := "new", "-", "now"
		switch {
		case s.Paused:
			status, next = "paused", "-"
		case polled && st.Owner != "" && st.LeaseUntil.After(now):
			status = "polling"
		case polled && st.Failures > 0:
			status = fmt.Sprintf("failing ×%d: %s", st.Failures, truncate(st.LastError, 60))
		case polled:
			status = "ok"
		}
		if polled && !st.LastPoll.IsZero() {
			last = ago(now.Sub(st.LastPoll)) + " ago"
		}
		if polled && !s.Paused && st.NextPoll.After(now) {
			next = "in " + ago(st.NextPoll.Sub(now))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.ID, truncate(s.Name, 30), kind, s.Every, status, last, next, st.Published, s.URL)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The errors in full: the table has only room for their start.
	header := false
	for _, l := range listings {
		if l.State != nil && l.State.Failures > 0 && !l.Source.Paused && len([]rune(l.State.LastError)) > 60 {
			if !header {
				fmt.Fprintln(w, "\nlast errors:")
				header = true
			}
			fmt.Fprintf(w, "  %s: %s\n", l.Source.ID, l.State.LastError)
		}
	}
	return nil
}

// keepUnset fills the fields of want whose flags were not given from the
// source already registered at its URL, and names them.
func keepUnset(ctx context.Context, reg *sources.Registry, fs *flag.FlagSet, want *sources.Source) []string {
	id, err := sources.ID(want.URL)
	if err != nil {
		return nil
	}
	cur, err := reg.Get(ctx, id)
	if err != nil {
		return nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var kept []string
	if !set["name"] && cur.Name != "" {
		want.Name = cur.Name
		kept = append(kept, "name")
	}
	if !set["every"] {
		want.Every = cur.Every
		kept = append(kept, "interval")
	}
	if !set["kind"] && cur.Kind != "" {
		want.Kind = cur.Kind
		kept = append(kept, "kind")
	}
	return kept
}

func flagsFor(kept []string) string {
	var flags []string
	for _, k := range kept {
		if k == "interval" {
			k = "every"
		}
		flags = append(flags, "--"+k)
	}
	return strings.Join(flags, ", ")
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// isLocalHost reports whether host names this machine or a private
// network, which the fetcher's guard refuses by default.
func isLocalHost(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified())
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	default:
		return strings.TrimSuffix(d.Round(time.Hour).String(), "0m0s")
	}
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
