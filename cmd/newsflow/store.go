package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/newsflow/newsflow/services/sink/api"
	"github.com/newsflow/newsflow/services/sink/store"
)

// defaultDB is the store `newsflow run` keeps by default.
var defaultDB = "sqlite://" + filepath.Join(defaultAllInOne().DataDir, "newsflow.db")

func searchCmd(ctx context.Context, e *env, args []string) error {
	return withStore(ctx, e, args, api.SearchCommand)
}

func exportCmd(ctx context.Context, e *env, args []string) error {
	return withStore(ctx, e, args, api.ExportCommand)
}

// withStore takes a leading -db flag (or NEWSFLOW_DB), opens that store
// and hands it and the remaining arguments to cmd.
func withStore(ctx context.Context, e *env, args []string, cmd func(context.Context, store.Reader, []string, io.Writer) error) error {
	db := defaultDB
	if v := e.getenv("NEWSFLOW_DB"); v != "" {
		db = v
	}
	if len(args) >= 2 && (args[0] == "-db" || args[0] == "--db") {
		db, args = args[1], args[2:]
	}
	st, err := store.Open(ctx, db, store.WithExistingOnly())
	if err != nil {
		return fmt.Errorf("opening %s (set -db or NEWSFLOW_DB): %w", db, err)
	}
	defer st.Close()
	if err := cmd(ctx, st, args, e.stdout); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return err
	}
	return nil
}
