// Package sinksvc wires the store into the last pipeline stage: the part of
// the sink service that the service binary and the all-in-one newsflow
// binary share.
package sinksvc

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/sink/api"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/web"
)

// Options are the sink's own settings.
type Options struct {
	// DB is the store: sqlite://path or postgres://... (see store.Open).
	DB string
	// APIAddr is where the JSON API and the web view are served; "" disables them.
	APIAddr string
	// SQLiteCacheMB is SQLite's page cache per connection (0: the store's
	// default, sized to keep the sink small).
	SQLiteCacheMB int
	// APIToken, if set, is required of every API and web request (but
	// /healthz): "Authorization: Bearer TOKEN" from API clients, a login
	// at /login from browsers (see web.WithToken). Set it when the API
	// is reachable beyond this machine.
	APIToken string
	// MaxClockSkew is how far in the future a stage mark may be dated
	// (clocks of the stages' machines differ) before the sink refuses the
	// article (0: DefaultMaxClockSkew).
	MaxClockSkew time.Duration
	// APIListening, if set, is told the API's address once it listens.
	APIListening func(net.Addr)
}

// DefaultMaxClockSkew is how far ahead of the sink's clock a stage mark
// may be: well above NTP-synchronised clocks' differences, far below the
// damage a mark dated years ahead does (the store keeps the newest
// version of an article by its latest mark, so such a mark would pin a
// stale or forged version against every legitimate reprocessing).
const DefaultMaxClockSkew = 5 * time.Minute

// ErrFutureMark reports an article with a stage mark dated beyond the
// clock-skew tolerance: dead-lettered, never stored.
var ErrFutureMark = errors.New("stage mark dated in the future")

// CheckMarks refuses a whose stage marks are later than now plus skew.
func CheckMarks(a *pipeline.Article, now time.Time, skew time.Duration) error {
	for _, m := range a.Stages {
		if m.At.After(now.Add(skew)) {
			return pipeline.Permanent(fmt.Errorf("%w: %s mark at %s is more than %s after the sink's clock (%s)",
				ErrFutureMark, m.Stage, m.At.Format(time.RFC3339), skew, now.UTC().Format(time.RFC3339)))
		}
	}
	return nil
}

// DefaultOptions returns the defaults the flags start from.
// The API binds localhost by default: exposing it is a deployment's choice
// (compose sets ":8080" on its internal network and publishes it on the
// host's 127.0.0.1 only).
func DefaultOptions() Options { return Options{DB: "sqlite://newsflow.db", APIAddr: "127.0.0.1:8080"} }

// RegisterFlags binds o to flags on fs.
func (o *Options) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.DB, "db", o.DB, "article store: sqlite://PATH or postgres://USER:PASS@HOST/DB")
	fs.StringVar(&o.APIAddr, "api-addr", o.APIAddr, `address of the JSON API and web view ("" to disable)`)
	fs.StringVar(&o.APIToken, "api-token", o.APIToken, "token every API request must carry as a Bearer header and browsers give at /login (set when the API is reachable beyond localhost)")
	fs.DurationVar(&o.MaxClockSkew, "max-clock-skew", o.MaxClockSkew, "how far in the future a stage mark may be dated before the article is dead-lettered (0: 5m)")
	fs.IntVar(&o.SQLiteCacheMB, "sqlite-cache-mb", o.SQLiteCacheMB, "SQLite page cache per connection in MiB (0: 8 for the writer, 16 per reader); more speeds large stores")
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	if o.DB == "" {
		return errors.New("db is empty")
	}
	// Caught here, not by opening the store, which is retried until the
	// database answers.
	if scheme, _, ok := strings.Cut(o.DB, "://"); ok && scheme != "sqlite" && scheme != "postgres" && scheme != "postgresql" {
		return fmt.Errorf("db: unsupported scheme %q (want sqlite:// or postgres://)", scheme)
	}
	if o.MaxClockSkew < 0 {
		return errors.New("max-clock-skew cannot be negative")
	}
	if o.SQLiteCacheMB < 0 {
		return errors.New("sqlite-cache-mb cannot be negative")
	}
	return nil
}

// Build opens the store and wires the sink stage — enriched subject in,
// every article upserted by id, then its story's update published on
// pipeline.StorySubject — and the HTTP API and web view over the
// store. Concurrent saves are group-committed by
// the store, so the stage runs many workers: each waits for its commit.
func Build(ctx context.Context, o Options, log *zap.Logger, js jetstream.JetStream) (service.Service, error) {
	// The database may still be starting: wait for it, don't exit.
	var st store.Store
	err := service.Retry(ctx, log, "store", func(ctx context.Context) (err error) {
		st, err = store.Open(ctx, o.DB, store.WithLogger(log.Named("store")), store.WithSQLiteMemory(o.SQLiteCacheMB, o.SQLiteCacheMB, -1))
		return err
	})
	if err != nil {
		return service.Service{}, fmt.Errorf("sink: %w", err)
	}
	stories := NewStoryPublisher(js, st)
	skew := o.MaxClockSkew
	if skew == 0 {
		skew = DefaultMaxClockSkew
	}
	stage := &runner.Stage{
		Name:    pipeline.StageSink,
		From:    pipeline.SubjectEnriched,
		Workers: 64,
		Func: func(ctx context.Context, a pipeline.Article) (pipeline.Article, error) {
			// What arrives here was published by the enricher: only its NATS
			// user may publish to the enriched subject (package access).
			// Its marks must still be plausible.
			if err := CheckMarks(&a, time.Now(), skew); err != nil {
				return a, err
			}
			if err := st.Save(ctx, a); err != nil {
				return a, storeError(err)
			}
			// After the commit: a failed publish is retried with the
			// article, whose second Save is a no-op.
			return a, stories.Publish(ctx, a.StoryID)
		},
		Log: log,
	}
	built := service.Service{Stages: []*runner.Stage{stage}, Closers: []io.Closer{st}}
	if o.APIAddr != "" {
		ln, err := net.Listen("tcp", o.APIAddr)
		if err != nil {
			st.Close()
			return service.Service{}, fmt.Errorf("sink API: %w", err)
		}
		log.Info("API and web view listening", zap.String("addr", ln.Addr().String()), zap.Bool("token", o.APIToken != ""))
		if o.APIToken == "" && !isLoopback(ln.Addr()) {
			log.Warn("the API and web view listen beyond localhost without -api-token: anyone who reaches them reads the store")
		}
		if o.APIListening != nil {
			o.APIListening(ln.Addr())
		}
		built.Components = append(built.Components, func(ctx context.Context, _ jetstream.JetStream) error {
			// Live streams (server-sent events) end with the service, so a
			// shutdown is not held up by open browser tabs.
			h := web.New(st, web.WithToken(o.APIToken), web.WithAPIOptions(api.WithLogger(log.Named("api")), api.WithStreamContext(ctx)))
			return service.ServeHTTP(ctx, ln, h)
		})
	}
	return built, nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
