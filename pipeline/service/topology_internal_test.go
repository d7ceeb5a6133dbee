package service

import (
	"testing"
	"time"
)

// TestTopologyAttemptsGetLonger: a cluster too slow for the first
// attempts' bound is eventually given minutes per attempt.
func TestTopologyAttemptsGetLonger(t *testing.T) {
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, 5 * time.Minute, 5 * time.Minute}
	for i, w := range want {
		if got := topologyAttemptBound(i + 1); got != w {
			t.Errorf("attempt %d bounded at %s, want %s", i+1, got, w)
		}
	}
}
