package backoff_test

import (
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline/backoff"
)

func TestExponential(t *testing.T) {
	b := backoff.Exponential(time.Second, 10*time.Second)
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 50: 10 * time.Second} {
		for range 100 {
			got := b(attempt)
			if got < want*8/10 || got > want*12/10 {
				t.Fatalf("attempt %d: %s, want %s ± 20%%", attempt, got, want)
			}
		}
	}
}
