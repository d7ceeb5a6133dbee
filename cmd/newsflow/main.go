// Command newsflow is newsflow's all-in-one binary and CLI: it runs the
// whole pipeline in one process on an embedded NATS server and SQLite store
// (`newsflow run`), feeds it (`publish`), watches it (`tail`), runs files
// through it (`process`), and queries the store (`search`, `export`).
// Benchmarks are a separate command, newsflow-bench (module ./bench), so
// that their peers and test helpers are not linked into this binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsflow/newsflow/pipeline/service"
)

// command is one `newsflow NAME` subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what commands read and write instead of the process globals, so
// tests can run them in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"run", "run the whole pipeline in this process (embedded NATS and SQLite)", runCmd},
		{"publish", "publish files or directories of articles to the raw subject", publishCmd},
		{"tail", "print enriched articles (or dead letters) as they arrive", tailCmd},
		{"sources", "add, list, pause, resume or remove the sources the fetcher polls", sourcesCmd},
		{"fetch", "fetch pages now through the running fetcher and publish them", fetchCmd},
		{"dead", "list, show and replay dead letters", deadCmd},
		{"reprocess", "run kept articles through the cleaner or enricher again, without refetching", reprocessCmd},
		{"process", "run files through an in-process pipeline and print the enriched articles", processCmd},
		{"search", "search the stored articles", searchCmd},
		{"export", "write stored articles as JSON lines", exportCmd},
		{"credentials", "generate NATS users' passwords and the server's authorization file", credentialsCmd},
		{"version", "print newsflow's version", versionCmd},
	}
}

// errUsage marks an error as the user's: exit code 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "-version" || args[0] == "--version" {
		args[0] = "version"
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errBadFlag):
			return 2 // the flag package has said why
		case errors.Is(err, errUsage), errors.Is(err, service.ErrInvalid):
			fmt.Fprintf(e.stderr, "newsflow %s: %v\n", c.name, err)
			return 2
		case errors.Is(err, errDeadLettered):
			return 1 // each reason was already printed
		default:
			fmt.Fprintf(e.stderr, "newsflow %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "newsflow: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: newsflow COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n`newsflow COMMAND -h` describes a command's flags; every flag can also be set")
	fmt.Fprintln(w, "in the environment, e.g. -nats-url as NEWSFLOW_NATS_URL.")
}

// newFlagSet returns a flag set whose usage names the command.
func newFlagSet(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("newsflow "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: newsflow %s [flags] %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}
