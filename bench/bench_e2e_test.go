package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// TestMain lets this test binary serve as the deployment's NATS server
// process (see serveNATSIfAsked), as newsflow-bench does.
func TestMain(m *testing.M) {
	if serveNATSIfAsked() {
		return
	}
	os.Exit(m.Run())
}

// BenchmarkE2E runs `newsflow-bench e2e` small: each stage alone, the
// services and the all-in-one on 200 of the extraction benchmarks' pages,
// and reports articles/s, p99 latencies and disk per article. It builds
// the binaries it runs (NEWSFLOW_BIN names a directory of built ones).
// Run it with -benchtime=1x: one run takes a minute or two.
func BenchmarkE2E(b *testing.B) {
	dir, err := shareddata.Dir()
	if err != nil {
		b.Skip("no shared data:", err)
	}
	bin := os.Getenv("NEWSFLOW_BIN")
	if bin == "" {
		bin = b.TempDir()
		for _, t := range []struct{ out, pkg string }{
			{"cleaner", "../services/cleaner"}, {"enricher", "../services/enricher"},
			{"sink", "../services/sink"}, {"newsflow", "../cmd/newsflow"},
		} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(bin, t.out), ".")
			cmd.Dir, cmd.Env = t.pkg, append(os.Environ(), "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("build %s: %v\n%s", t.out, err, out)
			}
		}
	}
	pagesDir := filepath.Join(dir, "extraction")
	pages, err := loadPages(pagesDir)
	if err != nil {
		b.Fatal(err)
	}
	c := e2eConfig{bin: bin, pagesDir: pagesDir, pages: pages, n: 200, latN: 100,
		deployments: []string{"stages", "services", "aio"}, variants: [][]string{nil}, log: io.Discard}
	if testing.Verbose() {
		c.log = os.Stderr
	}
	b.ResetTimer()
	for b.Loop() {
		rs, err := runE2E(context.Background(), c)
		if err != nil {
			b.Fatal(err)
		}
		slowest := 0.0
		for _, r := range rs {
			if r.alone != nil {
				for _, a := range r.alone {
					if slowest == 0 || a < slowest {
						slowest = a
					}
				}
				continue
			}
			b.ReportMetric(r.perSecond, r.name+"-articles/s")
			b.ReportMetric(r.perSecond/slowest, r.name+"-ratio-to-slowest")
			b.ReportMetric(float64(pct(r.toEnriched, .99))/1e6, r.name+"-p99-enriched-ms")
			b.ReportMetric(float64(pct(r.toStored, .99))/1e6, r.name+"-p99-stored-ms")
			b.ReportMetric(float64(r.jsBytes+r.storeBytes)/float64(r.articles), r.name+"-disk-B/article")
		}
		b.ReportMetric(slowest, "slowest-stage-articles/s")
	}
}
