// Command explain shows how the extractor reads one page of a benchmark
// split: the container it picks and its rivals, and every text block
// with its weight, whether it is kept (+), what package furniture calls it,
// and whether the ground truth has it (G: in Scrapinghub's article body;
// W/X: holds a trafilatura "with"/"without" snippet). ID is a Scrapinghub
// page id, or any part of a trafilatura page's URL or file name.
//
//	go run ./services/cleaner/internal/explain ../shared/extraction/scrapinghub ID
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsflow/newsflow/pipeline/charset"
	"github.com/newsflow/newsflow/services/cleaner/extract"
)

func main() {
	dir, id := os.Args[1], os.Args[2]
	var truth, file string
	var with, without []string
	if b, err := os.ReadFile(filepath.Join(dir, "ground-truth.json")); err == nil {
		var gt map[string]struct{ ArticleBody string }
		json.Unmarshal(b, &gt)
		truth = strings.Join(strings.Fields(gt[id].ArticleBody), " ")
		file = filepath.Join(dir, "html", id+".html.gz")
	} else {
		b, _ := os.ReadFile(filepath.Join(dir, "evaldata.json"))
		var ev map[string]struct {
			File          string
			With, Without []string
		}
		json.Unmarshal(b, &ev)
		for k, v := range ev {
			if k == id || v.File == id || strings.Contains(k, id) {
				file = filepath.Join(dir, "html", v.File+".gz")
				with, without = v.With, v.Without
				fmt.Println("URL", k)
				break
			}
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
		b, _ = io.ReadAll(zr)
	}
	page, _ := charset.Decode(string(b))
	var out bytes.Buffer
	extract.Explain(&out, page)
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		mark := " "
		if i := strings.Index(line, " | "); i >= 0 {
			text := strings.TrimSuffix(line[i+3:], "…")
			if truth != "" && strings.Contains(truth, strings.Join(strings.Fields(text), " ")) {
				mark = "G"
			}
			for _, w := range with {
				if strings.Contains(text, w) || strings.Contains(w, text) && len(text) > 10 {
					mark = "W"
				}
			}
			for _, w := range without {
				if strings.Contains(text, w) {
					mark = "X"
				}
			}
		}
		fmt.Println(mark + line)
	}
	if len(with) > 0 {
		fmt.Println("WITH", with)
		fmt.Println("WITHOUT", without)
	}
}
