package ner

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
)

// Model is a trained two-stage tagger. The first stage tags each sentence
// from local features (the words, their shapes and affixes, their
// neighbours, gazetteer matches); the second re-tags it knowing what the
// first stage said about every word across the document, so a name keeps
// one type throughout. Both stages are averaged structured perceptrons over
// BILOU labels, decoded with Viterbi.
//
// A Model is immutable and safe for concurrent use.
type Model struct {
	gaz    *gazetteer
	table  featureTable
	stages [2]stageWeights

	scratch sync.Pool // *tagger
}

// stageWeights are one stage's weights, stored sparsely: a feature's row
// is the run of entries its reference points at, one per label with a
// non-zero weight, packed as weight<<8 | label. Averaged perceptron rows
// are mostly zero (three non-zero labels of seventeen on average), so this
// is several times smaller and faster to add up than dense rows.
type stageWeights struct {
	entries []int32
	trans   [numLabels][numLabels]int32
	first   [numLabels]int32
	last    [numLabels]int32
}

// A row reference packs a row's first entry and its length.
const refLenBits = 5

func rowRef(start, n int) int32 { return int32(start<<refLenBits | n) }

// add adds the row ref points at to the emission scores e.
func (w *stageWeights) add(e *[numLabels]int32, ref int32) {
	start := int(ref >> refLenBits)
	for _, x := range w.entries[start : start+int(ref&(1<<refLenBits-1))] {
		e[x&0xff] += x >> 8
	}
}

// denseWeights are a stage's weights as the trainer holds them: a row of
// numLabels weights per feature index.
type denseWeights struct {
	rows  []int16
	trans [numLabels][numLabels]int32
	first [numLabels]int32
	last  [numLabels]int32
}

func (w *denseWeights) row(f int32) []int16 {
	return w.rows[int(f)*numLabels : int(f+1)*numLabels : int(f+1)*numLabels]
}

// featureTable maps feature keys to weight rows: open addressing with
// linear probing, at most half full, so a lookup is one or two cache
// misses.
type featureTable struct {
	slots []slot
	mask  uint64
}

type slot struct {
	key  uint64
	rows [2]int32 // row reference per stage; -1 when the stage has no weights for it
}

func newFeatureTable(n int) featureTable {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	return featureTable{slots: make([]slot, size), mask: uint64(size - 1)}
}

func (t *featureTable) insert(s slot) {
	for i := s.key & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].key == 0 || t.slots[i].key == s.key {
			t.slots[i] = s
			return
		}
	}
}

func (t *featureTable) lookup(key uint64) *slot {
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.key == key {
			return s
		}
		if s.key == 0 {
			return nil
		}
	}
}

// Stats describes a model.
type Stats struct {
	Features         int    // distinct feature keys
	Rows             [2]int // features with weights, per stage
	Weights          [2]int // non-zero weights, per stage
	GazetteerEntries int
	GazetteerLists   int
	WeightBytes      int // memory held by weights and the feature table
	FeatureVersion   int
	GazetteerPerList map[string]int
}

// Stats returns the model's size.
func (m *Model) Stats() Stats {
	s := Stats{FeatureVersion: featureVersion, GazetteerPerList: map[string]int{}}
	for _, sl := range m.table.slots {
		if sl.key != 0 {
			s.Features++
			for i, r := range sl.rows {
				if r >= 0 {
					s.Rows[i]++
				}
			}
		}
	}
	for i := range m.stages {
		s.Weights[i] = len(m.stages[i].entries)
		s.WeightBytes += 4 * len(m.stages[i].entries)
	}
	s.WeightBytes += 16 * len(m.table.slots)
	if m.gaz != nil {
		s.GazetteerLists = len(m.gaz.categories)
		for c, name := range m.gaz.categories {
			s.GazetteerEntries += len(m.gaz.phrases[c])
			s.GazetteerPerList[name] = len(m.gaz.phrases[c])
		}
	}
	return s
}

//go:embed model.bin
var embeddedModel []byte

// ErrNoModel reports that the binary was built without a trained model
// (model.bin is empty; `make model` trains one).
var ErrNoModel = errors.New("ner: no model embedded; run `make model`")

var loadEmbedded = sync.OnceValues(func() (*Model, error) {
	if len(embeddedModel) == 0 {
		return nil, ErrNoModel
	}
	return Decode(bytes.NewReader(embeddedModel))
})

// Load returns the model embedded in the binary, decoding it on the first
// call only; later calls return the same *Model.
func Load() (*Model, error) { return loadEmbedded() }

// The file format: gzip over a little-endian stream of
//
//	magic, format version, feature version,
//	gazetteer: category count, then per category its name and phrases,
//	per stage: entry count, entries, transitions, first, last (int32),
//	feature count, keys (uint64), row references, two per key (int32).
const (
	magic         = "newsflow-ner\x00"
	formatVersion = 2
)

// ErrFormat reports a model file that cannot be decoded.
var ErrFormat = errors.New("ner: bad model file")

// WriteTo writes the model in its file format.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(zw)
	e := encoder{w: bw}
	e.bytes([]byte(magic))
	e.u32(formatVersion)
	e.u32(featureVersion)
	e.u32(uint32(len(m.gaz.categories)))
	for c, name := range m.gaz.categories {
		e.str(name)
		e.u32(uint32(len(m.gaz.phrases[c])))
		for _, p := range m.gaz.phrases[c] {
			e.str(p)
		}
	}
	for i := range m.stages {
		s := &m.stages[i]
		e.u32(uint32(len(s.entries)))
		e.write(s.entries)
		e.write(&s.trans)
		e.write(&s.first)
		e.write(&s.last)
	}
	var slots []slot
	for _, s := range m.table.slots {
		if s.key != 0 {
			slots = append(slots, s)
		}
	}
	// Sorted by key so the file is the same whatever the table's layout.
	slices.SortFunc(slots, func(a, b slot) int { return cmp.Compare(a.key, b.key) })
	keys := make([]uint64, len(slots))
	rows := make([]int32, 2*len(slots))
	for i, s := range slots {
		keys[i] = s.key
		rows[2*i], rows[2*i+1] = s.rows[0], s.rows[1]
	}
	e.u32(uint32(len(slots)))
	e.write(keys)
	e.write(rows)
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err == nil {
		e.err = zw.Close()
	}
	return cw.n, e.err
}

// Decode reads a model written by WriteTo.
func Decode(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	d := decoder{r: bufio.NewReaderSize(zr, 1<<16)}
	if got := string(d.bytes(len(magic))); got != magic && d.err == nil {
		return nil, fmt.Errorf("%w: not a newsflow NER model", ErrFormat)
	}
	if v := d.u32(); v != formatVersion && d.err == nil {
		return nil, fmt.Errorf("%w: format version %d, this build reads %d", ErrFormat, v, formatVersion)
	}
	if v := d.u32(); v != featureVersion && d.err == nil {
		return nil, fmt.Errorf("%w: feature version %d, this build reads %d (retrain with `make model`)", ErrFormat, v, featureVersion)
	}
	nc := d.count(maxCategories)
	categories := make([]string, 0, nc)
	phrases := make([][]string, 0, nc)
	for range nc {
		categories = append(categories, d.str())
		np := d.count(1 << 24)
		list := make([]string, 0, np)
		for range np {
			list = append(list, d.str())
		}
		phrases = append(phrases, list)
	}
	m := &Model{}
	for i := range m.stages {
		s := &m.stages[i]
		n := d.count(1 << 26)
		s.entries = make([]int32, n)
		d.read(s.entries)
		for _, x := range s.entries {
			if x&0xff >= numLabels {
				return nil, fmt.Errorf("%w: weight for label %d", ErrFormat, x&0xff)
			}
		}
		d.read(&s.trans)
		d.read(&s.first)
		d.read(&s.last)
	}
	nk := d.count(1 << 28)
	if d.err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, d.err)
	}
	keys := make([]uint64, nk)
	rows := make([]int32, 2*nk)
	d.read(keys)
	d.read(rows)
	if d.err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, d.err)
	}
	m.table = newFeatureTable(nk)
	for i, key := range keys {
		s := slot{key: key, rows: [2]int32{rows[2*i], rows[2*i+1]}}
		for st, r := range s.rows {
			if r < -1 || r >= 0 && int(r>>refLenBits)+int(r&(1<<refLenBits-1)) > len(m.stages[st].entries) {
				return nil, fmt.Errorf("%w: feature row %d out of range", ErrFormat, r)
			}
		}
		if key == 0 {
			return nil, fmt.Errorf("%w: zero feature key", ErrFormat)
		}
		m.table.insert(s)
	}
	if m.gaz, err = newGazetteer(categories, phrases); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return m, nil
}

type encoder struct {
	w   io.Writer
	err error
}

func (e *encoder) write(v any) {
	if e.err == nil {
		e.err = binary.Write(e.w, binary.LittleEndian, v)
	}
}

func (e *encoder) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) u32(v uint32) { e.write(v) }

func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	e.bytes([]byte(s))
}

type decoder struct {
	r   io.Reader
	err error
}

func (d *decoder) read(v any) {
	if d.err == nil {
		d.err = binary.Read(d.r, binary.LittleEndian, v)
	}
}

func (d *decoder) bytes(n int) []byte {
	b := make([]byte, n)
	if d.err == nil {
		_, d.err = io.ReadFull(d.r, b)
	}
	return b
}

func (d *decoder) u32() uint32 {
	var v uint32
	d.read(&v)
	return v
}

// count reads a length, failing on one above limit (a corrupt file must
// not make Decode allocate gigabytes).
func (d *decoder) count(limit int) int {
	n := d.u32()
	if d.err == nil && int64(n) > int64(limit) {
		d.err = fmt.Errorf("count %d above %d", n, limit)
	}
	if d.err != nil {
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count(1 << 16)
	return string(d.bytes(n))
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// quantise converts float weights to int16 rows and int32 transitions with
// one scale, chosen so the largest weight uses the int16 range. It is the
// only place float weights become model weights, for the trainer's
// evaluation and the saved model alike.
func quantise(rows []float64, trans *[numLabels][numLabels]float64, first, last *[numLabels]float64) denseWeights {
	maxAbs := 0.0
	for _, v := range rows {
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	scale := 1.0
	if maxAbs > 0 {
		scale = math.MaxInt16 / maxAbs
	}
	var w denseWeights
	w.rows = make([]int16, len(rows))
	for i, v := range rows {
		w.rows[i] = int16(math.Round(v * scale))
	}
	q32 := func(v float64) int32 {
		return int32(math.Max(math.MinInt32/4, math.Min(math.MaxInt32/4, math.Round(v*scale))))
	}
	for a := range numLabels {
		for b := range numLabels {
			w.trans[a][b] = q32(trans[a][b])
		}
		w.first[a] = q32(first[a])
		w.last[a] = q32(last[a])
	}
	return w
}
