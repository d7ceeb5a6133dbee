package sources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

// LoadFile reads a source file, the YAML a compose deployment seeds the
// registry with:
//
//	sources:
//	  - url: https://www.example.com/rss.xml
//	    name: Example News
//	    every: 10m          # default 5m
//	  - url: https://www.example.com/news-sitemap.xml
//	    kind: sitemap       # feed, sitemap or page; default: detected
//	    paused: true        # registered, not polled
//
// Unknown keys are errors, so a misspelt "evry" does not silently become
// the default.
func LoadFile(path string) ([]Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		Sources []Source `yaml:"sources"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	out := make([]Source, 0, len(file.Sources))
	for i, s := range file.Sources {
		s, err := s.Normalize()
		if err != nil {
			return nil, fmt.Errorf("%s: source %d: %w", path, i+1, err)
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("%s: source %d: %s is listed twice", path, i+1, s.URL)
		}
		seen[s.ID] = true
		out = append(out, s)
	}
	return out, nil
}

// Seed registers each source, as Add does: new ones are created (paused
// if the file says so), registered ones take the file's name, interval and
// kind but keep their run-time paused state. Sources added at run time and
// not in the file are left alone.
func (r *Registry) Seed(ctx context.Context, list []Source) (created int, err error) {
	for _, s := range list {
		_, isNew, err := r.Add(ctx, s)
		if err != nil {
			return created, fmt.Errorf("seeding %s: %w", s.URL, err)
		}
		if isNew {
			created++
		}
	}
	return created, nil
}
