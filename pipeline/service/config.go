package service

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// Config is what every newsflow service shares. Each service embeds it in
// its own config struct next to the settings only it has.
type Config struct {
	NATSURL   string // nats://host:port, comma-separated for a cluster
	NATSCreds string // optional credentials file (NATS JWT/nkey)
	// NATSUser and its password (NATSPassword, or the first line of
	// NATSPasswordFile, as docker secrets are mounted) log in to a server
	// with users (package access; `newsflow credentials`).
	NATSUser         string
	NATSPassword     string
	NATSPasswordFile string
	OpsAddr          string // where /metrics, /healthz and /readyz are served; "" disables
	LogLevel         string
	LogFormat        string // json or console

	// Stream layout. The service started with ApplyTopology creates or
	// updates the streams, and its own stage consumers, to these settings;
	// every other service creates what is missing and refuses to start
	// when the server's settings differ from its own (runner.Topology).
	Replicas      int
	MaxAge        time.Duration
	RawMaxAge     time.Duration // raw HTML's retention (runner.Topology.RawMaxAge)
	Compression   string        // s2 or none
	ApplyTopology bool

	// Stage tuning; zero keeps the runner's defaults.
	Workers    int
	Timeout    time.Duration
	MaxDeliver int
	// DrainTimeout bounds a shutdown: in-flight messages get this long to
	// publish and ack (those that do not are redelivered), so a SIGTERM
	// while NATS is unreachable exits well inside a supervisor's grace
	// period (docker's is 10 s; compose sets stop_grace_period: 15s).
	DrainTimeout time.Duration
}

// DefaultConfig returns the defaults the flags start from.
func DefaultConfig() Config {
	return Config{
		NATSURL:     "nats://127.0.0.1:4222",
		OpsAddr:     "127.0.0.1:9090", // metrics and probes are not for the world; compose sets ":9090" on its network
		LogLevel:    "info",
		LogFormat:   "json",
		Replicas:    1,
		MaxAge:      7 * 24 * time.Hour,
		RawMaxAge:   runner.DefaultRawMaxAge,
		Compression: "s2",

		DrainTimeout: 5 * time.Second,
	}
}

// RegisterFlags binds c's fields to flags on fs, with c's current values as
// defaults. Each flag can also be set by environment (see Parse).
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	c.RegisterConnFlags(fs)
	c.RegisterProcessFlags(fs)
}

// RegisterConnFlags binds how to reach NATS: -nats-url, -nats-user,
// -nats-password(-file) and -nats-creds. The CLI's client commands
// register these alone.
func (c *Config) RegisterConnFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.NATSURL, "nats-url", c.NATSURL, "NATS server URL(s), comma-separated")
	fs.StringVar(&c.NATSUser, "nats-user", c.NATSUser, "NATS user (fetcher, cleaner, enricher, sink, client or admin; see docs/RELIABILITY.md)")
	fs.StringVar(&c.NATSPassword, "nats-password", c.NATSPassword, "NATS password (prefer -nats-password-file or NEWSFLOW_NATS_PASSWORD: flags show in ps)")
	fs.StringVar(&c.NATSPasswordFile, "nats-password-file", c.NATSPasswordFile, "file holding the NATS password")
	fs.StringVar(&c.NATSCreds, "nats-creds", c.NATSCreds, "NATS credentials file (JWT/nkey)")
}

// AuthOptions are the connection options that log in as c says: user and
// password (read from NATSPasswordFile if set), or a credentials file. A
// user's replies come on its own inbox prefix (access.InboxPrefix), the
// only inbox its permissions let it read.
func (c Config) AuthOptions() ([]nats.Option, error) {
	var opts []nats.Option
	if c.NATSCreds != "" {
		opts = append(opts, nats.UserCredentials(c.NATSCreds))
	}
	if c.NATSUser == "" {
		if c.NATSPassword != "" || c.NATSPasswordFile != "" {
			return nil, fmt.Errorf("%w: a NATS password without -nats-user", ErrInvalid)
		}
		return opts, nil
	}
	pw := c.NATSPassword
	if c.NATSPasswordFile != "" {
		b, err := os.ReadFile(c.NATSPasswordFile)
		if err != nil {
			return nil, fmt.Errorf("%w: nats-password-file: %w", ErrInvalid, err)
		}
		pw, _, _ = strings.Cut(string(b), "\n")
		pw = strings.TrimSpace(pw)
	}
	if pw == "" {
		return nil, fmt.Errorf("%w: -nats-user %s without a password (-nats-password-file or NEWSFLOW_NATS_PASSWORD)", ErrInvalid, c.NATSUser)
	}
	return append(opts, nats.UserInfo(c.NATSUser, pw), nats.CustomInboxPrefix(access.InboxPrefix(c.NATSUser))), nil
}

// RegisterProcessFlags binds everything else: ops endpoint, logs, stream
// layout and stage tuning. The all-in-one binary, which runs its own
// server, registers these alone.
func (c *Config) RegisterProcessFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.OpsAddr, "ops-addr", c.OpsAddr, `address serving /metrics, /healthz and /readyz ("" to disable)`)
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "json or console")
	fs.IntVar(&c.Replicas, "replicas", c.Replicas, "replicas of each stream (3 on a clustered JetStream)")
	fs.DurationVar(&c.MaxAge, "max-age", c.MaxAge, "how long clean and enriched articles stay in the streams for replay")
	fs.DurationVar(&c.RawMaxAge, "raw-max-age", c.RawMaxAge,
		"how long raw articles (fetched HTML) stay, for reprocessing and for a cleaner outage to be ridden out; at most -max-age")
	fs.StringVar(&c.Compression, "stream-compression", c.Compression, "compression of the streams on disk: s2 or none")
	fs.BoolVar(&c.ApplyTopology, "apply-topology", c.ApplyTopology,
		"own the stream layout: create or update the streams and this service's consumers to these flags (otherwise they are only created if missing, and a difference stops the service)")
	fs.IntVar(&c.Workers, "workers", c.Workers, "messages processed at once per stage (0: 2×CPUs)")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "time limit for one message in a stage (0: 30s)")
	fs.IntVar(&c.MaxDeliver, "max-deliver", c.MaxDeliver, "attempts before a message is dead-lettered (0: 5)")
	fs.DurationVar(&c.DrainTimeout, "drain-timeout", c.DrainTimeout, "on shutdown, how long in-flight messages may take to finish; the rest are redelivered")
}

// ErrInvalid reports a configuration that cannot work.
var ErrInvalid = errors.New("invalid configuration")

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if c.NATSURL == "" {
		errs = append(errs, errors.New("nats-url is empty"))
	}
	if _, err := zapcore.ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, fmt.Errorf("log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "json" && c.LogFormat != "console" {
		errs = append(errs, fmt.Errorf("log-format %q: want json or console", c.LogFormat))
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("replicas %d: want 1 to 5", c.Replicas))
	}
	if c.MaxAge < time.Minute {
		errs = append(errs, fmt.Errorf("max-age %s: want at least 1m", c.MaxAge))
	}
	if c.RawMaxAge < time.Minute {
		errs = append(errs, fmt.Errorf("raw-max-age %s: want at least 1m", c.RawMaxAge))
	}
	if c.Compression != "s2" && c.Compression != "none" {
		errs = append(errs, fmt.Errorf("stream-compression %q: want s2 or none", c.Compression))
	}
	if c.Workers < 0 || c.MaxDeliver < 0 || c.Timeout < 0 || c.DrainTimeout < 0 {
		errs = append(errs, errors.New("workers, timeout, max-deliver and drain-timeout cannot be negative"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// Topology is the stream layout c asks for.
func (c Config) Topology() runner.Topology {
	return runner.Topology{Replicas: c.Replicas, MaxAge: c.MaxAge, RawMaxAge: c.RawMaxAge,
		Uncompressed: c.Compression == "none", Apply: c.ApplyTopology}
}

// Tune applies the stage settings c sets (non-zero) to st, over the
// stage's own defaults, and says whether st owns its consumer.
func (c Config) Tune(st *runner.Stage) {
	st.ApplyConsumer = c.ApplyTopology
	if c.Workers > 0 {
		st.Workers = c.Workers
	}
	if c.Timeout > 0 {
		st.Timeout = c.Timeout
	}
	if c.MaxDeliver > 0 {
		st.MaxDeliver = c.MaxDeliver
	}
	if c.DrainTimeout > 0 {
		st.DrainTimeout = c.DrainTimeout
	}
}

// Logger builds the zap logger c asks for.
func (c Config) Logger() (*zap.Logger, error) {
	level, err := zapcore.ParseLevel(c.LogLevel)
	if err != nil {
		return nil, err
	}
	zc := zap.NewProductionConfig()
	if c.LogFormat == "console" {
		zc = zap.NewDevelopmentConfig()
	}
	zc.Level = zap.NewAtomicLevelAt(level)
	zc.DisableStacktrace = level > zapcore.DebugLevel
	return zc.Build()
}

// Parse parses args into fs, then sets every flag not given on the command
// line from the environment: flag "nats-url" from NEWSFLOW_NATS_URL. The
// command line wins over the environment, which wins over defaults.
func Parse(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		key := EnvName(f.Name)
		if v := getenv(key); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", key, v, err))
			}
		}
	})
	return errors.Join(errs...)
}

// EnvName is the environment variable that sets the named flag.
func EnvName(flagName string) string {
	return "NEWSFLOW_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}
