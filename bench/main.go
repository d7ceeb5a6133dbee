// Command newsflow-bench runs the measurements recorded in
// docs/BENCHMARKS.md: the stage runner, the service binaries under load,
// the fetcher, and the cleaner's and the entity model's accuracy side by
// side with other Go libraries (go-trafilatura, two go-readability forks,
// prose/v2).
//
// It is a module of its own so that those peers, and the test helpers the
// benchmarks share with the tests (pipeline/shareddata imports testing),
// are never linked into newsflow's product binaries. `make bench` builds
// and runs it.
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
)

// env is what benchmarks read and write instead of the process globals.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

// errUsage marks an error as the user's: exit code 2.
var errUsage = errors.New("usage")

func main() {
	if serveNATSIfAsked() {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := benchCmd(ctx, e, os.Args[1:])
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(e.stderr, "newsflow-bench:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(e.stderr, "newsflow-bench:", err)
		os.Exit(1)
	}
}

// newFlagSet returns a flag set whose usage names the benchmark.
func newFlagSet(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("newsflow-bench "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: newsflow-bench %s [flags] %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}
