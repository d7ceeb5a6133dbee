package pipeline

import (
	"testing"

	"github.com/segmentio/asm/cpu"
	"github.com/segmentio/asm/cpu/x86"
)

// TestSegmentioAVX2Off guards the init in avx.go: every binary that
// imports the contract parses JSON on segmentio/asm's scalar paths.
func TestSegmentioAVX2Off(t *testing.T) {
	if cpu.X86.Has(x86.AVX2) {
		t.Fatal("segmentio/asm still takes its AVX2 paths (see avx.go)")
	}
}
