package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime/debug"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/access"
)

func runCmd(ctx context.Context, e *env, args []string) error {
	o := defaultAllInOne()
	fs := newFlagSet(e, "run", "")
	o.registerFlags(fs)
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: run takes no arguments, got %q", errUsage, pos)
	}
	if err := o.validate(); err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// One process holds the NATS server's caches, the stages and the
		// store: without a limit its heap doubles between collections.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	web := ""
	o.Sink.APIListening = func(a net.Addr) { web = a.String() }
	log, err := o.Base.Logger()
	if err != nil {
		return err
	}
	defer log.Sync() //nolint:errcheck // syncing stderr fails on some terminals
	p, err := o.start(ctx, log)
	if err != nil {
		return err
	}
	ops := ""
	p.service.OpsListening = func(a net.Addr) { ops = a.String() }
	go func() {
		<-ctx.Done()
		fmt.Fprintln(e.stderr, "newsflow: shutting down, finishing in-flight articles…")
	}()
	printBanner := func() {
		fmt.Fprintf(e.stdout, "newsflow is running (data in %s). Stop with Ctrl-C.\n\n", o.DataDir)
		fmt.Fprintf(e.stdout, "  NATS      %s\n", p.ns.ClientURL())
		fmt.Fprintf(e.stdout, "            publish articles to %q, subscribe to %q,\n", pipeline.SubjectRaw, pipeline.SubjectEnriched)
		fmt.Fprintf(e.stdout, "            dead letters arrive on %q\n", pipeline.SubjectDeadLetters)
		if o.anonymousAllowed() {
			fmt.Fprintf(e.stdout, "            clients without a password may publish and read; reprocess and\n")
			fmt.Fprintf(e.stdout, "            replay need -nats-user admin -nats-password-file %s\n", access.PasswordFile(o.credentialsDir(), access.UserAdmin))
		} else {
			fmt.Fprintf(e.stdout, "            every client logs in: -nats-user client -nats-password-file %s\n", access.PasswordFile(o.credentialsDir(), access.UserClient))
		}
		fmt.Fprintf(e.stdout, "  store     %s\n", o.Sink.DB)
		if web != "" {
			fmt.Fprintf(e.stdout, "  web, API  http://%s/   (API reference: docs/API.md)\n", web)
		}
		if ops != "" {
			fmt.Fprintf(e.stdout, "  metrics   http://%s/metrics   (health: /healthz, /readyz)\n", ops)
		}
		fmt.Fprintln(e.stdout)
		label := "try:"
		for _, line := range tryLines(p.ns.ClientURL(), o.Sink.DB) {
			fmt.Fprintf(e.stdout, "  %-8s  %s\n", label, line)
			label = ""
		}
	}
	p.service.OnReady = printBanner
	return p.run(ctx)
}

// defaultMemoryLimit is the all-in-one's soft memory limit (the Go
// runtime's GOMEMLIMIT, which overrides it; GOMEMLIMIT=off for none): the
// garbage collector works harder as the heap nears it, instead of letting
// the heap double between collections. It is soft: a heap that needs more
// gets it, at the cost of more collection. It was 200 MiB, under what the
// process holds live (the NATS server's block buffers, every stage, the
// store: 200–250 MB in heap profiles), which kept the collector running
// without pause: at 600 pages, raw → enriched p50 290 ms against 25 ms
// with 320 MiB, at 1.4 times the RSS (docs/BENCHMARKS.md, End to end).
const defaultMemoryLimit = 320 << 20

// tryLines are the commands the banner suggests, with the flags this run's
// choices need (another NATS port, another store), so they work as shown.
func tryLines(natsURL, db string) []string {
	conn := ""
	if natsURL != "nats://127.0.0.1:4222" {
		conn = " -nats-url " + natsURL
	}
	store := ""
	if db != defaultDB {
		store = " -db " + db
	}
	return []string{
		`echo "Wendy Sherman met Sergei Ryabkov in Geneva on Monday." | newsflow publish -source demo -` + conn,
		"newsflow tail --summary" + conn,
		"newsflow search Geneva" + store,
	}
}
