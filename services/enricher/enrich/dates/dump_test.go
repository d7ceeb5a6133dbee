package dates

import (
	"fmt"
	"os"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
)

func TestDump(t *testing.T) {
	path := os.Getenv("DUMP")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	a, _ := pipeline.DecodeRaw(data, nil)
	for _, m := range Find(doc.Parse(a.Text), a.PublishedAt) {
		fmt.Printf("%-24s %q\n", m.Value, m.Text)
	}
}
