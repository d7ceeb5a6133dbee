package capseq

import (
	"fmt"
	"os"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
)

func TestDump(t *testing.T) {
	path := os.Getenv("DUMP")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	a, _ := pipeline.DecodeRaw(data, nil)
	for _, s := range New(nil).Recognize(a.Text) {
		fmt.Printf("%-6s %q\n", s.Type, s.Text)
	}
}
