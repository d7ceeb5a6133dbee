package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/services/cleaner/cleanersvc"
	"github.com/newsflow/newsflow/services/enricher/enrichersvc"
	"github.com/newsflow/newsflow/services/fetcher/fetchersvc"
	"github.com/newsflow/newsflow/services/sink/sinksvc"
)

// allInOne is the configuration of the whole pipeline in one process: the
// same services as the deployment, on an embedded server.
type allInOne struct {
	Base     service.Config
	DataDir  string
	Host     string
	Port     int
	NoListen bool
	Fetcher  fetchersvc.Options
	Cleaner  cleanersvc.Options
	Enricher enrichersvc.Options
	Sink     sinksvc.Options
}

func defaultAllInOne() allInOne {
	base := service.DefaultConfig()
	base.LogFormat = "console"
	base.LogLevel = "warn"
	base.OpsAddr = "127.0.0.1:9090" // a laptop's pipeline is for this machine, like its API
	base.ApplyTopology = true       // the one process owns its server's streams and consumers
	return allInOne{
		Base: base, DataDir: "newsflow-data", Host: "127.0.0.1", Port: 4222,
		Fetcher: fetchersvc.DefaultOptions(), Cleaner: cleanersvc.DefaultOptions(), Enricher: enrichersvc.DefaultOptions(),
		Sink: sinksvc.Options{APIAddr: "127.0.0.1:8080"},
	}
}

func (o *allInOne) registerFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.DataDir, "data-dir", o.DataDir, "where the embedded JetStream and the SQLite store keep their files")
	fs.StringVar(&o.Host, "nats-host", o.Host, "interface the embedded NATS server listens on (0.0.0.0 for all)")
	fs.IntVar(&o.Port, "nats-port", o.Port, "port the embedded NATS server listens on")
	// The services' shared flags, once: everything but how to reach NATS
	// (-nats-url, -nats-creds), since this process runs its own server and
	// talks to it in-process.
	o.Base.RegisterProcessFlags(fs)
	o.Fetcher.RegisterFlags(fs)
	o.Cleaner.RegisterFlags(fs)
	o.Enricher.RegisterFlags(fs)
	o.Sink.RegisterFlags(fs)
}

func (o *allInOne) validate() error {
	if o.Sink.DB == "" {
		o.Sink.DB = "sqlite://" + filepath.Join(o.DataDir, "newsflow.db")
	}
	for _, err := range []error{o.Base.Validate(), o.Fetcher.Validate(), o.Cleaner.Validate(), o.Enricher.Validate(), o.Sink.Validate()} {
		if err != nil {
			return fmt.Errorf("%w: %w", service.ErrInvalid, err)
		}
	}
	return nil
}

// pipelineProcess is a started all-in-one pipeline, ready for service.Run.
type pipelineProcess struct {
	ns      *server.Server
	nc      *nats.Conn
	js      jetstream.JetStream
	service service.Service
	unlock  func() // releases the data directory
}

// credentialsDir holds the embedded server's passwords, one file per
// access user (-nats-user USER -nats-password-file DIR/USER.password).
func (o allInOne) credentialsDir() string { return filepath.Join(o.DataDir, "credentials") }

// anonymousAllowed says whether clients may connect without credentials:
// only when no other machine can reach the server.
func (o allInOne) anonymousAllowed() bool {
	if o.NoListen {
		return true
	}
	ip := net.ParseIP(o.Host)
	return o.Host == "localhost" || (ip != nil && ip.IsLoopback())
}

// checkPortFree fails at once when the NATS port is taken, instead of
// the server retrying for half a minute.
func (o allInOne) checkPortFree() error {
	if o.NoListen || o.Port <= 0 {
		return nil
	}
	addr := net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("NATS port %s is taken (another `newsflow run`, or a NATS server?): choose another with -nats-port: %w", addr, err)
	}
	return l.Close()
}

// start starts the embedded server and builds every stage on an
// in-process connection to it.
func (o allInOne) start(ctx context.Context, log *zap.Logger) (*pipelineProcess, error) {
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDataDir(o.DataDir)
	if err != nil {
		return nil, err
	}
	if err := o.checkPortFree(); err != nil {
		unlock()
		return nil, err
	}
	// The server has package access's users, their passwords generated
	// once per data directory. A client without credentials is the client
	// user (publish raw, read enriched) only while the server listens on
	// loopback: exposed on a network, every client logs in.
	creds, err := access.Ensure(o.credentialsDir(), false)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("NATS credentials: %w", err)
	}
	ns, err := embedded.Start(embedded.Options{
		DataDir: filepath.Join(o.DataDir, "jetstream"), Host: o.Host, Port: o.Port, NoListen: o.NoListen,
		Log: log.Named("nats"), Credentials: creds, Anonymous: o.anonymousAllowed(),
	})
	if err != nil {
		unlock()
		return nil, err
	}
	p := &pipelineProcess{ns: ns, unlock: unlock}
	fail := func(err error) (*pipelineProcess, error) {
		if p.nc != nil {
			p.nc.Close()
		}
		ns.Shutdown()
		ns.WaitForShutdown()
		unlock()
		return nil, err
	}
	// The stages share this process's in-process connection, as the admin:
	// they are this process, and no network client can use it.
	if p.nc, err = embedded.Connect(ns, "newsflow", embedded.LogIn(creds, access.UserAdmin)...); err != nil {
		return fail(err)
	}
	if p.js, err = jetstream.New(p.nc); err != nil {
		return fail(err)
	}
	var parts []service.Service
	for _, build := range []func() (service.Service, error){
		func() (service.Service, error) {
			return fetchersvc.Build(ctx, o.Fetcher, log.Named("fetcher"), p.js, o.Base.ApplyTopology)
		},
		func() (service.Service, error) { return cleanersvc.Build(ctx, o.Cleaner, log.Named("cleaner"), p.js) },
		func() (service.Service, error) {
			return enrichersvc.Build(ctx, o.Enricher, log.Named("enricher"), p.js, o.Base.ApplyTopology)
		},
		func() (service.Service, error) { return sinksvc.Build(ctx, o.Sink, log.Named("sink"), p.js) },
	} {
		part, err := build()
		if err != nil {
			for _, built := range parts {
				for _, c := range built.Closers {
					c.Close()
				}
			}
			return fail(err)
		}
		parts = append(parts, part)
	}
	p.service = service.Merge(parts...)
	p.service.Name, p.service.Config, p.service.Log, p.service.Conn = "newsflow", o.Base, log, p.nc
	for _, st := range p.service.Stages {
		o.Base.Tune(st)
	}
	return p, nil
}

// run runs the pipeline until ctx is done, then stops the server.
func (p *pipelineProcess) run(ctx context.Context) error {
	defer func() {
		p.ns.Shutdown()
		p.ns.WaitForShutdown()
		p.unlock()
	}()
	return service.Run(ctx, p.service)
}
