package service_test

import (
	"testing"

	"github.com/segmentio/asm/cpu"
	"github.com/segmentio/asm/cpu/x86"

	_ "github.com/newsflow/newsflow/pipeline/service"
)

// Every newsflow binary goes through package service, and so parses JSON on
// segmentio/asm's scalar paths (package noavx2).
func TestServicesRunWithoutSegmentioAVX2(t *testing.T) {
	if cpu.X86.Has(x86.AVX2) {
		t.Fatal("package service no longer turns segmentio/asm's AVX2 paths off (see package noavx2)")
	}
}
