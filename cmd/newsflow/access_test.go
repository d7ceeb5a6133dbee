package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/access"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/service"
	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/cleaner/cleanersvc"
	"github.com/newsflow/newsflow/services/enricher/enrichersvc"
	"github.com/newsflow/newsflow/services/fetcher/fetchersvc"
	"github.com/newsflow/newsflow/services/sink/sinksvc"
)

// TestEachServiceRunsAsItsOwnUserAndNoMore runs every service as its own
// NATS user, as compose does, on a server with package access's users:
// an article goes through with no permission violation, the CLI's client
// user publishes it, and then each user is refused what is not its job.
func TestEachServiceRunsAsItsOwnUserAndNoMore(t *testing.T) {
	dir := t.TempDir()
	credsDir := filepath.Join(dir, "credentials")
	creds, err := access.Ensure(credsDir, false)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "js"), Host: "127.0.0.1", Port: -1, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	url := ns.ClientURL()

	core, logs := observer.New(zapcore.WarnLevel)
	log := zap.New(zapcore.NewTee(core, testLogger(t).Core()))
	ctx, cancel := context.WithCancel(context.Background())
	var done []chan error
	t.Cleanup(func() {
		cancel()
		for _, d := range done {
			if err := <-d; err != nil {
				t.Errorf("service: %v", err)
			}
		}
	})
	start := func(user string, build func(js jetstream.JetStream) (service.Service, error)) {
		t.Helper()
		c := service.DefaultConfig()
		c.NATSURL, c.NATSUser, c.NATSPasswordFile, c.OpsAddr = url, user, access.PasswordFile(credsDir, user), ""
		c.ApplyTopology = user == access.Owner
		nc, err := service.Connect(user, c, log.With(zap.String("user", user)))
		if err != nil {
			t.Fatal(err)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		s, err := build(js)
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		ready := make(chan struct{})
		s.Name, s.Config, s.Log, s.Conn, s.OnReady = user, c, log, nc, func() { close(ready) }
		for _, st := range s.Stages {
			c.Tune(st)
		}
		d := make(chan error, 1)
		done = append(done, d)
		go func() { d <- service.Run(ctx, s) }()
		select {
		case <-ready:
		case err := <-d:
			t.Fatalf("%s stopped: %v", user, err)
		case <-time.After(30 * time.Second):
			t.Fatalf("%s not ready", user)
		}
	}
	start(access.UserCleaner, func(js jetstream.JetStream) (service.Service, error) {
		return cleanersvc.Build(ctx, cleanersvc.DefaultOptions(), log, js)
	})
	start(access.UserFetcher, func(js jetstream.JetStream) (service.Service, error) {
		return fetchersvc.Build(ctx, fetchersvc.DefaultOptions(), log, js, false)
	})
	start(access.UserEnricher, func(js jetstream.JetStream) (service.Service, error) {
		return enrichersvc.Build(ctx, enrichersvc.DefaultOptions(), log, js, false)
	})
	start(access.UserSink, func(js jetstream.JetStream) (service.Service, error) {
		return sinksvc.Build(ctx, sinksvc.Options{DB: "sqlite://" + filepath.Join(dir, "store.db")}, log, js)
	})

	// The CLI publishes as the client user, with the shared connection flags.
	e, _, errOut := newTestEnv()
	seed := shareddata.Seeds(t)[0]
	if code := run(ctx, e, []string{"publish", "-nats-url", url, "-nats-user", access.UserClient,
		"-nats-password-file", access.PasswordFile(credsDir, access.UserClient), "-source", "access", seed}); code != 0 {
		t.Fatalf("publish as client: exit %d: %s", code, errOut)
	}
	admin := connectAs(t, url, creds, access.UserAdmin)
	ajs, _ := jetstream.New(admin)
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := ajs.Consumer(ctx, pipeline.StreamEnriched, pipeline.StageSink)
		if err == nil {
			if info, err := c.Info(ctx); err == nil && info.AckFloor.Stream >= 1 && info.NumAckPending == 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the article was not stored; permission violations:\n%s", strings.Join(violations(logs), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if v := violations(logs); len(v) > 0 {
		t.Fatalf("services ran into permission violations:\n%s", strings.Join(v, "\n"))
	}

	// Each user is refused another stage's output.
	for _, c := range []struct{ user, subject string }{
		{access.UserCleaner, pipeline.SubjectEnriched},
		{access.UserFetcher, pipeline.SubjectClean},
		{access.UserClient, pipeline.SubjectEnriched},
		{access.UserClient, pipeline.SubjectClean},
		{access.UserSink, pipeline.SubjectEnriched},
		{access.UserEnricher, pipeline.SubjectRaw},
	} {
		nc := connectAs(t, url, creds, c.user)
		js, _ := jetstream.New(nc)
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		_, err := js.Publish(pctx, c.subject, []byte(`{"id":"forged","text":"forged"}`))
		pcancel()
		if err == nil {
			t.Errorf("%s published to %s", c.user, c.subject)
		}
		if err := nc.LastError(); !errors.Is(err, nats.ErrPermissionViolation) {
			t.Errorf("%s publishing to %s: last error %v, want a permissions violation", c.user, c.subject, err)
		}
	}
	// Nor may a stage change the layout it does not own.
	ejs, _ := jetstream.New(connectAs(t, url, creds, access.UserEnricher))
	uctx, ucancel := context.WithTimeout(ctx, time.Second)
	_, err = ejs.UpdateStream(uctx, jetstream.StreamConfig{Name: pipeline.StreamEnriched, Subjects: []string{pipeline.SubjectEnriched, "forged.>"}})
	ucancel()
	if err == nil {
		t.Error("the enricher updated the enriched stream")
	}
	for _, s := range []string{pipeline.StreamClean, pipeline.StreamEnriched} {
		st, err := ajs.Stream(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if n := st.CachedInfo().State.Msgs; n != 1 {
			t.Errorf("%s holds %d messages, want the 1 article", s, n)
		}
	}

	// The enricher's own user can still mislabel an article; the sink
	// refuses a stage mark from the future instead of letting it pin the
	// stored version (issue 12: a mark dated 2099).
	forged := pipeline.Article{Schema: pipeline.SchemaVersion, ID: "forged-future", Title: "Forged", Text: "A forged article dated in the future."}
	forged.Mark(pipeline.StageEnricher, "forged", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	data, err := pipeline.EncodeArticle(&forged)
	if err != nil {
		t.Fatal(err)
	}
	ejsPub, _ := jetstream.New(connectAs(t, url, creds, access.UserEnricher))
	if _, err := ejsPub.Publish(ctx, pipeline.SubjectEnriched, data); err != nil {
		t.Fatalf("the enricher publishing to enriched: %v", err)
	}
	dead, err := ajs.Stream(ctx, pipeline.StreamDeadLetter)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		m, err := dead.GetLastMsgForSubject(ctx, pipeline.DeadLetterSubject(pipeline.StageSink))
		if err == nil {
			if reason := m.Header.Get(pipeline.HeaderDeadReason); !strings.Contains(reason, "future") {
				t.Errorf("dead-letter reason %q does not name the future mark", reason)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the article marked 2099 was not dead-lettered by the sink")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// An anonymous client, or a wrong password, is refused.
	if nc, err := nats.Connect(url); err == nil {
		nc.Close()
		t.Error("an anonymous client connected")
	} else if !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("anonymous: %v, want an authorization violation", err)
	}
	if nc, err := nats.Connect(url, nats.UserInfo(access.UserEnricher, "guess")); err == nil {
		nc.Close()
		t.Error("a wrong password connected")
	}
}

func connectAs(t *testing.T, url string, creds access.Credentials, user string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, embedded.LogIn(creds, user)...)
	if err != nil {
		t.Fatalf("%s: %v", user, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// violations are the logged permission violations.
func violations(logs *observer.ObservedLogs) []string {
	var out []string
	for _, e := range logs.All() {
		for _, f := range e.Context {
			if f.Type == zapcore.ErrorType && strings.Contains(strings.ToLower(f.Interface.(error).Error()), "permissions violation") {
				user := ""
				for _, g := range e.Context {
					if g.Key == "user" {
						user = g.String
					}
				}
				out = append(out, user+": "+f.Interface.(error).Error())
			}
		}
	}
	return out
}
