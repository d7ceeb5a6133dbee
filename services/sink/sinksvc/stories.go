package sinksvc

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
	"github.com/newsflow/newsflow/services/sink/store"
)

// StoryPublisher tells subscribers of pipeline.SubjectStories what a story
// says now. The sink calls Publish once an article is committed: the story
// is read back from the store (so the update says what every reader of
// the store sees) and published on the story's subject.
//
// Publishing is idempotent: the message id is the story id and the hash
// of what it says, so a redelivered article, or two articles of one story
// committed together, publish one update. Updates of one story are
// published in the order this process committed them; across sink
// replicas sharing PostgreSQL two updates may cross, and subscribers keep
// the one with the highest revision.
type StoryPublisher struct {
	js    jetstream.JetStream
	st    store.Reader
	locks [64]sync.Mutex
}

// NewStoryPublisher publishes the stories of st through js.
func NewStoryPublisher(js jetstream.JetStream, st store.Reader) *StoryPublisher {
	return &StoryPublisher{js: js, st: st}
}

// Publish publishes the current state of the story with id. It does
// nothing for an article without a story, or a story that has no article
// any more. It returns once the update is stored in the stories stream.
func (p *StoryPublisher) Publish(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	// Reading and publishing under the story's lock keeps this process's
	// updates of a story in commit order: each reads what the previous one
	// published, or later.
	mu := &p.locks[h.Sum32()%uint32(len(p.locks))]
	mu.Lock()
	defer mu.Unlock()
	s, err := p.st.StorySummary(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading story %s: %w", id, err)
	}
	body, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encoding story %s: %w", id, err)
	}
	msg := nats.NewMsg(pipeline.StorySubject(id))
	msg.Data = body
	msg.Header.Set(pipeline.HeaderMsgID, "story:"+id+":"+s.Hash())
	if _, err := runner.Publish(ctx, p.js, msg, nil); err != nil {
		return fmt.Errorf("publishing story %s: %w", id, err)
	}
	return nil
}
