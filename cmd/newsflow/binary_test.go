package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinary runs the built command as a user does: exit codes, stdin,
// flags after arguments, help without a store.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "newsflow")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := storeWith(t, testArticles()...)
	empty := t.TempDir()
	newsflow := func(stdin string, args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = empty
		cmd.Env = append(os.Environ(), "NEWSFLOW_DB=", "NEWSFLOW_API=")
		cmd.Stdin = strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String(), errOut.String()
	}
	if code, out, _ := newsflow("", "version"); code != 0 || !strings.HasPrefix(out, "newsflow ") {
		t.Errorf("version: exit %d %q", code, out)
	}
	if code, _, stderr := newsflow("", "search", "-h"); code != 0 || strings.Contains(stderr, "not found") {
		t.Errorf("search -h in a directory without a store: exit %d %q", code, stderr)
	}
	if code, _, stderr := newsflow("", "search", "geneva"); code != 1 || !strings.Contains(stderr, "set -db or NEWSFLOW_DB") {
		t.Errorf("search without a store: exit %d %q", code, stderr)
	}
	code, out, stderr := newsflow("", "search", "talks", "--json", "-entity", "Putin", "-db", db)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"id":"a1"`) || !strings.Contains(stderr, "Vladimir Putin") {
		t.Errorf("search talks --json -entity Putin -db …: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, _ := newsflow("", "search", "-frobnicate"); code != 2 {
		t.Errorf("an unknown flag: exit %d, want 2", code)
	}
	code, out, stderr = newsflow("Wendy Sherman met Sergei Ryabkov in Geneva on Monday, officials said.", "process", "-")
	if code != 0 || !strings.Contains(out, `"Wendy Sherman"`) {
		t.Errorf("process - : exit %d\n%s%s", code, out, stderr)
	}
}
