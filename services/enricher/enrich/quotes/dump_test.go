package quotes

import (
	"fmt"
	"os"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/enrich/capseq"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
)

func TestDump(t *testing.T) {
	path := os.Getenv("DUMP")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	a, _ := pipeline.DecodeRaw(data, nil)
	d := doc.Parse(a.Text)
	var ms []canon.Mention
	for _, s := range capseq.New(nil).RecognizeDoc(d) {
		ms = append(ms, canon.Mention{Start: s.Start, End: s.End, Type: s.Type})
	}
	ents := canon.NewResolver(nil).Resolve(a.Text, ms, canon.Context{})
	for _, q := range Find(d, ents) {
		txt := q.Text
		if len(txt) > 70 {
			txt = txt[:70] + "…"
		}
		fmt.Printf("%-22s %q\n", q.Speaker, txt)
	}
}
