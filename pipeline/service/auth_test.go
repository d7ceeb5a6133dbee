package service

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/pipeline/embedded"
)

// TestAuthOptionsLogInAsTheUser connects to a server with package access's
// users through AuthOptions: the password file's first line is the
// password, the user's inbox is its own, and half a login is a
// configuration error rather than an anonymous connection.
func TestAuthOptionsLogInAsTheUser(t *testing.T) {
	dir := t.TempDir()
	creds, err := access.Ensure(filepath.Join(dir, "creds"), false)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "js"), Host: "127.0.0.1", Port: -1, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	pwFile := filepath.Join(dir, "sink.pw")
	if err := os.WriteFile(pwFile, []byte(creds[access.UserSink]+"\nignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.NATSURL, c.NATSUser, c.NATSPasswordFile = ns.ClientURL(), access.UserSink, pwFile
	nc, err := Connect("sink", c, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if got := nc.NewRespInbox(); len(got) < len(access.InboxPrefix(access.UserSink)) || got[:len(access.InboxPrefix(access.UserSink))] != access.InboxPrefix(access.UserSink) {
		t.Errorf("reply inbox %q is not the user's own", got)
	}
	nc.Close()

	for name, bad := range map[string]Config{
		"user without password": {NATSURL: ns.ClientURL(), NATSUser: access.UserSink},
		"password without user": {NATSURL: ns.ClientURL(), NATSPassword: "x"},
		"missing password file": {NATSURL: ns.ClientURL(), NATSUser: access.UserSink, NATSPasswordFile: filepath.Join(dir, "nope")},
	} {
		if _, err := bad.AuthOptions(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}
