//go:build !unix

package extractbench

import "time"

// cpuTime is unavailable here; Run reports wall-clock figures only.
func cpuTime() time.Duration { return 0 }
