package extractbench

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline/shareddata"
)

// Format is one of the two benchmark layouts Run understands.
type Format string

const (
	// Scrapinghub is html/<id>.html.gz plus ground-truth.json
	// ({id: {"articleBody", "url"}}), scored by shingle overlap.
	Scrapinghub Format = "scrapinghub"
	// Trafilatura is html/<file>.gz plus evaldata.json
	// ({url: {"file", "with", "without"}}), scored by snippets.
	Trafilatura Format = "trafilatura"
)

// ErrFormat reports a directory in neither benchmark layout.
var ErrFormat = errors.New("not a benchmark directory (want html/ with ground-truth.json or evaldata.json)")

// page is one benchmark page with its ground truth.
type page struct {
	ID   string // the key predictions are written under
	URL  string
	HTML []byte // raw bytes, any encoding

	Truth         string   // Scrapinghub
	With, Without []string // trafilatura

	// Inputs prepared before timing: the cleaner takes the page as the
	// pipeline hands it over (a string), the peers a parsed URL.
	html      string
	parsedURL *url.URL
}

// placeholderURL stands in for pages without one: some peers need a base.
var placeholderURL = &url.URL{Scheme: "https", Host: "example.invalid", Path: "/"}

func (p *page) prepare() {
	p.html = string(p.HTML)
	p.parsedURL = parseURL(p.URL)
	if p.parsedURL == nil {
		p.parsedURL = placeholderURL
	}
}

type dataset struct {
	Format Format
	Dir    string
	Pages  []page
}

// detectFormat names the layout of dir by its ground-truth file.
func detectFormat(dir string) (Format, error) {
	if st, err := os.Stat(filepath.Join(dir, "html")); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s: %w", dir, ErrFormat)
	}
	switch {
	case exists(filepath.Join(dir, "ground-truth.json")):
		return Scrapinghub, nil
	case exists(filepath.Join(dir, "evaldata.json")):
		return Trafilatura, nil
	}
	return "", fmt.Errorf("%s: %w", dir, ErrFormat)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// loadDataset reads every page of dir into memory, ordered by id, so
// timing measures extraction and not disk or gzip.
func loadDataset(dir string) (*dataset, error) {
	f, err := detectFormat(dir)
	if err != nil {
		return nil, err
	}
	ds := &dataset{Format: f, Dir: dir}
	switch f {
	case Scrapinghub:
		var truth map[string]struct {
			ArticleBody string `json:"articleBody"`
			URL         string `json:"url"`
		}
		if err := readJSON(filepath.Join(dir, "ground-truth.json"), &truth); err != nil {
			return nil, err
		}
		for id, t := range truth {
			raw, err := readGzip(filepath.Join(dir, "html", id+".html.gz"))
			if err != nil {
				return nil, err
			}
			ds.Pages = append(ds.Pages, page{ID: id, URL: t.URL, HTML: raw, Truth: t.ArticleBody})
		}
	case Trafilatura:
		var eval map[string]struct {
			File    string   `json:"file"`
			With    []string `json:"with"`
			Without []string `json:"without"`
		}
		if err := readJSON(filepath.Join(dir, "evaldata.json"), &eval); err != nil {
			return nil, err
		}
		for url, e := range eval {
			raw, err := readGzip(filepath.Join(dir, "html", e.File+".gz"))
			if err != nil {
				return nil, err
			}
			ds.Pages = append(ds.Pages, page{ID: url, URL: pageURL(url), HTML: raw, With: e.With, Without: e.Without})
		}
	}
	if len(ds.Pages) == 0 {
		return nil, fmt.Errorf("%s: no pages", dir)
	}
	sort.Slice(ds.Pages, func(i, j int) bool { return ds.Pages[i].ID < ds.Pages[j].ID })
	for i := range ds.Pages {
		ds.Pages[i].prepare()
	}
	return ds, nil
}

// pageURL is the page's address when the trafilatura key is one; a few
// keys are labels ("hard::name.html") and those pages have no URL.
func pageURL(key string) string {
	if strings.HasPrefix(key, "http://") || strings.HasPrefix(key, "https://") {
		return key
	}
	return ""
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readGzip(path string) ([]byte, error) { return shareddata.ReadFile(path) }
