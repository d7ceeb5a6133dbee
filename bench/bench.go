package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
)

func benchCmd(ctx context.Context, e *env, args []string) error {
	benches := map[string]func(context.Context, *env, []string) error{
		"e2e":      benchE2ECmd,
		"extract":  benchExtractCmd,
		"fetch":    benchFetchCmd,
		"ner":      benchNERCmd,
		"runner":   benchRunnerCmd,
		"services": benchServicesCmd,
		"chaos":    chaosCmd,
	}
	if len(args) == 0 {
		return fmt.Errorf("%w: newsflow-bench e2e|runner|services|extract|ner|fetch [flags]", errUsage)
	}
	b, ok := benches[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown benchmark %q", errUsage, args[0])
	}
	return b(ctx, e, args[1:])
}

// startCPUProfile profiles the process into path until stop is called;
// with path empty it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
