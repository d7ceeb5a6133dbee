package store

import (
	"context"
	"fmt"
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
	// summaries loads the list form of the given articles, in the order of ids.
	summaries(ctx context.Context, ids []string) ([]ArticleSummary, error)
	close() error
}

// commit is one article written by a transaction.
type commit struct {
	ID      string `json:"id"`
	Updated bool   `json:"u,omitempty"`
}

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
}

func newStore(b backend, cfg config) *store {
	s := &store{
		backend: b,
		cfg:     cfg,
		log:     cfg.log,
		reqs:    make(chan saveReq, cfg.maxBatch),
		hub:     newHub(),
		closing: make(chan struct{}),
		flushed: make(chan struct{}),
		now:     time.Now,
	}
	b.watch(s.announce)
	go s.commitLoop()
	return s
}

// Save implements Writer.
func (s *store) Save(ctx context.Context, a pipeline.Article) error {
	rec, err := newRecord(&a, s.now())
	if err != nil {
		return pipeline.Permanent(err)
	}
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

// announce turns commits into Events for the subscribers, if any.
func (s *store) announce(commits []commit) {
	if len(commits) == 0 || !s.hub.active() {
		return
	}
	ids := make([]string, len(commits))
	updated := make(map[string]bool, len(commits))
	for i, c := range commits {
		ids[i] = c.ID
		updated[c.ID] = c.Updated
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sums, err := s.backend.summaries(ctx, ids)
	if err != nil {
		s.log.Warn("loading committed articles for subscribers", zap.Error(err))
		return
	}
	for _, a := range sums {
		s.hub.publish(Event{Article: a, Updated: updated[a.ID]})
	}
}

// Subscribe implements Store.
func (s *store) Subscribe(ctx context.Context) <-chan Event {
	return s.hub.subscribe(ctx, s.closing)
}

// Close implements Store: new saves are refused, queued ones committed,
// subscribers' channels closed, the database released.
func (s *store) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		<-s.flushed
		s.closeErr = s.backend.close()
		s.hub.closeAll()
	})
	return s.closeErr
}

// hub fans events out to subscribers without ever blocking the publisher.
type hub struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	ch     chan Event
	missed int
	done   bool
}

const subscriberBuffer = 256

func newHub() *hub { return &hub{subs: map[*subscriber]struct{}{}} }

func (h *hub) active() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs) > 0
}

func (h *hub) subscribe(ctx context.Context, closing <-chan struct{}) <-chan Event {
	sub := &subscriber{ch: make(chan Event, subscriberBuffer)}
	select {
	case <-closing:
		close(sub.ch)
		return sub.ch
	default:
	}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-closing:
		}
		h.remove(sub)
	}()
	return sub.ch
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

func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		ev := e
		ev.Missed = sub.missed
		select {
		case sub.ch <- ev:
			sub.missed = 0
		default:
			sub.missed++
		}
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
