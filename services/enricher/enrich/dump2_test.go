package enrich

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
)

func TestDumpOne(t *testing.T) {
	path := os.Getenv("DUMPONE")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	a, _ := pipeline.DecodeRaw(data, nil)
	e, _ := New(Options{})
	out, err := e.Process(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	_ = doc.Span{}
	for _, en := range out.Entities {
		var ms []string
		for _, m := range en.Mentions {
			ms = append(ms, m.Text)
		}
		fmt.Printf("%-6s %-40s %.3f %v\n", en.Type, en.Name, en.Salience, ms)
	}
	for _, k := range out.Keywords {
		fmt.Printf("kw %.3f %s\n", k.Score, k.Text)
	}
}
