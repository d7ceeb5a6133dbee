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
// plaintext passwords, and every user still logs in with its password and
// no other.
func TestUsersLogInWithHashedPasswords(t *testing.T) {
	dir := t.TempDir()
	creds, err := access.Ensure(filepath.Join(dir, "creds"), false)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	ns, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "js"), Host: "127.0.0.1", Port: -1,
		Credentials: creds, Log: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	for _, e := range logs.All() {
		if strings.Contains(strings.ToLower(e.Message), "plaintext") {
			t.Errorf("server warns: %s", e.Message)
		}
	}
	for _, u := range access.Users() {
		nc, err := nats.Connect(ns.ClientURL(), embedded.LogIn(creds, u)...)
		if err != nil {
			t.Fatalf("%s with its password: %v", u, err)
		}
		nc.Close()
	}
	if nc, err := nats.Connect(ns.ClientURL(), nats.UserInfo(access.UserAdmin, creds[access.UserClient])); !errors.Is(err, nats.ErrAuthorization) {
		if nc != nil {
			nc.Close()
		}
		t.Fatalf("admin with the client's password: %v, want refused", err)
	}
}
