package sinksvc

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/store"
)

func TestUnreachableStoreIsUnavailableNotTheArticlesFault(t *testing.T) {
	// A PostgreSQL store whose server is gone: a port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = store.Open(ctx, "postgres://newsflow@"+addr+"/newsflow?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("opened a store on a closed port")
	}
	if !pipeline.IsUnavailable(storeError(err)) {
		t.Errorf("unreachable database: %v not marked unavailable", err)
	}
	if other := errors.New("article id is empty"); pipeline.IsUnavailable(storeError(other)) {
		t.Errorf("%v marked unavailable", other)
	}
}
