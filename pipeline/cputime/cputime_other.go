//go:build !unix

package cputime

import "time"

// Now returns 0: the CPU clock is unavailable here.
func Now() time.Duration { return 0 }
