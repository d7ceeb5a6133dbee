package pipeline_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The contract is imported by programs that are not newsflow's (the
// README invites Go clients): it must not change a library's behaviour for
// them. The CPU-feature fix for segmentio/asm lives in package noavx2,
// which newsflow's own binaries import (through package service).
func TestContractLeavesCPUFeaturesAlone(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/segmentio/asm/cpu") || strings.HasSuffix(path, "/noavx2") {
				t.Errorf("%s imports %s: the contract package must not set CPU features for its importers", f, path)
			}
		}
	}
}
