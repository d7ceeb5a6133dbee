// Package backoff computes retry delays. It is shared by the runner's
// redeliveries and every client that retries (publishing, fetching), and
// depends on nothing, so pure packages can use it too.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Exponential returns a backoff doubling from base up to max, with ±20%
// jitter so a burst of failures does not come back as a burst. attempt
// counts from 1.
func Exponential(base, max time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < max; i++ {
			d *= 2
		}
		d = min(d, max)
		jitter := time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
		return d + jitter
	}
}
