package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/newsflow/newsflow/bench/chainbench"
	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// benchRunnerCmd measures the runner's cost: messages/s through three
// no-op stages against a bare JetStream chain doing the same work, in the
// same run, on fresh servers, alternating so drift hits both alike.
func benchRunnerCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "runner", "")
	n := fs.Int("n", 20000, "messages per measurement")
	rounds := fs.Int("rounds", 9, "measurements of each chain (this machine needs many: one round's ratio swings ±0.1)")
	workers := fs.Int("workers", 0, "concurrent messages per hop, for both chains (0: the runner's default)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	payloads, err := benchPayloads()
	if err != nil {
		return err
	}
	if *workers == 0 {
		*workers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	fmt.Fprintf(e.stdout, "three hops (raw → clean → enriched → acked), %d messages of %d–%d bytes, %d workers per hop, GOMAXPROCS=%d\n",
		*n, minLen(payloads), maxLen(payloads), *workers, runtime.GOMAXPROCS(0))
	stopProfile, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	rates, cpu := map[chainbench.Chain][]float64{}, map[chainbench.Chain][]float64{}
	chains := chainbench.Chains
	for r := range *rounds {
		// Each round runs every chain back to back, starting with a
		// different one each time, so drift hits all alike.
		for k := range chains {
			which := chains[(r+k)%len(chains)]
			res, err := chainbench.Measure(ctx, which, payloads, *n, *workers)
			if err != nil {
				return err
			}
			rates[which] = append(rates[which], res.PerSecond)
			cpu[which] = append(cpu[which], res.CPUPerMsg)
			fmt.Fprintf(e.stderr, "  round %d %-10s %8.0f msg/s  %6.1f cpu-µs/msg\n", r+1, which, res.PerSecond, res.CPUPerMsg)
		}
	}
	// A ratio is taken within each round, in like conditions; the median
	// of those ratios resists the machine's drift.
	ratios := func(base chainbench.Chain) (tput, cpuRatio []float64) {
		for i := range rates[base] {
			tput = append(tput, rates[chainbench.Runner][i]/rates[base][i])
			cpuRatio = append(cpuRatio, cpu[base][i]/cpu[chainbench.Runner][i])
		}
		return tput, cpuRatio
	}
	label := map[chainbench.Chain]string{
		chainbench.Bare:      "bare JetStream (consume → publish, wait PubAck → ack)",
		chainbench.BareCodec: "bare JetStream + article decode/encode per hop",
		chainbench.Runner:    "newsflow runner (no-op stages)",
	}
	fmt.Fprintf(e.stdout, "\n| chain | msg/s | CPU µs per message (whole process, server included) |\n|---|---|---|\n")
	for _, c := range chains {
		fmt.Fprintf(e.stdout, "| %s | %.0f | %.0f |\n", label[c], median(rates[c]), median(cpu[c]))
	}
	ratioLabel := map[chainbench.Chain]string{
		chainbench.Bare:      "**runner / bare** (the issue's measure: what a typed stage costs)",
		chainbench.BareCodec: "runner / bare + codec (the runner's machinery alone)",
	}
	fmt.Fprintf(e.stdout, "\n| ratio (median of the rounds' ratios, interquartile range) | throughput | CPU (base / runner) |\n|---|---|---|\n")
	for _, base := range []chainbench.Chain{chainbench.Bare, chainbench.BareCodec} {
		t, u := ratios(base)
		fmt.Fprintf(e.stdout, "| %s | **%.2f** (%.2f–%.2f) | **%.2f** (%.2f–%.2f) |\n", ratioLabel[base],
			median(t), quantile(t, 0.25), quantile(t, 0.75), median(u), quantile(u, 0.25), quantile(u, 0.75))
	}
	fmt.Fprintf(e.stdout, "\n%d rounds.\n", *rounds)
	return nil
}

// benchPayloads are the seed articles as clean Articles, the size of real
// traffic; without the shared data, synthetic articles of similar size.
func benchPayloads() ([][]byte, error) {
	var texts []string
	if dir, err := shareddata.Dir(); err == nil {
		for _, name := range []string{"000", "001", "002", "003", "004"} {
			matches, _ := globSeed(dir, name)
			for _, m := range matches {
				b, err := os.ReadFile(m)
				if err == nil {
					texts = append(texts, string(b))
				}
			}
		}
	}
	if len(texts) == 0 {
		const sentence = "Nato’s aim is a de-escalation in the security situation in and around Ukraine, he said.\n\n"
		for i := range 5 {
			texts = append(texts, strings.Repeat(sentence, 30+i*20))
		}
	}
	var out [][]byte
	for i, t := range texts {
		a, err := pipeline.DecodeRaw([]byte(t), nil)
		if err != nil {
			a = pipeline.Article{Schema: pipeline.SchemaVersion, ID: strconv.Itoa(i), Text: t}
		}
		b, err := pipeline.EncodeArticle(&a)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func globSeed(dir, prefix string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, "seeds", prefix+"_*.txt"))
}

func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile interpolates linearly between the closest ranks.
func quantile(xs []float64, q float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo+1 >= len(s) {
		return s[lo]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}

func minLen(bs [][]byte) int {
	m := len(bs[0])
	for _, b := range bs {
		m = min(m, len(b))
	}
	return m
}

func maxLen(bs [][]byte) int {
	m := 0
	for _, b := range bs {
		m = max(m, len(b))
	}
	return m
}
