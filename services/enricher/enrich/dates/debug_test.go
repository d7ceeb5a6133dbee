package dates_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/dates"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
)

func TestDebugDoc(t *testing.T) {
	for _, l := range strings.Split(os.Getenv("DOCS"), ",") {
		src, needle, _ := strings.Cut(l, ":")
		raw, _ := os.ReadFile("/tmp/dates/out9.jsonl")
		for _, line := range strings.Split(string(raw), "\n") {
			var a struct {
				Source, Text string
				Published_at time.Time
			}
			if json.Unmarshal([]byte(line), &a) != nil || a.Source != src {
				continue
			}
			d := doc.Parse(a.Text)
			k := strings.Index(a.Text, needle)
			ti := d.TokenAt(k)
			s := d.Tokens[ti].Sent
			from, to := d.SentTokens(int(s))
			var toks []string
			for i := from; i < to; i++ {
				tk := d.Tokens[i]
				toks = append(toks, d.TokenText(i)+map[bool]string{true: "#J", false: ""}[tk.Junk])
			}
			t.Logf("%s sentence: %s", src, strings.Join(toks, " "))
			for _, m := range dates.Find(d, &a.Published_at) {
				if m.Start >= d.Tokens[from].Start && m.End <= d.Tokens[to-1].End {
					t.Logf("   %q %s", m.Text, m.Value)
				}
			}
		}
	}
}
