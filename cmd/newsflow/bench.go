package main

import (
	"context"
	"fmt"
)

func benchCmd(ctx context.Context, e *env, args []string) error {
	benches := map[string]func(context.Context, *env, []string) error{
		"extract":  benchExtractCmd,
		"fetch":    benchFetchCmd,
		"ner":      benchNERCmd,
		"runner":   benchRunnerCmd,
		"services": benchServicesCmd,
	}
	if len(args) == 0 {
		return fmt.Errorf("%w: newsflow bench runner|services|extract|ner|fetch [flags]", errUsage)
	}
	b, ok := benches[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown benchmark %q", errUsage, args[0])
	}
	return b(ctx, e, args[1:])
}
