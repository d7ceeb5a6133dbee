// Command gen rebuilds the word statistics package lexicon embeds from the
// CoNLL-2003 English training text (../shared/ner/conll2003/eng.train):
//
//	go run ./enrich/lexicon/gen            # from services/enricher
//
// It writes data/df.tsv (in how many of the 946 Reuters articles each
// folded word occurs, for inverse document frequency), data/common.txt
// (words written in lower case more often than capitalised in mid-sentence,
// which the capitalised-sequence recogniser does not take for names) and
// data/verbal.txt (words mostly tagged as verbs or adverbs, which are not
// key terms). The
// output is a pure function of the input file; lexicon's tests check that
// the committed files are what this command produces.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

func main() {
	in := flag.String("conll", "", "CoNLL-2003 training file (default: the shared data's ner/conll2003/eng.train)")
	out := flag.String("out", "", "directory to write df.tsv and common.txt into (default: the lexicon data directory)")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	if in == "" {
		dir, err := shareddata.Dir()
		if err != nil {
			return err
		}
		in = filepath.Join(dir, "ner", "conll2003", "eng.train")
	}
	if out == "" {
		out = filepath.Join("enrich", "lexicon", "data")
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	stats, err := lexicon.CountCoNLL(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(filepath.Join(out, "df.tsv"), stats.DFTable(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "common.txt"), stats.CommonWords(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "verbal.txt"), stats.VerbalWords(), 0o644)
}
