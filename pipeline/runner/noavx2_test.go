package runner_test

// Tests and benchmarks here run as newsflow's binaries do: JSON on
// segmentio/asm's scalar paths (see package noavx2).
import _ "github.com/newsflow/newsflow/pipeline/noavx2"
