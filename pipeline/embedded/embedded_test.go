package embedded_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/pipeline/embedded"
)

// TestUsersLogInWithHashedPasswords starts the server with access's users
// as `newsflow run` does: it keeps bcrypt hashes, so it does not warn about
// plaintext passwords, every user still logs in with its password and no
// other, and a client without credentials gets the client's rights only
// where anonymous clients are allowed.
func TestUsersLogInWithHashedPasswords(t *testing.T) {
	dir := t.TempDir()
	creds, err := access.Ensure(filepath.Join(dir, "creds"), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, anonymous := range []bool{false, true} {
		core, logs := observer.New(zapcore.DebugLevel)
		ns, err := embedded.Start(embedded.Options{DataDir: filepath.Join(t.TempDir(), "js"), Host: "127.0.0.1", Port: -1,
			Credentials: creds, Anonymous: anonymous, Log: zap.New(core)})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range logs.All() {
			if strings.Contains(strings.ToLower(e.Message), "plaintext") {
				t.Errorf("anonymous %v: server warns: %s", anonymous, e.Message)
			}
		}
		for _, u := range access.Users() {
			nc, err := nats.Connect(ns.ClientURL(), embedded.LogIn(creds, u)...)
			if err != nil {
				t.Fatalf("anonymous %v: %s with its password: %v", anonymous, u, err)
			}
			nc.Close()
		}
		if nc, err := nats.Connect(ns.ClientURL(), nats.UserInfo(access.UserAdmin, creds[access.UserClient])); !errors.Is(err, nats.ErrAuthorization) {
			if nc != nil {
				nc.Close()
			}
			t.Fatalf("anonymous %v: admin with the client's password: %v, want refused", anonymous, err)
		}
		// A client without credentials: let in as the client only where
		// the server allows anonymous clients.
		nc, err := nats.Connect(ns.ClientURL())
		switch {
		case anonymous && err != nil:
			t.Errorf("anonymous client refused: %v", err)
		case !anonymous && !errors.Is(err, nats.ErrAuthorization):
			t.Errorf("anonymous client on a server without anonymous clients: %v, want refused", err)
		}
		if nc != nil {
			// It may not write a stage's output.
			if err := nc.Publish("newsflow.clean", []byte("forged")); err == nil {
				nc.Flush()
				if !errors.Is(nc.LastError(), nats.ErrPermissionViolation) {
					t.Errorf("anonymous client published to newsflow.clean: %v", nc.LastError())
				}
			}
			nc.Close()
		}
		ns.Shutdown()
	}
}
