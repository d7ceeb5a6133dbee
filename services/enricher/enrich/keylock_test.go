package enrich

import (
	"sync"
	"testing"
	"time"
)

func TestKeyLocksSerialiseSharedKeysOnly(t *testing.T) {
	var k keyLocks
	unlockA := k.lock([]string{"a", "b"})

	shared := make(chan struct{})
	go func() {
		defer close(shared)
		k.lock([]string{"b", "c"})()
	}()
	disjoint := make(chan struct{})
	go func() {
		defer close(disjoint)
		k.lock([]string{"c", "d"})()
	}()
	select {
	case <-disjoint:
	case <-time.After(5 * time.Second):
		t.Fatal("keys with nothing in common waited")
	}
	select {
	case <-shared:
		t.Fatal("a shared key did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	unlockA()
	<-shared
	if len(k.locks) != 0 {
		t.Fatalf("%d locks left after every holder released", len(k.locks))
	}
}

func TestKeyLocksNoDeadlock(t *testing.T) {
	var k keyLocks
	var wg sync.WaitGroup
	sets := [][]string{{"a", "b", "c"}, {"b", "c", "d"}, {"a", "d"}, {"c"}}
	for i := range 400 {
		wg.Go(func() { k.lock(sets[i%len(sets)])() })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("deadlock")
	}
}
