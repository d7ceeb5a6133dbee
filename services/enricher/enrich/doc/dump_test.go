package doc

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
	a, err := pipeline.DecodeRaw(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := Parse(a.Text)
	for i, s := range d.Sentences {
		j := ""
		if d.IsJunk(s) && d.Tokens[d.TokenAt(s.End-1)].Junk {
			j = "JUNK"
		}
		txt := a.Text[s.Start:s.End]
		if len(txt) > 150 {
			txt = txt[:150] + "..."
		}
		fmt.Printf("%3d %s %q\n", i, j, txt)
	}
	for _, s := range d.Junk {
		txt := a.Text[s.Start:s.End]
		if len(txt) > 80 {
			txt = txt[:80] + "..."
		}
		fmt.Printf("junk %q\n", txt)
	}
}
