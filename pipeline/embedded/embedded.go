// Package embedded runs a NATS server with JetStream inside the calling
// process: the transport of newsflow's all-in-one default (`newsflow run`,
// `newsflow process`) and of every test that needs a real JetStream.
// Deployments use a standalone or clustered nats-server instead; the stages
// cannot tell the difference.
package embedded

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
	"go.uber.org/zap"
	"golang.org/x/crypto/bcrypt"

	"github.com/newsflow/newsflow/pipeline/access"
)

// Options configure the embedded server.
type Options struct {
	// DataDir holds JetStream's file storage. Required.
	DataDir string
	// Host and Port the server listens on for NATS clients. Port 0 means the
	// NATS default 4222; Port -1 picks a free port (tests). NoListen runs the
	// server for in-process clients only.
	Host     string
	Port     int
	NoListen bool
	// MaxPayload is the largest message, in bytes (default 8 MB, above the
	// NATS default of 1 MB: news pages are big).
	MaxPayload int32
	// StreamMaxBufferedMsgs caps each stream's ingest queue; above it the
	// server answers publishes with 429 Too Many Requests. 0 keeps the
	// server's default. Tests set it low to exercise back-pressure.
	StreamMaxBufferedMsgs int
	// Log receives the server's own log lines; nil silences them.
	Log *zap.Logger
	// Credentials, if set, turn on package access's users with these
	// passwords: each user may only do what access.Grants allows.
	// Anonymous then lets clients without credentials in with
	// access.AnonymousGrant (a server reachable from this machine only);
	// otherwise they are refused. In-process clients log in like any
	// other (Connect with nats.UserInfo).
	Credentials access.Credentials
	Anonymous   bool
}

// DefaultMaxPayload is the embedded server's message size limit.
const DefaultMaxPayload = 8 << 20

// Start starts the server and waits until it accepts clients.
func Start(o Options) (*server.Server, error) {
	if o.DataDir == "" {
		return nil, errors.New("embedded: DataDir is required")
	}
	if o.MaxPayload == 0 {
		o.MaxPayload = DefaultMaxPayload
	}
	port := o.Port
	if port == 0 {
		port = server.DEFAULT_PORT
	}
	opts := &server.Options{
		ServerName:            "newsflow",
		Host:                  o.Host,
		Port:                  port,
		DontListen:            o.NoListen,
		JetStream:             true,
		StoreDir:              o.DataDir,
		MaxPayload:            o.MaxPayload,
		StreamMaxBufferedMsgs: o.StreamMaxBufferedMsgs,
		NoSigs:                true,
		NoLog:                 o.Log == nil,
	}
	if o.Credentials != nil {
		var err error
		if opts.Users, opts.Nkeys, opts.NoAuthUser, err = serverUsers(o.Credentials, o.Anonymous); err != nil {
			return nil, err
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats-server: %w", err)
	}
	if o.Log != nil {
		ns.SetLoggerV2(zapLogger{o.Log.Named("nats-server").Sugar()}, false, false, false)
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("embedded nats-server: not ready after 30s (is %s:%d free?)", o.Host, port)
	}
	return ns, nil
}

// Connect opens a client connection to ns without going through the
// network, so it works with NoListen too.
func Connect(ns *server.Server, name string, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.Name(name), nats.InProcessServer(ns), nats.MaxReconnects(-1)}, opts...)
	return nats.Connect("", opts...)
}

// serverUsers are access's users with c's passwords, kept by the server
// as bcrypt hashes, so that no plaintext password sits in its options (nor
// does it warn "Plaintext passwords detected"). The lowest cost is enough:
// the passwords access.Ensure generates are 256 random bits, beyond any
// guessing however cheap each guess, and every login pays the cost again.
//
// With anonymous, clients without credentials are taken for an nkey user
// with access.AnonymousGrant (the server's no_auth_user): a password user
// cannot be it once passwords are hashed (the server would compare the
// hash with itself), and nobody holds this key's seed, so nobody logs in
// as it by name.
func serverUsers(c access.Credentials, anonymous bool) (users []*server.User, anon []*server.NkeyUser, noAuthUser string, err error) {
	perms := func(g access.Grant) *server.Permissions {
		p := &server.Permissions{
			Publish:   &server.SubjectPermission{Allow: g.Publish, Deny: g.PublishDeny},
			Subscribe: &server.SubjectPermission{Allow: g.Subscribe},
		}
		if g.Respond {
			p.Response = &server.ResponsePermission{MaxMsgs: 1}
		}
		return p
	}
	grants := access.Grants()
	for _, u := range access.Users() {
		hash, err := bcrypt.GenerateFromPassword([]byte(c[u]), bcrypt.MinCost)
		if err != nil { // a password over 72 bytes, which Ensure never makes
			return nil, nil, "", fmt.Errorf("embedded: the password of %s: %w", u, err)
		}
		users = append(users, &server.User{Username: u, Password: string(hash), Permissions: perms(grants[u])})
	}
	if anonymous {
		kp, err := nkeys.CreateUser()
		if err != nil {
			return nil, nil, "", fmt.Errorf("embedded: anonymous user's key: %w", err)
		}
		pub, err := kp.PublicKey()
		if err != nil {
			return nil, nil, "", fmt.Errorf("embedded: anonymous user's key: %w", err)
		}
		kp.Wipe()
		anon = []*server.NkeyUser{{Nkey: pub, Permissions: perms(access.AnonymousGrant())}}
		noAuthUser = pub
	}
	return users, anon, noAuthUser, nil
}

// LogIn are the options connecting as user with its password from c, on
// the user's own inbox prefix.
func LogIn(c access.Credentials, user string) []nats.Option {
	return []nats.Option{nats.UserInfo(user, c[user]), nats.CustomInboxPrefix(access.InboxPrefix(user))}
}

// zapLogger adapts zap to the server's logger interface.
type zapLogger struct{ l *zap.SugaredLogger }

func (z zapLogger) Noticef(format string, v ...any) { z.l.Infof(format, v...) }
func (z zapLogger) Warnf(format string, v ...any)   { z.l.Warnf(format, v...) }
func (z zapLogger) Fatalf(format string, v ...any)  { z.l.Errorf(format, v...) }
func (z zapLogger) Errorf(format string, v ...any)  { z.l.Errorf(format, v...) }
func (z zapLogger) Debugf(format string, v ...any)  { z.l.Debugf(format, v...) }
func (z zapLogger) Tracef(format string, v ...any)  {}
