// Package storetest helps test and benchmark code against the article
// store: it runs a throwaway PostgreSQL server from the binaries installed
// on the machine, and generates realistic enriched articles.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables the PostgreSQL helpers read.
const (
	// EnvSkipPostgres, set to 1, skips the PostgreSQL half of the tests
	// instead of failing when no server can be started. Nothing else does.
	EnvSkipPostgres = "NEWSFLOW_SKIP_POSTGRES"
	// EnvPostgresURL points the tests at a running server (a superuser
	// DSN) instead of starting one.
	EnvPostgresURL = "NEWSFLOW_TEST_POSTGRES"
)

// Server is a PostgreSQL server started for tests.
type Server struct {
	// URL is a superuser DSN for the server's "postgres" database.
	URL string

	cmd  *exec.Cmd
	dir  string
	log  string
	done chan error
}

// ServerOptions configure StartServer.
type ServerOptions struct {
	// Durable keeps fsync and synchronous commit on, as in production;
	// benchmarks want it, tests do not.
	Durable bool
}

// StartServer initialises a database cluster in a temporary directory and
// starts PostgreSQL on a free localhost port. It finds initdb and postgres
// on PATH or in /usr/lib/postgresql/*/bin; scripts/test-deps.sh installs
// them. Run as root, it runs them as the postgres (or nobody) user, since
// PostgreSQL refuses to run as root.
func StartServer(opts ServerOptions) (*Server, error) {
	bin, err := findPostgres()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "newsflow-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, log: filepath.Join(dir, "postgres.log")}
	fail := func(err error) (*Server, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	cred, uid, gid, err := unprivileged()
	if err != nil {
		return fail(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return fail(err)
	}
	if cred != nil {
		// The server's user must reach its data directory and log file.
		if err := os.Chmod(dir, 0o755); err != nil {
			return fail(err)
		}
		for _, p := range []string{dir, data} {
			if err := os.Chown(p, uid, gid); err != nil {
				return fail(err)
			}
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
		"--no-sync", "--encoding=UTF8", "--locale=C")
	initdb.Dir = dir
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("storetest: initdb: %w\n%s", err, out))
	}

	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		args := []string{"-D", data, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1",
			"-c", "unix_socket_directories=", "-c", "max_connections=200", "-c", "shared_buffers=128MB"}
		if !opts.Durable {
			args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
		}
		logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return fail(err)
		}
		if cred != nil {
			logf.Chown(uid, gid)
		}
		cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = logf, logf
		// If the test binary dies, the server goes with it (SIGQUIT is
		// PostgreSQL's immediate shutdown).
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
		if err := cmd.Start(); err != nil {
			logf.Close()
			return fail(fmt.Errorf("storetest: starting postgres: %w", err))
		}
		logf.Close()
		s.cmd = cmd
		s.done = make(chan error, 1)
		go func() { s.done <- cmd.Wait() }()
		s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
		err = s.waitReady(30 * time.Second)
		if err == nil {
			return s, nil
		}
		s.kill()
		if attempt == 2 {
			return fail(fmt.Errorf("storetest: postgres did not start: %w\n%s", err, s.logTail()))
		}
	}
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.URL)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case werr := <-s.done:
			s.done <- werr
			return fmt.Errorf("postgres exited: %v", werr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func (s *Server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	// SIGINT is a fast shutdown: connections are cut, nothing is flushed
	// that a test needs.
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// Stop shuts the server down and removes its files.
func (s *Server) Stop() {
	s.kill()
	os.RemoveAll(s.dir)
}

var dbSeq atomic.Int64

// NewDatabase creates an empty database on the server and returns its DSN.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	return newDatabase(ctx, s.URL)
}

func newDatabase(ctx context.Context, admin string) (string, error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	name := fmt.Sprintf("newsflow_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("storetest: creating database: %w", err)
	}
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		return "", err
	}
	// Rewrite only the database name, keeping everything else of admin.
	i := strings.LastIndex(admin, "/"+cfg.Database)
	if i < 0 {
		return "", fmt.Errorf("storetest: cannot find the database name in %s", admin)
	}
	return admin[:i+1] + name + admin[i+1+len(cfg.Database):], nil
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
)

// PostgresDSN returns the DSN of a new, empty database for tb, on a server
// started once per test binary (or on $NEWSFLOW_TEST_POSTGRES). It fails
// tb, naming scripts/test-deps.sh, when no server can be had, unless
// $NEWSFLOW_SKIP_POSTGRES=1 asks to skip. Call Main from TestMain so the
// server is stopped when the tests end.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(EnvSkipPostgres) == "1" {
		tb.Skipf("PostgreSQL tests skipped: %s=1", EnvSkipPostgres)
	}
	admin := os.Getenv(EnvPostgresURL)
	if admin == "" {
		sharedOnce.Do(func() { shared, sharedErr = StartServer(ServerOptions{}) })
		if sharedErr != nil {
			tb.Fatalf("PostgreSQL is needed for these tests: %v\n"+
				"Install it with scripts/test-deps.sh (or set %s to a server's DSN, or %s=1 to skip)",
				sharedErr, EnvPostgresURL, EnvSkipPostgres)
		}
		admin = shared.URL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn, err := newDatabase(ctx, admin)
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

// Main runs the tests and stops the PostgreSQL server PostgresDSN started:
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	return code
}

// findPostgres returns the directory holding initdb and postgres.
func findPostgres() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if resolved, err := filepath.EvalSymlinks(p); err == nil {
			dir = filepath.Dir(resolved)
		}
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("storetest: no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin")
}

func pgVersion(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// unprivileged returns the credentials to run PostgreSQL with when this
// process is root (nil otherwise).
func unprivileged() (*syscall.Credential, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, -1, -1, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, uid, gid, nil
	}
	return nil, -1, -1, errors.New("storetest: running as root and no postgres or nobody user to run PostgreSQL as")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
