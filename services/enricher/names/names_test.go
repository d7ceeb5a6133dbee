package names_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/names"
)

// TestRecogniserListsGenerated: the recogniser's lists are what make names
// writes, so the two sides never disagree.
func TestRecogniserListsGenerated(t *testing.T) {
	for file, want := range names.RecogniserLists() {
		got, err := os.ReadFile(filepath.Join("..", "ner", "gazetteer", file))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("ner/gazetteer/%s is stale: run make names (and make model)", file)
		}
	}
}

func TestNoPeopleList(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "ner", "gazetteer", "per.leader.txt")); err == nil {
		t.Error("ner/gazetteer/per.leader.txt is back: people are learned by the entity memory, not listed")
	}
}

func TestFields(t *testing.T) {
	f := names.Fields("Ukraine ; The Ukraine ; Ukrainian | Ukrainians ; Kyiv | Kiev", 4)
	if strings.Join(f[2], ",") != "Ukrainian,Ukrainians" || strings.Join(f[3], ",") != "Kyiv,Kiev" {
		t.Fatalf("Fields = %q", f)
	}
}
