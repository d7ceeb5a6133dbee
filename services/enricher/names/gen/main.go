// Command gen writes the recogniser's gazetteer lists that come from
// package names (run from services/enricher: go run ./names/gen).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/newsflow/newsflow/services/enricher/names"
)

func main() {
	dir := "ner/gazetteer"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	for file, content := range names.RecogniserLists() {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "names/gen:", err)
			os.Exit(1)
		}
	}
}
