package cleanersvc_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/services/cleaner/cleanersvc"
)

// Bad input from the audit, through the real cleaner service on a real
// JetStream: each is dead-lettered with its reason, a good page is cleaned.
func TestBadInputIsDeadLetteredWithItsReason(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	s, err := cleanersvc.Build(context.Background(), cleanersvc.DefaultOptions(), zap.NewNop(), srv.JS)
	if err != nil {
		t.Fatal(err)
	}
	st := s.Stages[0]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx, srv.JS) }()
	defer func() { cancel(); <-done }()

	good := "The city council voted on Tuesday to close the old library.\n\nThe building will become a school."
	cases := []struct {
		body   string
		url    string
		reason string // "" for a good article
	}{
		{good, "javascript:alert(document.cookie)", "header Newsflow-Url: "},
		{good, "file:///etc/passwd", "header Newsflow-Url: "},
		{strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkr", 2<<20/44), "https://news.example/blob", "text has no word breaks"},
		{good, "https://news.example/library", ""},
	}
	for _, c := range cases {
		msg := &nats.Msg{Subject: pipeline.SubjectRaw, Data: []byte(c.body), Header: nats.Header{pipeline.HeaderURL: {c.url}}}
		if _, err := srv.JS.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	dead := streamMessages(t, srv, pipeline.StreamDeadLetter, 3)
	for _, m := range dead {
		// Workers run concurrently: match each dead letter by the raw sequence.
		i, _ := strconv.Atoi(m.Header.Get(pipeline.HeaderDeadStreamSequence))
		i--
		if i < 0 || i >= len(cases) {
			t.Fatalf("dead letter of raw message %d", i+1)
		}
		if reason := m.Header.Get(pipeline.HeaderDeadReason); cases[i].reason == "" || !strings.Contains(reason, cases[i].reason) {
			t.Errorf("dead letter %d: reason %q, want it to contain %q", i, reason, cases[i].reason)
		}
	}
	clean := streamMessages(t, srv, pipeline.StreamClean, 1)
	a, err := pipeline.DecodeArticle(clean[0].Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != "https://news.example/library" {
		t.Errorf("clean article URL %q", a.URL)
	}
}

func streamMessages(t *testing.T, srv *pipelinetest.Server, stream string, n int) []*jetstream.RawStreamMsg {
	t.Helper()
	s, err := srv.JS.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		info, err := s.Info(context.Background())
		if err == nil && info.State.Msgs >= uint64(n) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s: want %d messages", stream, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var out []*jetstream.RawStreamMsg
	for seq := uint64(1); len(out) < n; seq++ {
		m, err := s.GetMsg(context.Background(), seq)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
