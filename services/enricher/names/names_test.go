package names_test

import (
	"encoding/json"
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

// TestUSStatesAreISONames: every state's name is its ISO 3166-2:US name,
// checked against Debian's iso-codes when installed.
func TestUSStatesAreISONames(t *testing.T) {
	data, err := os.ReadFile("/usr/share/iso-codes/json/iso_3166-2.json")
	if err != nil {
		t.Skip("iso-codes not installed:", err)
	}
	var iso struct {
		Subdivisions []struct{ Code, Name string } `json:"3166-2"`
	}
	if err := json.Unmarshal(data, &iso); err != nil {
		t.Fatal(err)
	}
	states := map[string]bool{}
	for _, s := range iso.Subdivisions {
		if strings.HasPrefix(s.Code, "US-") {
			states[s.Name] = true
		}
	}
	n := 0
	names.Lines(names.USStates, func(l string) {
		n++
		if name := names.Fields(l, 2)[0][0]; !states[name] {
			t.Errorf("%q is not an ISO 3166-2:US name", name)
		}
	})
	if n < 45 {
		t.Errorf("%d states", n)
	}
}
