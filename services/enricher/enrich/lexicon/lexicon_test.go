package lexicon_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Talks", "talk"},
		{"talk", "talk"},
		{"countries", "country"},
		{"allies", "ally"},
		{"Nato’s", "nato"},
		{"allies’", "ally"},
		{"news", "news"},
		{"focus", "focus"},
		{"process", "process"},
		{"boxes", "box"},
		{"matches", "match"},
		{"bus", "bus"},
		{"US", "us"},
		{"Ukraine", "ukraine"},
	}
	for _, tt := range tests {
		if got := lexicon.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWordClasses(t *testing.T) {
	for _, w := range []string{"the", "The", "said", "won’t"} {
		if !lexicon.IsStop(w) {
			t.Errorf("IsStop(%q) = false", w)
		}
	}
	for _, w := range []string{"Nato", "Ukraine", "talks"} {
		if lexicon.IsStop(w) {
			t.Errorf("IsStop(%q) = true", w)
		}
	}
	for _, w := range []string{"News", "read", "World", "war"} {
		if !lexicon.IsCommon(w) {
			t.Errorf("IsCommon(%q) = false", w)
		}
	}
	for _, w := range []string{"Sherman", "Russia", "Geneva", "Clinton"} {
		if lexicon.IsCommon(w) {
			t.Errorf("IsCommon(%q) = true", w)
		}
	}
	for _, tt := range []struct {
		name string
		want lexicon.Gender
	}{{"Wendy", lexicon.Female}, {"Sergei", lexicon.Male}, {"OLHA", lexicon.Female}, {"Kim", lexicon.Unknown}, {"Jean", lexicon.Unknown}} {
		g, ok := lexicon.FirstName(tt.name)
		if !ok || g != tt.want {
			t.Errorf("FirstName(%q) = %v, %v; want %v", tt.name, g, ok, tt.want)
		}
	}
	if _, ok := lexicon.FirstName("Sherman"); ok {
		t.Error("Sherman is not a given name here")
	}
}

func TestVerbal(t *testing.T) {
	for _, w := range []string{"said", "decide", "withdraw", "also"} {
		if !lexicon.IsVerbal(w) {
			t.Errorf("IsVerbal(%q) = false", w)
		}
	}
	for _, w := range []string{"talks", "meeting", "troops", "security", "Nato"} {
		if lexicon.IsVerbal(w) {
			t.Errorf("IsVerbal(%q) = true", w)
		}
	}
}

func TestIDF(t *testing.T) {
	if !(lexicon.IDF("the") < 1.2 && lexicon.IDF("ukraine") > lexicon.IDF("talk") && lexicon.IDF("zzzz") == lexicon.MaxIDF()) {
		t.Fatalf("IDF ordering wrong: the=%v ukraine=%v talk=%v max=%v",
			lexicon.IDF("the"), lexicon.IDF("ukraine"), lexicon.IDF("talk"), lexicon.MaxIDF())
	}
}

// The committed tables must be exactly what gen builds from the shared
// CoNLL training file: the data is reproducible, never hand-edited.
func TestCommittedTablesAreReproducible(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "ner", "conll2003", "eng.train"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stats, err := lexicon.CountCoNLL(f)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Documents != 946 {
		t.Errorf("documents = %d, want 946", stats.Documents)
	}
	for name, want := range map[string][]byte{"df.tsv": stats.DFTable(), "common.txt": stats.CommonWords(), "verbal.txt": stats.VerbalWords()} {
		got, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("data/%s differs from what gen builds: run `go run ./enrich/lexicon/gen` in services/enricher", name)
		}
	}
}
