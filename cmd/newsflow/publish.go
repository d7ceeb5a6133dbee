package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/claimcheck"
)

func publishCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "publish", "FILE|DIR...")
	conn := natsFlags(fs)
	source := fs.String("source", "", "source name to record with bare-body articles")
	url := fs.String("url", "", "URL of the article (one file only)")
	contentType := fs.String("content-type", "", "text/html or text/plain, instead of sniffing each body")
	pos, err := parseArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	paths, err := collectFiles(pos)
	if err != nil {
		return err
	}
	if *url != "" && len(paths) != 1 {
		return fmt.Errorf("%w: -url names one article but %d files were given", errUsage, len(paths))
	}
	nc, js, err := dialJetStream(conn, "publish")
	if err != nil {
		return err
	}
	defer nc.Close()
	p := publisher{nc: nc, js: js, stdin: e.stdin, maxBody: claimcheck.Threshold(nc.MaxPayload()), source: *source, url: *url, contentType: *contentType}
	bar := newProgress(e.stderr, len(paths))
	var stored, dup int
	for _, path := range paths {
		ack, err := p.publishFile(ctx, path)
		if err != nil {
			bar.done()
			return fmt.Errorf("%s: %w", path, err)
		}
		if ack.Duplicate {
			dup++
		} else {
			stored++
		}
		bar.add(1)
	}
	bar.done()
	fmt.Fprintf(e.stdout, "published %d article(s) to %s", stored, pipeline.SubjectRaw)
	if dup > 0 {
		fmt.Fprintf(e.stdout, "; %d were already there (same content, published in the last few minutes)", dup)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// publisher turns files into raw messages.
type publisher struct {
	nc                       *nats.Conn
	js                       jetstream.JetStream
	stdin                    io.Reader // what "-" reads
	maxBody                  int
	source, url, contentType string
}

func (p publisher) publishFile(ctx context.Context, path string) (*jetstream.PubAck, error) {
	data, err := readInput(p.stdin, path)
	if err != nil {
		return nil, err
	}
	msg, err := p.message(ctx, data)
	if err != nil {
		return nil, err
	}
	return publishAs(ctx, p.nc, p.js, msg)
}

// message builds the raw message for one body: the body itself with
// headers, or, when it is too large for one message, an envelope holding a
// claim-check reference. Its Nats-Msg-Id is the content's hash, so the same
// file published twice within the duplicate window is stored once.
func (p publisher) message(ctx context.Context, data []byte) (*nats.Msg, error) {
	sum := sha256.Sum256(data)
	msg := nats.NewMsg(pipeline.SubjectRaw)
	msg.Header.Set(pipeline.HeaderMsgID, "publish:"+hex.EncodeToString(sum[:16]))
	if len(data) <= p.maxBody {
		msg.Data = data
		if p.source != "" {
			msg.Header.Set(pipeline.HeaderSource, p.source)
		}
		if p.url != "" {
			msg.Header.Set(pipeline.HeaderURL, p.url)
		}
		if p.contentType != "" {
			msg.Header.Set(pipeline.HeaderContentType, p.contentType)
		}
		return msg, nil
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		return nil, fmt.Errorf("JSON envelope of %d bytes is larger than a message (%d): publish the page as a bare body instead", len(data), p.maxBody)
	}
	ref, err := claimcheck.Put(ctx, p.js, data, p.contentType)
	if err != nil {
		return nil, err
	}
	env, err := json.Marshal(struct {
		BodyRef *pipeline.BodyRef `json:"body_ref"`
		Source  string            `json:"source,omitempty"`
		URL     string            `json:"url,omitempty"`
	}{ref, p.source, p.url})
	if err != nil {
		return nil, err
	}
	msg.Data = env
	return msg, nil
}

// stdinPath is the argument that names standard input.
const stdinPath = "-"

// readInput reads the file at path, or stdin when path is "-".
func readInput(stdin io.Reader, path string) ([]byte, error) {
	if path != stdinPath {
		return os.ReadFile(path)
	}
	if stdin == nil {
		return nil, errors.New("no standard input")
	}
	return io.ReadAll(stdin)
}

// collectFiles expands directories (recursively, skipping hidden entries)
// into the regular files they hold, in name order; "-" (standard input)
// stays as it is, at most once.
func collectFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%w: give at least one file or directory, or - for standard input", errUsage)
	}
	if n := countOf(args, stdinPath); n > 1 {
		return nil, fmt.Errorf("%w: - (standard input) given %d times", errUsage, n)
	}
	var out []string
	for _, arg := range args {
		if arg == stdinPath {
			out = append(out, arg)
			continue
		}
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, arg)
			continue
		}
		var inDir []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != arg && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				inDir = append(inDir, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(inDir)
		out = append(out, inDir...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no files in %s", errUsage, strings.Join(args, ", "))
	}
	return out, nil
}

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

// progress draws a one-line progress bar on a terminal for more than one
// item; elsewhere (a pipe, a CI log) it stays silent.
type progress struct {
	w          io.Writer
	total, n   int
	active     bool
	lastRedraw time.Time
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	active := false
	if ok && total > 1 {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			active = true
		}
	}
	return &progress{w: w, total: total, active: active}
}

func (p *progress) add(n int) {
	p.n += n
	if !p.active || (time.Since(p.lastRedraw) < 50*time.Millisecond && p.n < p.total) {
		return
	}
	p.lastRedraw = time.Now()
	const width = 30
	filled := width * p.n / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.n, p.total)
}

func (p *progress) done() {
	if p.active {
		fmt.Fprintln(p.w)
	}
}
