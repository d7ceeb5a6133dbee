package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/newsflow/newsflow/pipeline/access"
)

// credentialsCmd writes a deployment's NATS credentials: a password file
// per user (kept if present) and auth.conf, the authorization block a
// standalone nats-server includes (deploy/nats.conf). `make secrets` runs
// it for docker compose.
func credentialsCmd(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "credentials", "DIR")
	shared := fs.Bool("container-readable", false, "make the password files readable by any uid (bind-mounted into containers that run as another user); DIR stays 0700")
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: credentials takes one directory", errUsage)
	}
	dir := pos[0]
	creds, err := access.Ensure(dir, *shared)
	if err != nil {
		return err
	}
	conf, err := access.ServerConf(creds)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o600)
	if *shared {
		mode = 0o644
	}
	path := filepath.Join(dir, "auth.conf")
	if err := os.WriteFile(path, conf, mode); err != nil {
		return err
	}
	if err := os.Chmod(path, mode); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "NATS users %v: passwords in %s/USER.password, server authorization in %s\n", access.Users(), dir, path)
	return nil
}
