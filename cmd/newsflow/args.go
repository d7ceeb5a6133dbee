package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"

	"github.com/newsflow/newsflow/pipeline/service"
)

// errBadFlag is a command line the flag package rejected; it has printed
// why, with the usage (exit code 2).
var errBadFlag = errors.New("bad flag")

// parseArgs is every command's one parsing rule: flags may come before,
// between or after the arguments (`search geneva -json`), `--` ends the
// flags (everything after it is an argument, even `-x`), a lone `-` is an
// argument (standard input), and a flag not given on the command line is
// read from the environment (-nats-url from NEWSFLOW_NATS_URL). It returns
// the arguments in order.
func parseArgs(fs *flag.FlagSet, args []string, getenv func(string) string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %w", errBadFlag, err)
		}
		rest := fs.Args()
		if consumed := args[:len(args)-len(rest)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return slices.Clip(pos), service.Parse(fs, nil, getenv)
}
