package extract

import "testing"

func TestAttrIterNoAlloc(t *testing.T) {
	rawB := []byte(`<div class="a b" id='x' data-x=y hidden>`)
	rawS := string(rawB)
	n := testing.AllocsPerRun(100, func() {
		it := newAttrIter(rawB)
		for {
			if _, _, ok := it.next(); !ok {
				break
			}
		}
		it2 := newAttrIter(rawS)
		for {
			if _, _, ok := it2.next(); !ok {
				break
			}
		}
	})
	if n != 0 {
		t.Fatalf("%v allocations per tag", n)
	}
}
