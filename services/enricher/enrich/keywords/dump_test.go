package keywords

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
	for _, k := range Extract(doc.Parse(a.Text), 12, nil) {
		fmt.Printf("%.3f %q; ", k.Score, k.Text)
	}
	fmt.Println()
}
