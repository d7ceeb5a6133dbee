package sinksvc_test

import (
	"errors"
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
