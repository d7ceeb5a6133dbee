package access

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// TestServerConfLoadsIntoNATSServer writes the compose deployment's
// authorization file as `newsflow credentials` does, loads it with
// nats-server's own configuration parser beside deploy/nats.conf's kind of
// settings, and checks the server then knows every user with exactly the
// table's rights, logs them in with their passwords and refuses anonymous
// clients.
func TestServerConfLoadsIntoNATSServer(t *testing.T) {
	dir := t.TempDir()
	creds, err := Ensure(filepath.Join(dir, "creds"), false)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Ensure(filepath.Join(dir, "creds"), false)
	if err != nil || again[UserSink] != creds[UserSink] {
		t.Fatalf("a second Ensure changed the passwords (%v)", err)
	}
	if fi, err := os.Stat(PasswordFile(filepath.Join(dir, "creds"), UserAdmin)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v %v, want mode 0600", fi, err)
	}
	conf, err := ServerConf(creds)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "auth.conf"), conf, 0o600); err != nil {
		t.Fatal(err)
	}
	main := "listen: 127.0.0.1:-1\njetstream { store_dir: " + filepath.Join(dir, "js") + " }\ninclude ./auth.conf\n"
	if err := os.WriteFile(filepath.Join(dir, "nats.conf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := server.ProcessConfigFile(filepath.Join(dir, "nats.conf"))
	if err != nil {
		t.Fatal(err)
	}
	grants := Grants()
	if len(opts.Users) != len(Users()) {
		t.Fatalf("%d users in the conf, want %d", len(opts.Users), len(Users()))
	}
	for _, u := range opts.Users {
		g := grants[u.Username]
		if !slices.Equal(u.Permissions.Publish.Allow, g.Publish) || !slices.Equal(u.Permissions.Publish.Deny, g.PublishDeny) ||
			!slices.Equal(u.Permissions.Subscribe.Allow, g.Subscribe) {
			t.Errorf("%s: the server's permissions differ from Grants", u.Username)
		}
		if (u.Permissions.Response != nil) != g.Respond {
			t.Errorf("%s: responses %v, want %v", u.Username, u.Permissions.Response, g.Respond)
		}
	}
	opts.NoSigs, opts.NoLog = true, true
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(10e9) {
		t.Fatal("server not ready")
	}
	nc, err := nats.Connect(ns.ClientURL(), nats.UserInfo(UserEnricher, creds[UserEnricher]))
	if err != nil {
		t.Fatalf("enricher with its password: %v", err)
	}
	nc.Close()
	if nc, err := nats.Connect(ns.ClientURL()); !errors.Is(err, nats.ErrAuthorization) {
		if nc != nil {
			nc.Close()
		}
		t.Fatalf("anonymous client: %v, want refused", err)
	}
}

// TestOnlyTheEnricherMayWriteEnriched pins the rule the sink's trust rests
// on (docs/RELIABILITY.md): of the non-admin users, only the enricher may
// publish to newsflow.enriched, and nobody but the admin and the layout
// owner may change a stream's configuration.
func TestOnlyTheEnricherMayWriteEnriched(t *testing.T) {
	for user, g := range Grants() {
		if user == UserAdmin {
			continue
		}
		for _, p := range g.Publish {
			if p == ">" || p == "newsflow.>" || p == "$JS.API.>" {
				t.Errorf("%s may publish to %s", user, p)
			}
			if p == "newsflow.enriched" && user != UserEnricher {
				t.Errorf("%s may publish to newsflow.enriched", user)
			}
			if p == "$JS.API.STREAM.UPDATE.NEWSFLOW_ENRICHED" && user != Owner {
				t.Errorf("%s may update the enriched stream", user)
			}
		}
	}
}

// TestDeployedMonitoringIsInsideTheContainer loads compose's server
// configurations (deploy/nats.conf, deploy/nats-cluster.conf) with
// nats-server's parser: the monitoring endpoint, which has no login, must
// listen on loopback only (the image's healthcheck), and no client may
// connect without a password.
func TestDeployedMonitoringIsInsideTheContainer(t *testing.T) {
	creds, err := Ensure(filepath.Join(t.TempDir(), "creds"), false)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := ServerConf(creds)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("NEWSFLOW_NATS_NAME", "nats-1")
	for _, name := range []string{"nats.conf", "nats-cluster.conf"} {
		conf, err := os.ReadFile(filepath.Join("..", "..", "deploy", name))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		files := map[string][]byte{name: conf, "auth.conf": auth,
			// What scripts/cluster-secrets.sh writes, minus the routes.
			"cluster.conf": []byte("cluster { name: newsflow, listen: 127.0.0.1:6222 }\n")}
		for f, b := range files {
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		opts, err := server.ProcessConfigFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if opts.HTTPHost != "127.0.0.1" || opts.HTTPPort == 0 {
			t.Errorf("%s: monitoring on %s:%d, want 127.0.0.1 (the healthcheck's)", name, opts.HTTPHost, opts.HTTPPort)
		}
		if opts.NoAuthUser != "" || len(opts.Users) != len(Users()) {
			t.Errorf("%s: no_auth_user %q, %d users", name, opts.NoAuthUser, len(opts.Users))
		}
	}
}
