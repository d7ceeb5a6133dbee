//go:build !unix

package nerbench

import "time"

// cpuTime is unavailable here: speeds fall back to wall-clock time.
func cpuTime() time.Duration { return 0 }
