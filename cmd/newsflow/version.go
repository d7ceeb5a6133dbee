package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is the release, set at build time with
// -ldflags "-X main.version=v1.2.3"; builds from a checkout say "devel".
var version = "devel"

func versionCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "")
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: version takes no arguments", errUsage)
	}
	fmt.Fprintln(e.stdout, versionString())
	return nil
}

// versionString is the version with what the Go toolchain recorded: its
// own version and the commit built from.
func versionString() string {
	s := "newsflow " + version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return s
	}
	var rev, modified string
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				modified = "+modified"
			}
		}
	}
	if rev != "" {
		s += " (" + rev[:min(len(rev), 12)] + modified + ")"
	}
	return s + " " + info.GoVersion
}
