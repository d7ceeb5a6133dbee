package claimcheck_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/claimcheck"
	"github.com/newsflow/newsflow/pipeline/embedded"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
)

func TestBodyLargerThanMaxPayloadRoundTrips(t *testing.T) {
	srv := pipelinetest.StartJetStream(t, func(o *embedded.Options) { o.MaxPayload = 1 << 20 })
	ctx := context.Background()
	body := bytes.Repeat([]byte("<p>A long page.</p>\n"), 200_000) // 4 MB
	if len(body) < claimcheck.Threshold(srv.NC.MaxPayload()) {
		t.Fatal("test body fits in a message; it proves nothing")
	}
	ref, err := claimcheck.Put(ctx, srv.JS, body, "text/html")
	if err != nil {
		t.Fatal(err)
	}
	a := pipeline.Article{BodyRef: ref}
	if err := claimcheck.Resolve(ctx, srv.JS, &a); err != nil {
		t.Fatal(err)
	}
	if a.HTML != string(body) || a.BodyRef != nil || a.Text != "" {
		t.Fatalf("resolved %d bytes of html, ref %v", len(a.HTML), a.BodyRef)
	}

	forced := pipeline.Article{BodyRef: &pipeline.BodyRef{Bucket: ref.Bucket, Key: ref.Key, ContentType: "text/plain; charset=utf-8"}}
	if err := claimcheck.Resolve(ctx, srv.JS, &forced); err != nil || forced.Text != string(body) {
		t.Fatalf("forced text body: %v", err)
	}

	seed := append([]byte("date 2022-01-12\n"), bytes.Repeat([]byte("A long plain text article. "), 200_000)...)
	ref, err = claimcheck.Put(ctx, srv.JS, seed, "")
	if err != nil {
		t.Fatal(err)
	}
	sniffed := pipeline.Article{BodyRef: ref}
	if err := claimcheck.Resolve(ctx, srv.JS, &sniffed); err != nil {
		t.Fatal(err)
	}
	if sniffed.PublishedAt == nil || sniffed.PublishedAt.Format("2006-01-02") != "2022-01-12" || sniffed.HTML != "" ||
		len(sniffed.Text) != len(seed)-len("date 2022-01-12\n") {
		t.Fatalf("sniffed seed body: published %v, %d bytes of text", sniffed.PublishedAt, len(sniffed.Text))
	}
}

func TestMissingBodyIsPermanent(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	for _, ref := range []*pipeline.BodyRef{
		{Bucket: claimcheck.Bucket, Key: "no-such-key"},
		{Bucket: "no_such_bucket", Key: "k"},
	} {
		a := pipeline.Article{BodyRef: ref}
		err := claimcheck.Resolve(context.Background(), srv.JS, &a)
		if !errors.Is(err, claimcheck.ErrMissing) || !pipeline.IsPermanent(err) {
			t.Errorf("%+v: err = %v, want permanent ErrMissing", ref, err)
		}
	}
}
