package sinksvc_test

import (
	"path/filepath"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/services/sink/sinksvc"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

// latest reads the update the stories stream holds for a story.
func latest(t *testing.T, js jetstream.JetStream, id string) (store.StorySummary, uint64) {
	t.Helper()
	stream, err := js.Stream(t.Context(), pipeline.StreamStories)
	if err != nil {
		t.Fatal(err)
	}
	m, err := stream.GetLastMsgForSubject(t.Context(), pipeline.StorySubject(id))
	if err != nil {
		t.Fatalf("no update of story %s: %v", id, err)
	}
	var s store.StorySummary
	if err := json.Unmarshal(m.Data, &s); err != nil {
		t.Fatal(err)
	}
	return s, m.Sequence
}

func TestStoryUpdates(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "sink.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := sinksvc.NewStoryPublisher(srv.JS, st)
	ctx := t.Context()
	as := storetest.Newsroom()

	save := func(a pipeline.Article) {
		t.Helper()
		if err := st.Save(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := p.Publish(ctx, a.StoryID); err != nil {
			t.Fatal(err)
		}
	}
	save(as[0])
	s, seq := latest(t, srv.JS, "geneva-talks")
	if s.ID != "geneva-talks" || s.Label != "Sherman and Ryabkov meet in Geneva" || s.Revision != 1 || s.ArticleCount != 1 {
		t.Errorf("first update: %+v", s)
	}
	// A redelivered article publishes nothing new.
	save(as[0])
	if _, again := latest(t, srv.JS, "geneva-talks"); again != seq {
		t.Errorf("the same story state was published twice (seq %d, then %d)", seq, again)
	}
	save(as[1])
	s, _ = latest(t, srv.JS, "geneva-talks")
	if s.Revision != 2 || s.ArticleCount != 2 || s.Label != "Nato and Russia begin tense negotiations" || len(s.Entities) == 0 {
		t.Errorf("second update: %+v", s)
	}
	// A copy changes the counts, not what the story says.
	save(storetest.Copy(as[0], "a1-copy", "yahoo.com", storetest.Day(11)))
	s, _ = latest(t, srv.JS, "geneva-talks")
	if s.Revision != 3 || s.ArticleCount != 2 || s.CopyCount != 1 || s.Label != "Nato and Russia begin tense negotiations" {
		t.Errorf("update after a copy: %+v", s)
	}
	save(as[3]) // no story: nothing to publish
	info, err := srv.JS.Stream(ctx, pipeline.StreamStories)
	if err != nil {
		t.Fatal(err)
	}
	if n := info.CachedInfo().State.Msgs; n != 1 {
		t.Errorf("the stories stream holds %d messages, want the latest of one story", n)
	}
	// A story id that is no subject token still gets a subject of its own.
	odd := as[2]
	odd.StoryID = "osce talks.vienna"
	save(odd)
	if s, _ := latest(t, srv.JS, odd.StoryID); s.ID != odd.StoryID {
		t.Errorf("story with an odd id: %+v", s)
	}
}
