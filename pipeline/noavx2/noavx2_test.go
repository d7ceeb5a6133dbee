package noavx2_test

import (
	"testing"

	"github.com/segmentio/asm/cpu"
	"github.com/segmentio/asm/cpu/x86"

	_ "github.com/newsflow/newsflow/pipeline/noavx2"
)

// TestSegmentioAVX2Off guards the init in noavx2.go: a binary that
// imports the package parses JSON on segmentio/asm's scalar paths.
func TestSegmentioAVX2Off(t *testing.T) {
	if cpu.X86.Has(x86.AVX2) {
		t.Fatal("segmentio/asm still takes its AVX2 paths (see noavx2.go)")
	}
}
