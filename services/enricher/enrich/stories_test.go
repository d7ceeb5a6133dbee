package enrich_test

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/shareddata"
	"github.com/newsflow/newsflow/services/enricher/enrich"
	"github.com/newsflow/newsflow/services/enricher/enrich/story"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
	"github.com/newsflow/newsflow/services/enricher/ner"
)

// ducArticle is one DUC article signed as the enricher signs it, with
// its gold docset.
type ducArticle struct {
	a       story.Article
	cluster string
}

// ducStories signs the DUC docsets of ../shared/enrich/stories in stream
// order (file order), with the production entity model.
func ducStories(t testing.TB) []ducArticle {
	t.Helper()
	dir := shareddata.Path(t, "enrich", "stories")
	gold := map[string]string{}
	f, err := os.Open(filepath.Join(dir, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var g struct{ Source, Cluster string }
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		gold[g.Source] = g.Cluster
	}
	files, err := filepath.Glob(filepath.Join(dir, "inputs", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	m, err := ner.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnricher(t, enrich.Options{Recognizer: m})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	out := make([]ducArticle, 0, len(files))
	for i, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := pipeline.DecodeRaw(data, nil)
		if err != nil {
			continue // the pipeline dead-letters it too ("1998-14-06")
		}
		enriched, err := e.Process(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		ents := make([]story.Entity, len(enriched.Entities))
		for j, en := range enriched.Entities {
			ents[j] = story.Entity{ID: en.ID, Salience: en.Salience}
		}
		sa := story.Article{ID: a.Source, Sig: story.Sign(tokens.Parse(enriched.Text), ents), Time: now + int64(i), Seen: now + int64(i)}
		if a.PublishedAt != nil {
			sa.Time, sa.Dated = a.PublishedAt.Unix(), true
		}
		out = append(out, ducArticle{a: sa, cluster: gold[a.Source]})
	}
	return out
}

// bcubed scores predicted stories against gold clusters: precision,
// recall and F1, as score_stories.py does.
func bcubed(gold, pred []string) (p, r, f float64) {
	byG, byP, byGP := map[string]int{}, map[string]int{}, map[[2]string]int{}
	for i := range gold {
		byG[gold[i]]++
		byP[pred[i]]++
		byGP[[2]string{gold[i], pred[i]}]++
	}
	for i := range gold {
		n := float64(byGP[[2]string{gold[i], pred[i]}])
		p += n / float64(byP[pred[i]])
		r += n / float64(byG[gold[i]])
	}
	p, r = p/float64(len(gold)), r/float64(len(gold))
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

type ducScore struct {
	event, broad           [3]float64
	eventStories, dupCross int
	evenF, oddF            float64 // event-level F1 on the two halves of the docsets
}

// linkDUC links the signed articles in order with rule, as one memory.
func linkDUC(arts []ducArticle, rule story.Rule) ducScore {
	x := story.NewIndex(story.IndexOptions{})
	var goldE, predE, goldB, predB []string
	var halves [2][2][]string
	cluster := map[string]string{}
	var s ducScore
	for _, da := range arts {
		a := da.a
		d := x.Decide(&rule, &a)
		a.StoryID, a.DuplicateOf = d.StoryID, d.DuplicateOf
		x.Add(a, a.Seen)
		cluster[a.ID] = da.cluster
		if a.DuplicateOf != "" && cluster[a.DuplicateOf] != da.cluster {
			s.dupCross++
		}
		if strings.HasPrefix(da.cluster, "duc2004") {
			goldE, predE = append(goldE, da.cluster), append(predE, a.StoryID)
			h := int(crc32.ChecksumIEEE([]byte(da.cluster)) % 2)
			halves[h][0], halves[h][1] = append(halves[h][0], da.cluster), append(halves[h][1], a.StoryID)
		} else {
			goldB, predB = append(goldB, da.cluster), append(predB, a.StoryID)
		}
	}
	s.event[0], s.event[1], s.event[2] = bcubed(goldE, predE)
	s.broad[0], s.broad[1], s.broad[2] = bcubed(goldB, predB)
	_, _, s.evenF = bcubed(halves[0][0], halves[0][1])
	_, _, s.oddF = bcubed(halves[1][0], halves[1][1])
	s.eventStories = len(slices.Compact(slices.Sorted(slices.Values(predE))))
	return s
}

// TestStoriesDUC links the DUC docsets with the default rule, one pass in
// stream order, and reports B-cubed against the docsets. STORY_SWEEP=1
// sweeps the story threshold (the fit docs/BENCHMARKS.md reports).
func TestStoriesDUC(t *testing.T) {
	arts := ducStories(t)
	rule := enrich.DefaultThresholds
	s := linkDUC(arts, rule)
	t.Logf("default: event-level P=%.3f R=%.3f F1=%.3f (%d stories), broad topics F1=%.3f, copies across stories %d",
		s.event[0], s.event[1], s.event[2], s.eventStories, s.broad[2], s.dupCross)
	if s.dupCross > 0 {
		t.Errorf("%d copies across gold stories", s.dupCross)
	}
	if os.Getenv("STORY_SWEEP") == "" {
		return
	}
	// The threshold fitted on one half of the event-level docsets, and
	// what it gives on the other half.
	type row struct {
		th float64
		s  ducScore
	}
	var rows []row
	for th := 0.06; th <= 0.301; th += 0.02 {
		r := rule
		r.Story = th
		s := linkDUC(arts, r)
		rows = append(rows, row{th, s})
		mean, sd := reordered(arts, r)
		t.Logf("story=%.2f: event P=%.3f R=%.3f F1=%.3f (%d stories) halves %.3f/%.3f, reordered %.3f±%.3f, broad P=%.3f R=%.3f F1=%.3f, copies across %d",
			th, s.event[0], s.event[1], s.event[2], s.eventStories, s.evenF, s.oddF, mean, sd, s.broad[0], s.broad[1], s.broad[2], s.dupCross)
	}
	bestA := slices.MaxFunc(rows, func(p, q row) int { return cmp.Compare(p.s.evenF, q.s.evenF) })
	bestB := slices.MaxFunc(rows, func(p, q row) int { return cmp.Compare(p.s.oddF, q.s.oddF) })
	t.Logf("fitted on half A: story=%.2f, half A %.3f, half B %.3f; fitted on half B: story=%.2f, half B %.3f, half A %.3f",
		bestA.th, bestA.s.evenF, bestA.s.oddF, bestB.th, bestB.s.oddF, bestB.s.evenF)
}

// reordered is the event-level F1 (mean and standard deviation) when
// concurrent workers hand the articles over out of order: each moves by up
// to 8 places, in 8 seeded shuffles.
func reordered(arts []ducArticle, rule story.Rule) (mean, sd float64) {
	var fs []float64
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 1))
		type pos struct {
			key float64
			a   ducArticle
		}
		ps := make([]pos, len(arts))
		for i, a := range arts {
			ps[i] = pos{float64(i) + 8*rng.Float64(), a}
		}
		slices.SortFunc(ps, func(p, q pos) int { return cmp.Compare(p.key, q.key) })
		shuffled := make([]ducArticle, len(ps))
		for i, p := range ps {
			shuffled[i] = p.a
		}
		fs = append(fs, linkDUC(shuffled, rule).event[2])
	}
	for _, f := range fs {
		mean += f
	}
	mean /= float64(len(fs))
	for _, f := range fs {
		sd += (f - mean) * (f - mean)
	}
	return mean, math.Sqrt(sd / float64(len(fs)))
}
