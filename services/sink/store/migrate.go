package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Schema migrations live in migrations/<engine>/NNNN_name.sql. Each is
// applied once, in its own transaction, and recorded in schema_migrations;
// a migration, once released, is never edited, only followed by another.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(engine string) ([]migration, error) {
	dir := path.Join("migrations", engine)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration file %s is not named NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(name, ".sql"), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("store: two migrations numbered %d", out[i].version)
		}
	}
	return out, nil
}

// migrator is what differs between the engines when migrating: where
// their migrations are and how to keep two processes starting at once from
// migrating together.
type migrator struct {
	engine string
	// lock runs first in every migration transaction.
	lock func(ctx context.Context, tx *sql.Tx) error
	d    dialect
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at text NOT NULL
)`

// migrate brings the database up to the newest migration this build has.
func migrate(ctx context.Context, db *sql.DB, m migrator) error {
	ms, err := loadMigrations(m.engine)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("store: creating schema_migrations: %w", err)
	}
	newest := 0
	if len(ms) > 0 {
		newest = ms[len(ms)-1].version
	}
	for _, mg := range ms {
		if err := applyMigration(ctx, db, m, mg, newest); err != nil {
			return err
		}
	}
	// Development builds before the first release had another version 1;
	// their databases cannot be migrated, only recreated.
	if _, err := db.ExecContext(ctx, `SELECT rid, article_rid FROM articles, article_entities LIMIT 0`); err != nil {
		return fmt.Errorf("store: the database was created by a pre-release development build whose schema this one cannot migrate; "+
			"export its articles with that build if they matter, then delete it: %w", err)
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, m migrator, mg migration, newest int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", mg.name, err)
	}
	defer tx.Rollback()
	if m.lock != nil {
		if err := m.lock(ctx, tx); err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
	}
	var current sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("store: reading schema version: %w", err)
	}
	if int(current.Int64) > newest {
		return fmt.Errorf("store: database schema version %d is newer than this build's %d: upgrade newsflow", current.Int64, newest)
	}
	if int(current.Int64) >= mg.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, mg.sql); err != nil {
		return fmt.Errorf("store: migration %s: %w", mg.name, err)
	}
	q := &query{d: m.d}
	q.add(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		mg.version, mg.name, time.Now().UTC().Format(time.RFC3339Nano))
	if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
		return fmt.Errorf("store: recording migration %s: %w", mg.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migration %s: %w", mg.name, err)
	}
	return nil
}
