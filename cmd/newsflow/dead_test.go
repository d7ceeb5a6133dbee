package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDeadLettersListShowReplay(t *testing.T) {
	o := defaultAllInOne()
	o.DataDir, o.Port, o.Base.OpsAddr, o.Sink.APIAddr = t.TempDir(), -1, "", ""
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, o)
	waitReady(t, p.pipelineProcess)
	env := map[string]string{"NEWSFLOW_NATS_URL": p.ns.ClientURL()}
	garbage := filepath.Join(t.TempDir(), "garbage.bin")
	noise := make([]byte, 2048)
	for i := range noise {
		noise[i] = byte(i*7919 + i/13)
	}
	if err := os.WriteFile(garbage, noise, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := newsflow(t, "", env, "publish", garbage); code != 0 {
		t.Fatalf("publish: exit %d: %s", code, stderr)
	}
	type letter struct {
		Seq                          uint64
		Stage, Cause, Origin, Reason string
	}
	list := func(args ...string) []letter {
		t.Helper()
		code, out, stderr := newsflow(t, "", env, append([]string{"dead", "list", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("dead list %q: exit %d: %s", args, code, stderr)
		}
		var letters []letter
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var l letter
			if err := json.Unmarshal([]byte(line), &l); err != nil {
				t.Fatalf("%v: %q", err, line)
			}
			letters = append(letters, l)
		}
		return letters
	}
	waitFor := func(what string, ok func([]letter) bool) []letter {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if l := list(); ok(l) {
				return l
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s; dead letters: %+v", what, list())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	first := waitFor("dead letter", func(l []letter) bool { return len(l) == 1 })[0]
	if first.Stage != "cleaner" || first.Cause != "undecodable" || first.Origin == "" {
		t.Fatalf("dead letter %+v", first)
	}
	if l := list("--stage", "enricher"); len(l) != 0 {
		t.Errorf("--stage enricher lists %+v", l)
	}
	if l := list("--cause", "undecodable", "--since", "1h"); len(l) != 1 {
		t.Errorf("--cause undecodable --since 1h lists %+v", l)
	}
	if l := list("--since", time.Now().Add(time.Hour).Format(time.RFC3339)); len(l) != 0 {
		t.Errorf("--since an hour ahead lists %+v", l)
	}
	code, out, stderr := newsflow(t, "", env, "dead", "show", itoa(first.Seq))
	if code != 0 || !strings.Contains(out, "Newsflow-Dead-Reason: "+first.Reason) {
		t.Fatalf("dead show: exit %d: %s %s", code, out, stderr)
	}

	// Replayed, it runs through the cleaner again: this input fails again,
	// so it comes back as a new dead letter of the same origin, and the old
	// one is gone.
	code, out, stderr = newsflow(t, "", env, "dead", "replay", itoa(first.Seq))
	if code != 0 || !strings.Contains(out, "1 dead letter(s) replayed") {
		t.Fatalf("dead replay: exit %d: %s %s", code, out, stderr)
	}
	again := waitFor("second dead letter", func(l []letter) bool { return len(l) == 1 && l[0].Seq != first.Seq })[0]
	if again.Origin != first.Origin || again.Stage != "cleaner" {
		t.Fatalf("replayed message came back as %+v, want the origin %s", again, first.Origin)
	}
	if code, _, stderr := newsflow(t, "", env, "dead", "replay", itoa(first.Seq)); code != 1 || !strings.Contains(stderr, "already replayed") {
		t.Errorf("replaying the same dead letter twice: exit %d, %s", code, stderr)
	}
	if code, _, _ := newsflow(t, "", env, "dead", "replay"); code != 2 {
		t.Errorf("dead replay without a choice: exit %d, want 2", code)
	}
	code, out, _ = newsflow(t, "", env, "dead", "replay", "--all", "--stage", "cleaner", "--keep")
	if code != 0 || !strings.Contains(out, "1 dead letter(s) replayed") {
		t.Fatalf("dead replay --all: exit %d: %s", code, out)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
