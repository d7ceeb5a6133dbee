package ner

// Features are 64-bit hashes of a template and its values rather than
// strings: computing one allocates nothing, and at a few million features
// a collision in 64 bits is vanishingly unlikely. The hash must never
// change, since the committed model stores these keys.

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashString is FNV-1a.
func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// hashBytes is hashString of string(b).
func hashBytes(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// mix is splitmix64's finaliser: every input bit affects every output bit.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// combine folds value v into hash h.
func combine(h, v uint64) uint64 { return mix(h*0x9e3779b97f4a7c15 ^ v) }

func key1(t template, a uint64) uint64    { return nonzero(combine(uint64(t), a)) }
func key2(t template, a, b uint64) uint64 { return nonzero(combine(combine(uint64(t), a), b)) }
func key3(t template, a, b, c uint64) uint64 {
	return nonzero(combine(combine(combine(uint64(t), a), b), c))
}

// nonzero keeps 0 free to mark empty slots in the feature table.
func nonzero(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}
