// Package shareddata finds the read-only development data newsflow is
// measured against — seeds, extraction benchmarks, NER corpora — which lives
// in ../shared beside the repository and is never copied into it.
//
// Only tests, benchmarks and the bench commands use it; the shipped product
// never needs the data.
package shareddata

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EnvDir overrides where the data is looked for. Setting it to "skip" makes
// tests that need the data skip instead of fail.
const EnvDir = "NEWSFLOW_SHARED"

// ErrNotFound reports that the shared data directory could not be found.
var ErrNotFound = errors.New("shared data directory not found (expected ../shared beside the repository, or set " + EnvDir + ")")

// Dir returns the shared data directory: $NEWSFLOW_SHARED if set, else the
// "shared" directory beside the repository root (the directory holding
// go.work), found by walking up from the working directory.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" && d != "skip" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%w: %s=%s is not a directory", ErrNotFound, EnvDir, d)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			shared := filepath.Join(filepath.Dir(dir), "shared")
			if st, err := os.Stat(shared); err == nil && st.IsDir() {
				return shared, nil
			}
			return "", fmt.Errorf("%w: looked in %s", ErrNotFound, shared)
		}
		if filepath.Dir(dir) == dir {
			return "", ErrNotFound
		}
	}
}

// Path returns the path of elem inside the shared data directory. When the
// data is missing the test fails, so a green run always means the data was
// read; NEWSFLOW_SHARED=skip turns the failure into a skip.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	dir, err := Dir()
	if err == nil {
		p := filepath.Join(append([]string{dir}, elem...)...)
		if _, err = os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv(EnvDir) == "skip" {
		tb.Skipf("shared data: %v", err)
	}
	tb.Fatalf("shared data: %v", err)
	return ""
}

// Seeds returns the paths of the seed articles, in name order.
func Seeds(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(Path(tb, "seeds"), "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("shared data: no seeds found: %v", err)
	}
	return files
}

// ReadFile reads a file of the shared data, gunzipping it if its name ends
// in .gz (the extraction benchmarks store pages so).
func ReadFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil || !strings.HasSuffix(path, ".gz") {
		return raw, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
