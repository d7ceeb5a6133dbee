package sinksvc_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/sink/sinksvc"
)

func TestCheckMarksRefusesMarksFromTheFuture(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at   time.Time
		want bool // refused
	}{
		{now.Add(-time.Hour), false},
		{now.Add(4 * time.Minute), false}, // within the skew
		{now.Add(6 * time.Minute), true},
		{time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), true},
	} {
		var a pipeline.Article
		a.Mark(pipeline.StageCleaner, "1", now.Add(-time.Hour))
		a.Mark(pipeline.StageEnricher, "1", c.at)
		err := sinksvc.CheckMarks(&a, now, 5*time.Minute)
		if got := err != nil; got != c.want {
			t.Errorf("mark at %s: err %v, want refused %v", c.at, err, c.want)
		}
		if err != nil && (!errors.Is(err, sinksvc.ErrFutureMark) || !pipeline.IsPermanent(err)) {
			t.Errorf("mark at %s: %v is not a permanent ErrFutureMark", c.at, err)
		}
	}
}

func TestRequireToken(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	srv := httptest.NewServer(sinksvc.RequireToken("s3cret", ok))
	defer srv.Close()
	for _, c := range []struct {
		path, auth string
		want       int
	}{
		{"/api/stats", "", http.StatusUnauthorized},
		{"/api/stats", "Bearer wrong", http.StatusUnauthorized},
		{"/", "s3cret", http.StatusUnauthorized},
		{"/api/stats", "Bearer s3cret", http.StatusOK},
		{"/", "Bearer s3cret", http.StatusOK},
		{"/healthz", "", http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s with %q: %d, want %d", c.path, c.auth, resp.StatusCode, c.want)
		}
	}
	if h := sinksvc.RequireToken("", ok); h == nil {
		t.Fatal("no handler without a token")
	}
}
