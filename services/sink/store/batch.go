package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"go.uber.org/zap"
)

// backend is a database engine: it writes batches of records in one
// transaction and answers the Reader's questions. The store around it owns
// batching, validation and notification, so both engines behave alike.
type backend interface {
	Reader
	// write commits the records in one transaction and reports what was
	// committed (records older than the stored copy are not).
	write(ctx context.Context, recs []*record) ([]commit, error)
	// watch starts delivering commits (this process's or, where the engine
	// can tell, other processes') to fn, until Close.
	watch(fn func([]commit))
	// storeDoc is the doc column's value for an article's JSON, made off
	// the writer's goroutine (nil: the JSON as it is).
	storeDoc(doc []byte) []byte
	// summaries loads the list form of the given articles, in the order of ids.
	summaries(ctx context.Context, ids []string) ([]ArticleSummary, error)
	close() error
}

// commit is one article written by a transaction.
type commit struct {
	ID      string `json:"id"`
	Updated bool   `json:"u,omitempty"`
}

// lostCommits, in a backend's stream of commits, says that commits may
// have been lost at that point (PostgreSQL's notifications while its
// listener reconnected): live subscribers are told they missed events, and
// nobody resumes across it.
var lostCommits = commit{}

type saveReq struct {
	rec  *record
	done chan error
}

// store is the Store both backends share: Save goes through the group
// committer, queries go straight to the backend.
type store struct {
	backend
	cfg  config
	log  *zap.Logger
	reqs chan saveReq
	hub  *hub

	closeOnce sync.Once
	closing   chan struct{}
	flushed   chan struct{}
	closeErr  error
	now       func() time.Time

	// Commits wait here for the announcer, so that telling subscribers
	// never delays the Saves of the next batch.
	pendingMu sync.Mutex
	pending   [][]seqCommit
	wake      chan struct{}
	announced chan struct{}
}

func newStore(b backend, cfg config) *store {
	s := &store{
		backend:   b,
		cfg:       cfg,
		log:       cfg.log,
		reqs:      make(chan saveReq, cfg.maxBatch),
		hub:       newHub(),
		closing:   make(chan struct{}),
		flushed:   make(chan struct{}),
		now:       time.Now,
		wake:      make(chan struct{}, 1),
		announced: make(chan struct{}),
	}
	b.watch(s.queueAnnouncement)
	go s.commitLoop()
	go s.announceLoop()
	return s
}

// Save implements Writer.
func (s *store) Save(ctx context.Context, a pipeline.Article) error {
	rec, err := newRecord(&a, s.now())
	if err != nil {
		return pipeline.Permanent(err)
	}
	rec.stored = s.storeDoc(rec.doc)
	req := saveReq{rec: rec, done: make(chan error, 1)}
	select {
	case <-s.closing:
		return ErrClosed
	default:
	}
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return ErrClosed
	}
	// Once queued the article is written even if ctx ends: the caller will
	// see an error, not ack, and the redelivered copy is a harmless upsert.
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-s.flushed:
		// Queued after the final drain: it was never written.
		select {
		case err := <-req.done:
			return err
		default:
			return ErrClosed
		}
	}
}

// commitLoop is the group committer: it takes the first waiting save,
// gathers more until the batch is full or maxDelay has passed, and commits
// them together. Saves that queue while a commit runs form the next batch,
// so batches grow with the load.
func (s *store) commitLoop() {
	defer close(s.flushed)
	batch := make([]saveReq, 0, s.cfg.maxBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch = batch[:0]
		select {
		case r := <-s.reqs:
			batch = append(batch, r)
		case <-s.closing:
			s.drain(batch)
			return
		}
		if s.cfg.maxDelay > 0 {
			timer.Reset(s.cfg.maxDelay)
		}
	gather:
		for len(batch) < s.cfg.maxBatch {
			if s.cfg.maxDelay == 0 {
				select {
				case r := <-s.reqs:
					batch = append(batch, r)
					continue
				default:
					break gather
				}
			}
			select {
			case r := <-s.reqs:
				batch = append(batch, r)
			case <-timer.C:
				break gather
			case <-s.closing:
				break gather
			}
		}
		timer.Stop()
		s.commit(batch)
	}
}

// drain commits what is still queued when the store closes.
func (s *store) drain(batch []saveReq) {
	for {
		select {
		case r := <-s.reqs:
			batch = append(batch, r)
			if len(batch) == s.cfg.maxBatch {
				s.commit(batch)
				batch = batch[:0]
			}
		default:
			if len(batch) > 0 {
				s.commit(batch)
			}
			return
		}
	}
}

// commit writes a batch and answers its callers. If the transaction fails,
// each article is retried alone so one the database refuses fails only its
// own Save instead of every Save it was batched with.
func (s *store) commit(batch []saveReq) {
	recs := make([]*record, len(batch))
	for i, r := range batch {
		recs[i] = r.rec
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.commitWait)
	defer cancel()
	start := time.Now()
	_, err := s.backend.write(ctx, recs)
	if err == nil || len(batch) == 1 {
		if err != nil {
			err = fmt.Errorf("store: saving article %s: %w", recs[0].id, err)
			s.log.Warn("save failed", zap.String("id", recs[0].id), zap.Error(err))
		} else {
			s.log.Debug("committed", zap.Int("articles", len(batch)), zap.Duration("took", time.Since(start)))
		}
		for _, r := range batch {
			r.done <- err
		}
		return
	}
	s.log.Warn("batch failed, retrying its articles one by one", zap.Int("articles", len(batch)), zap.Error(err))
	for i, r := range batch {
		_, err := s.backend.write(ctx, recs[i:i+1])
		if err != nil {
			err = fmt.Errorf("store: saving article %s: %w", recs[i].id, err)
			s.log.Warn("save failed", zap.String("id", recs[i].id), zap.Error(err))
		}
		r.done <- err
	}
}

// queueAnnouncement takes commits from the backend (the committer, or
// PostgreSQL's listener), numbers them for resuming subscribers, and
// queues them for the announcer when anyone is listening.
func (s *store) queueAnnouncement(commits []commit) {
	if len(commits) == 0 {
		return
	}
	batch := s.hub.record(commits)
	for _, c := range commits {
		if c == lostCommits {
			s.hub.lost()
		}
	}
	if !s.hub.active() {
		return
	}
	s.pendingMu.Lock()
	s.pending = append(s.pending, batch)
	s.pendingMu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// announceLoop turns queued commits into Events, in commit order, until
// the store closes.
func (s *store) announceLoop() {
	defer close(s.announced)
	for {
		select {
		case <-s.wake:
		case <-s.flushed:
			return
		}
		s.pendingMu.Lock()
		batches := s.pending
		s.pending = nil
		s.pendingMu.Unlock()
		for _, commits := range batches {
			s.announce(commits)
		}
	}
}

// announce loads the committed articles' summaries and publishes them.
func (s *store) announce(batch []seqCommit) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := s.events(ctx, batch)
	if err != nil {
		s.log.Warn("loading committed articles for subscribers", zap.Error(err))
		return
	}
	for _, e := range events {
		s.hub.publish(e)
	}
}

// events turns numbered commits into Events, in their order.
func (s *store) events(ctx context.Context, batch []seqCommit) ([]Event, error) {
	ids := make([]string, 0, len(batch))
	for _, n := range batch {
		if n.commit != lostCommits {
			ids = append(ids, n.ID)
		}
	}
	sums, err := s.backend.summaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]ArticleSummary, len(sums))
	for _, a := range sums {
		byID[a.ID] = a
	}
	events := make([]Event, 0, len(batch))
	for _, n := range batch {
		if a, ok := byID[n.ID]; ok { // gone if deleted since: nothing to show
			events = append(events, Event{Article: a, Updated: n.Updated, Cursor: s.hub.cursor(n.seq), seq: n.seq})
		}
	}
	return events, nil
}

// Subscribe implements Store.
func (s *store) Subscribe(ctx context.Context, after string) (<-chan Event, bool) {
	sub, replay, resumed := s.hub.subscribe(ctx, s.closing, after)
	if len(replay) == 0 {
		sub.release(nil)
		return sub.ch, resumed
	}
	events, err := s.events(ctx, replay)
	if err != nil {
		s.log.Warn("loading missed articles for a resuming subscriber", zap.Error(err))
		resumed = false
	}
	sub.release(events)
	return sub.ch, resumed
}

// Close implements Store: new saves are refused, queued ones committed,
// subscribers' channels closed, the database released.
func (s *store) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		<-s.flushed
		<-s.announced
		s.closeErr = s.backend.close()
		s.hub.closeAll()
	})
	return s.closeErr
}

// hub fans events out to subscribers without ever blocking the publisher,
// and numbers the commits, remembering the latest, so that a subscriber
// whose connection dropped can resume where it was.
type hub struct {
	epoch string // names this hub's numbering in cursors

	mu   sync.Mutex
	subs map[*subscriber]struct{}
	seq  uint64      // the number of the latest commit; they start at 1
	ring []seqCommit // commit number n at n % RecentEvents, the latest RecentEvents kept
}

// seqCommit is a commit with its place in the hub's sequence.
type seqCommit struct {
	commit
	seq uint64
}

type subscriber struct {
	hub    *hub
	ch     chan Event
	missed int
	done   bool
	last   uint64  // the latest seq delivered or counted missed: never send it again
	held   []Event // published while the replay was being loaded
	hold   bool
}

const subscriberBuffer = 256

func newHub() *hub {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &hub{epoch: hex.EncodeToString(b[:]), subs: map[*subscriber]struct{}{}, ring: make([]seqCommit, RecentEvents)}
}

func (h *hub) cursor(seq uint64) string { return h.epoch + "-" + strconv.FormatUint(seq, 10) }

// record numbers commits, in order, and remembers them.
func (h *hub) record(commits []commit) []seqCommit {
	h.mu.Lock()
	defer h.mu.Unlock()
	batch := make([]seqCommit, len(commits))
	for i, c := range commits {
		h.seq++
		batch[i] = seqCommit{commit: c, seq: h.seq}
		h.ring[h.seq%RecentEvents] = batch[i]
	}
	return batch
}

func (h *hub) active() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs) > 0
}

// subscribe registers a subscriber, holding what is published for it
// until release, and returns the remembered commits after the cursor
// after, if it can resume from there.
func (h *hub) subscribe(ctx context.Context, closing <-chan struct{}, after string) (sub *subscriber, replay []seqCommit, resumed bool) {
	sub = &subscriber{hub: h, ch: make(chan Event, subscriberBuffer), hold: true}
	select {
	case <-closing:
		sub.done = true
		close(sub.ch)
		return sub, nil, after == ""
	default:
	}
	h.mu.Lock()
	resumed = after == ""
	// The ring holds every commit after seq if the latest RecentEvents do.
	if seq, ok := h.parseCursor(after); ok && h.seq-seq <= RecentEvents {
		resumed = true
		for n := seq + 1; n <= h.seq; n++ {
			c := h.ring[n%RecentEvents]
			if c.commit == lostCommits {
				resumed, replay = false, nil
				break
			}
			replay = append(replay, c)
		}
		if resumed {
			sub.last = seq
			sub.ch = make(chan Event, len(replay)+subscriberBuffer)
		}
	}
	if !resumed || after == "" {
		sub.last = h.seq // a fresh start: what is remembered is history
	}
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-closing:
		}
		h.remove(sub)
	}()
	return sub, replay, resumed
}

// parseCursor reads a cursor this hub issued.
func (h *hub) parseCursor(c string) (uint64, bool) {
	epoch, seq, ok := strings.Cut(c, "-")
	if !ok || epoch != h.epoch {
		return 0, false
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	return n, err == nil && n <= h.seq
}

// release sends the replayed events, then what was published meanwhile,
// and lets publish send to the subscriber directly from then on.
func (sub *subscriber) release(replay []Event) {
	h := sub.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if sub.done {
		return
	}
	held := sub.held
	sub.held, sub.hold = nil, false
	for _, e := range replay {
		sub.send(e)
	}
	for _, e := range held { // those the replay also held are skipped
		sub.send(e)
	}
}

// send delivers e unless the subscriber has had it, counting it as missed
// when the subscriber is not keeping up. While the replay is loaded, what
// is published waits, to be sent after it (release). The hub's lock is
// held.
func (sub *subscriber) send(e Event) {
	if e.seq <= sub.last {
		return
	}
	if sub.hold {
		if len(sub.held) < subscriberBuffer {
			sub.held = append(sub.held, e)
		} else {
			sub.missed++
		}
		return
	}
	sub.last = e.seq
	e.Missed = sub.missed
	select {
	case sub.ch <- e:
		sub.missed = 0
	default:
		sub.missed++
	}
}

func (h *hub) remove(sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !sub.done {
		sub.done = true
		delete(h.subs, sub)
		close(sub.ch)
	}
}

// lost tells every subscriber that it missed events: its next one says so.
func (h *hub) lost() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		sub.missed++
	}
}

func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		sub.send(e)
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		sub.done = true
		close(sub.ch)
		delete(h.subs, sub)
	}
}
