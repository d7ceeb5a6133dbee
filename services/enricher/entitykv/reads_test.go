package entitykv_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/canon"
	"github.com/newsflow/newsflow/services/enricher/entitykv"
)

// countReads counts the bucket's reads (KV gets are direct gets) on the
// server from now on: each call says how many so far.
func countReads(t *testing.T, url, bucket string) func() int {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	sub, err := nc.SubscribeSync("$JS.API.DIRECT.GET.KV_" + bucket + ".>")
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return func() int {
		// The server routed every read made so far to this subscription
		// before it answers the flush's PING.
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
		n, _, err := sub.Pending()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
}

func person(id, name string, keys ...string) canon.Remembered {
	return canon.Remembered{ID: id, Type: pipeline.Person, Articles: 1, Names: []canon.Count{{Key: name, N: 1}}, Keys: keys}
}

// An article is remembered under the keys it recalled a moment before:
// Remember starts from what Recall read and reads nothing again.
func TestRememberAfterRecallReadsNothing(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	m, err := entitykv.New(ctx, connect(t, s), entitykv.Config{Bucket: "reads"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Remember(ctx, []canon.Remembered{person("a", "Anna Vorlak", "k1", "k2")}); err != nil {
		t.Fatal(err)
	}
	reads := countReads(t, s.ClientURL(), "reads")
	if _, err := m.Recall(ctx, []string{"k1", "k2", "k3"}); err != nil {
		t.Fatal(err)
	}
	recalled := reads()
	// a, known, again under k1 and newly under k3; b, new, under k2.
	err = m.Remember(ctx, []canon.Remembered{person("a", "Anna Vorlak", "k1", "k3"), person("b", "Piet Grendam", "k2")})
	if err != nil {
		t.Fatal(err)
	}
	if got := reads() - recalled; got != 0 {
		t.Errorf("Remember after Recall read %d keys, want none (Recall read %d)", got, recalled)
	}
	got, err := m.Recall(ctx, []string{"k2", "k3"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for _, r := range got {
		ids[r.ID] = r.Articles
	}
	if len(ids) != 2 || ids["a"] != 2 || ids["b"] != 1 {
		t.Errorf("recalled %v, want a twice and b once", ids)
	}
}

// What another replica wrote between this one's Recall and Remember is
// kept: the stale read fails its compare-and-set and is read afresh. An
// entity Recall did not find, though the bucket has it, is merged too.
func TestRememberAfterAnotherReplicaWrote(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	a, err := entitykv.New(ctx, connect(t, s), entitykv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := entitykv.New(ctx, connect(t, s), entitykv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Remember(ctx, []canon.Remembered{person("x", "Sergei Ryabkov", "k1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Recall(ctx, []string{"k1", "k2"}); err != nil {
		t.Fatal(err)
	}
	// Meanwhile b: x seen again spelt otherwise, y new under k1 and k2;
	// z, a namesake of x under a key a never recalls.
	err = b.Remember(ctx, []canon.Remembered{person("x", "Sergei Rybakov", "k1"), person("y", "Wendy Sherman", "k1", "k2"), person("z", "Sergey Rybakov", "k9")})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Remember(ctx, []canon.Remembered{person("x", "Sergei Ryabkov", "k1"), person("w", "Anna Vorlak", "k2"), person("z", "Sergey Rybakov", "k2")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Recall(ctx, []string{"k1", "k2"})
	if err != nil {
		t.Fatal(err)
	}
	recs := map[string]canon.Remembered{}
	for _, r := range got {
		recs[r.ID] = r
	}
	x := recs["x"]
	if x.Articles != 3 || x.Name() != "Sergei Ryabkov" || !slices.ContainsFunc(x.Names, func(c canon.Count) bool { return c.Key == "Sergei Rybakov" }) {
		t.Errorf("x = %+v, want 3 articles, both spellings, Ryabkov first", x)
	}
	if recs["z"].Articles != 2 {
		t.Errorf("z = %+v, want 2 articles (one from each replica)", recs["z"])
	}
	for _, id := range []string{"y", "w"} {
		if recs[id].Articles != 1 {
			t.Errorf("%s = %+v, want remembered once under k1 or k2", id, recs[id])
		}
	}
	members, err := b.Recall(ctx, []string{"k2"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range members {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"w", "y", "z"}) {
		t.Errorf("k2 holds %v, want w, y and z (b's y kept, a's w and z added)", ids)
	}
}

// A key read or written lately is not read again: a second article
// recalling the same keys costs no round trip.
func TestRecallFromCache(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	m, err := entitykv.New(ctx, connect(t, s), entitykv.Config{Bucket: "cached"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Remember(ctx, []canon.Remembered{person("a", "Anna Vorlak", "k1", "k2")}); err != nil {
		t.Fatal(err)
	}
	reads := countReads(t, s.ClientURL(), "cached")
	before := reads()
	for range 2 {
		got, err := m.Recall(ctx, []string{"k1", "k2", "k3"})
		if err != nil || len(got) != 1 || got[0].ID != "a" {
			t.Fatalf("Recall = %v, %v; want a", got, err)
		}
	}
	// k3, never written, is read once; a and its keys were cached when written.
	if got := reads() - before; got != 1 {
		t.Errorf("two Recalls read %d keys from the server, want 1 (k3, unknown)", got)
	}
}

// What another replica writes reaches this one's cache through the
// watch: a key cached as absent, and a cached entity, are seen changed
// without waiting for the cache to age.
func TestCacheFollowsOtherReplica(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	a, err := entitykv.New(ctx, connect(t, s), entitykv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := entitykv.New(ctx, connect(t, s), entitykv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Remember(ctx, []canon.Remembered{person("x", "Sergei Ryabkov", "k1")}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Recall(ctx, []string{"k1", "k2"}); err != nil || len(got) != 1 {
		t.Fatalf("Recall = %v, %v; want x", got, err)
	}
	err = b.Remember(ctx, []canon.Remembered{person("x", "Sergei Rybakov", "k1"), person("y", "Wendy Sherman", "k2")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := a.Recall(ctx, []string{"k1", "k2"})
		if err != nil {
			t.Fatal(err)
		}
		arts := map[string]int{}
		for _, r := range got {
			arts[r.ID] = r.Articles
		}
		if arts["x"] == 2 && arts["y"] == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a recalls %v five seconds after b's write, want x twice and y", arts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
