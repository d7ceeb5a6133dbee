package service

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	// Every newsflow binary runs through this package: it parses JSON on
	// segmentio/asm's scalar paths (see package noavx2).
	_ "github.com/newsflow/newsflow/pipeline/noavx2"
)

// RunFunc is a service's whole program: parse args and environment, wire,
// run until ctx is done. Taking getenv instead of reading os.Getenv keeps
// configuration testable and in one place.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string) error

// Main runs run under a context cancelled by SIGINT or SIGTERM and exits:
// 0 on a clean shutdown or -help, 2 on a usage error, 1 on any other error.
//
// "healthcheck [URL]" as the only arguments probes URL (default: the ops
// endpoint's /readyz) and exits 0 if it answers 200: images built FROM
// scratch have no curl for their HEALTHCHECK.
func Main(run RunFunc) {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "healthcheck" {
		os.Exit(healthcheck(args[1:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, args, os.Getenv)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, ErrInvalid):
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func healthcheck(args []string) int {
	url := "http://127.0.0.1" + portOf(DefaultConfig().OpsAddr) + "/readyz"
	if v := os.Getenv(EnvName("ops-addr")); v != "" {
		url = "http://127.0.0.1" + portOf(v) + "/readyz"
	}
	if len(args) > 0 {
		url = args[0]
	}
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, url+": "+resp.Status)
		return 1
	}
	return 0
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return ":" + addr
}
