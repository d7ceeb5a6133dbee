package runner_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// BenchmarkChain runs b.N messages through three no-op stages. The bench
// command `newsflow bench runner` compares it with a bare JetStream chain.
func BenchmarkChain(b *testing.B) {
	srv := pipelinetest.StartJetStream(b)
	ctx := context.Background()
	payload := articleJSONB(b, 6000)
	for i := range b.N {
		if _, err := srv.JS.PublishAsync(pipeline.SubjectRaw, payload, jetstream.WithMsgID(strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
	<-srv.JS.PublishAsyncComplete()
	var acked atomic.Int64
	done := make(chan struct{})
	hops := [][2]string{{pipeline.SubjectRaw, pipeline.SubjectClean}, {pipeline.SubjectClean, pipeline.SubjectEnriched}, {pipeline.SubjectEnriched, ""}}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	b.ResetTimer()
	for i, h := range hops {
		last := h[1] == ""
		st := &runner.Stage{Name: "chain" + strconv.Itoa(i), From: h[0], To: h[1],
			Func: func(_ context.Context, a pipeline.Article) (pipeline.Article, error) {
				if last && acked.Add(1) == int64(b.N) {
					close(done)
				}
				return a, nil
			}}
		wg.Go(func() { _ = st.Run(runCtx, srv.JS) })
	}
	<-done
	b.StopTimer()
	cancel()
	wg.Wait()
}

func articleJSONB(b *testing.B, size int) []byte {
	text := make([]byte, 0, size)
	for len(text) < size {
		text = append(text, "Nato’s aim is a de-escalation in the security situation.\n\n"...)
	}
	out, err := pipeline.EncodeArticle(&pipeline.Article{Schema: pipeline.SchemaVersion, ID: "x", Text: string(text)})
	if err != nil {
		b.Fatal(err)
	}
	return out
}
