package store

import (
	"bytes"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// SQLite keeps each article's doc (its JSON, about 20 KB for a news
// article with its entities) zstd-compressed, a third of the size
// (docs/BENCHMARKS.md, End to end); PostgreSQL keeps it as it is, since
// its TOAST storage compresses large values itself. Readers take either:
// a JSON document starts with '{', never with zstd's magic number, so
// rows written before compression read as they were.

var (
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	// The fastest level: 3.3× on the e2e bench's articles, against 3.5×
	// for the best, at a third of the time (75 µs an article). A window
	// of 128 KB holds a whole article (about 20 KB) and keeps the
	// encoder's history at a fraction of the default's 4 MB.
	docEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(128<<10))
	docDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(2*maxDocBytes))
)

// compressDoc is the doc column's value for doc in SQLite.
func compressDoc(doc []byte) []byte {
	return docEncoder.EncodeAll(doc, make([]byte, 0, len(doc)/3))
}

// openDoc is the JSON document a doc column holds, compressed or not.
func openDoc(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, zstdMagic) {
		return b, nil
	}
	doc, err := docDecoder.DecodeAll(b, make([]byte, 0, 3*len(b)))
	if err != nil {
		return nil, fmt.Errorf("store: decompressing a stored article: %w", err)
	}
	return doc, nil
}
