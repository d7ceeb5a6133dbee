package dates_test

import (
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/dates"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
)

func TestDebug2(t *testing.T) {
	pub := time.Date(1989, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"This quarter's loss includes charges.", "Sales fell in this quarter.", "They were removed a few years ago to make room."} {
		for _, m := range dates.Find(doc.Parse(s), &pub) {
			t.Logf("%q %s", m.Text, m.Value)
		}
	}
}
