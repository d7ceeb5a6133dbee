// Package claimcheck carries article bodies too large for one NATS message:
// the publisher stores the body in the JetStream object store and publishes
// a pipeline.BodyRef in its place; the cleaner resolves the reference. Pages
// bigger than the server's max payload are therefore never dropped.
package claimcheck

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// Bucket is the object store bucket holding claim-checked bodies; the
// runner's topology creates it with the streams' retention.
const Bucket = runner.BodiesBucket

// ErrMissing reports a reference whose body is gone (expired or deleted):
// retrying cannot bring it back.
var ErrMissing = errors.New("claim-checked body not found")

// Threshold is the body size from which a publisher should claim-check: the
// connection's max payload minus room for headers and the JSON envelope.
func Threshold(maxPayload int64) int {
	return int(max(maxPayload-64<<10, 1024))
}

// Put stores body and returns the reference to publish instead of it. The
// key is the body's hash, so storing the same body twice keeps one copy.
// contentType may be "" (sniff when resolving), "text/html" or
// "text/plain", with a charset parameter if known.
func Put(ctx context.Context, js jetstream.JetStream, body []byte, contentType string) (*pipeline.BodyRef, error) {
	store, err := js.ObjectStore(ctx, Bucket)
	if err != nil {
		return nil, fmt.Errorf("claim check: %w", err)
	}
	sum := sha256.Sum256(body)
	key := hex.EncodeToString(sum[:])
	if _, err := store.PutBytes(ctx, key, body); err != nil {
		return nil, fmt.Errorf("claim check: storing %d bytes: %w", len(body), err)
	}
	return &pipeline.BodyRef{Bucket: Bucket, Key: key, ContentType: contentType, Size: int64(len(body))}, nil
}

// Resolve replaces a.BodyRef, if set, by the body it points at, decoded as
// pipeline.DecodeRaw decodes a bare body (ContentType, if set, decides HTML
// or text; otherwise it is sniffed). A missing or undecodable body is a
// permanent error; a failure to reach the store is not.
func Resolve(ctx context.Context, js jetstream.JetStream, a *pipeline.Article) error {
	ref := a.BodyRef
	if ref == nil {
		return nil
	}
	store, err := js.ObjectStore(ctx, ref.Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return pipeline.Permanent(fmt.Errorf("%w: bucket %q", ErrMissing, ref.Bucket))
	}
	if err != nil {
		return fmt.Errorf("claim check: %w", err)
	}
	body, err := store.GetBytes(ctx, ref.Key)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return pipeline.Permanent(fmt.Errorf("%w: %s/%s", ErrMissing, ref.Bucket, ref.Key))
	}
	if err != nil {
		return fmt.Errorf("claim check: fetching %s/%s: %w", ref.Bucket, ref.Key, err)
	}
	// The body is what a bare message on the raw subject would have been:
	// decode it the same way (charset, sniffing, seed date line), under the
	// envelope's URL, so that the decoder's identity is the article's.
	h := http.Header{}
	if ref.ContentType != "" {
		h.Set(pipeline.HeaderContentType, ref.ContentType)
	}
	if a.URL != "" {
		h.Set(pipeline.HeaderURL, a.URL)
	}
	dec, err := pipeline.DecodeRaw(body, h)
	if err != nil {
		return fmt.Errorf("claim-checked body %s/%s: %w", ref.Bucket, ref.Key, err)
	}
	a.HTML, a.Text = dec.HTML, dec.Text
	if a.PublishedAt == nil {
		a.PublishedAt = dec.PublishedAt
	}
	a.BodyRef = nil
	// The envelope had no body to identify the article by (its canonical
	// link, or its content when it has no URL): now it has.
	a.URL, a.ID = dec.URL, dec.ID
	return nil
}
