package pipeline

import (
	"github.com/segmentio/asm/cpu"
	"github.com/segmentio/asm/cpu/x86"
)

// segmentio/encoding checks every document and string it parses with
// segmentio/asm's ascii.ValidPrint, whose AVX2 routine (v1.1.3) returns
// without VZEROUPPER and starts with a legacy-SSE PINSRB. On the Xeons
// this project runs on, each call then costs about 400 ns where the scalar
// routine takes 10–20 ns, and the dirty upper register state slows the
// SSE code that runs after it. Measured in the same process: a 16-byte
// string 408 → 11 ns, a one-field struct 810 → 255 ns, an enriched article
// about 45 % faster to decode (docs/BENCHMARKS.md, "segmentio/asm and
// AVX2"). The library's AVX paths are chosen from this bitset at each
// call, so clearing AVX2 here, before any JSON is parsed, puts every
// binary that speaks the contract on the scalar paths. Its VEX-128 keyset
// lookup (AVX, not AVX2) is unaffected and stays.
func init() { cpu.X86 &^= x86.CPU(x86.AVX2) }
