// Package noavx2 puts segmentio/asm, and so segmentio/encoding's JSON, on
// its scalar paths in newsflow's own binaries. Import it for its effect:
//
//	import _ "github.com/newsflow/newsflow/pipeline/noavx2"
//
// Package service does, so every service, the all-in-one binary and its CLI
// get it; test binaries whose benchmarks should measure what ships import
// it in a _test.go file. The contract package (pipeline) does not: a
// program that imports the contract to talk to newsflow keeps its CPU
// features as it set them.
//
// Why: segmentio/encoding checks every document and string it parses with
// segmentio/asm's ascii.ValidPrint, whose AVX2 routine (v1.1.3) returns
// without VZEROUPPER and starts with a legacy-SSE PINSRB. On the Xeons
// this project runs on, each call then costs about 400 ns where the scalar
// routine takes 10–20 ns, and the dirty upper register state slows the
// SSE code that runs after it. Measured in the same process: a 16-byte
// string 408 → 11 ns, a one-field struct 810 → 255 ns, an enriched article
// about 45 % faster to decode (docs/BENCHMARKS.md, "segmentio/asm and
// AVX2"). The library's AVX paths are chosen from this bitset at each
// call, so clearing AVX2 at init, before any JSON is parsed, is enough.
// Its VEX-128 keyset lookup (AVX, not AVX2) is unaffected and stays.
package noavx2

import (
	"github.com/segmentio/asm/cpu"
	"github.com/segmentio/asm/cpu/x86"
)

func init() { cpu.X86 &^= x86.CPU(x86.AVX2) }
