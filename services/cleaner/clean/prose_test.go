package clean

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
)

func TestTextThatCannotBeAnArticleIsDeadLettered(t *testing.T) {
	line := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkr", 2<<20/44) // 2 MB, no spaces
	_, err := New(Options{}).Process(context.Background(), pipeline.Article{Schema: pipeline.SchemaVersion, Text: line})
	if !errors.Is(err, ErrNotProse) || !pipeline.IsPermanent(err) {
		t.Fatalf("got %v, want a permanent ErrNotProse", err)
	}
	if !strings.Contains(err.Error(), "characters are in runs of over 200") {
		t.Errorf("reason %q does not say why", err)
	}
}

func TestProseCheckKeepsArticles(t *testing.T) {
	for name, text := range map[string]string{
		"with a long url": "The report is online at https://example.org/" + strings.Repeat("a1b2c3", 60) +
			" and runs to forty pages.\n\n" + strings.Repeat("The council will vote on it next week, officials said, after a month of hearings. ", 6),
		"chinese":  "北京时间周二，市政府宣布将在明年扩建地铁网络。官员表示，新线路将连接机场和市中心。",
		"thai":     "รัฐบาลประกาศแผนขยายระบบรถไฟฟ้าในกรุงเทพมหานครเมื่อวันอังคาร โดยเส้นทางใหม่จะเชื่อมสนามบินกับใจกลางเมือง",
		"japanese": "政府は火曜日、東京の地下鉄網を拡張する計画を発表した。新しい路線は空港と都心を結ぶ。",
	} {
		if err := checkProse(text); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// No input of the enrichment dev sets (real news in several languages) is
// refused as not prose: the thresholds' measured effect.
func TestProseCheckKeepsDevInputs(t *testing.T) {
	root := shareddata.Path(t, "enrich")
	files, _ := filepath.Glob(filepath.Join(root, "*", "inputs", "*"))
	if len(files) == 0 {
		t.Skip("no dev inputs")
	}
	c := New(Options{})
	refused := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := pipeline.DecodeRaw(data, nil)
		if err != nil {
			continue
		}
		if _, err := c.Process(context.Background(), a); errors.Is(err, ErrNotProse) {
			refused++
			t.Errorf("%s: %v", f, err)
		}
	}
	t.Logf("%d dev inputs, %d refused as not prose", len(files), refused)
}
