package extract

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/html/atom"

	"github.com/newsflow/newsflow/services/cleaner/furniture"
)

// Explain writes, for one page, the container Extract picks and every
// text block with its weight and whether it is kept: the view to debug
// an extraction with (`newsflow` has no other use for it).
func Explain(w io.Writer, page string) {
	d, _ := parseDebug(page, time.Time{}, true)
	a := analyse(d)
	s := a.score
	root := a.root()
	kept := map[int32]bool{}
	for _, i := range a.selectBlocks(a.roots(root)) {
		kept[i] = true
	}
	fmt.Fprintf(w, "root: %s score %.0f blocks %d-%d\n", elemPath(d, root), s[root], d.elems[root].firstBlock, d.elems[root].endBlock)
	for _, r := range a.roots(root) {
		fmt.Fprintf(w, "  widened: %s\n", elemPath(d, r))
	}
	order := make([]int, len(d.elems))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return s[order[i]] > s[order[j]] })
	for _, i := range order[:min(8, len(order))] {
		fmt.Fprintf(w, "  candidate %.0f P=%.0f J=%.0f furniture=%v %s\n", s[i], a.prose[i], a.junk[i], a.furniture[i], elemPath(d, int32(i)))
	}
	for i := range d.blocks {
		bl := &d.blocks[i]
		mark := " "
		if kept[int32(i)] {
			mark = "+"
		}
		text := string(d.text[bl.start:bl.end])
		if k := furniture.Classify(text, furniture.InArticle); k != furniture.Text {
			mark += "{" + k.String() + "}"
		}
		if r := []rune(text); len(r) > 110 {
			text = string(r[:110]) + "…"
		}
		bp, bj := blockMass(bl)
		fmt.Fprintf(w, "%s %4d P=%4.0f J=%4.0f n=%d l=%d p=%d %s | %s\n", mark, i, bp, bj, bl.runes, bl.linkRunes, bl.punct, elemPath(d, bl.owner), text)
	}
}

func elemPath(d *document, i int32) string {
	var parts []string
	for ; i > 0; i = d.elems[i].parent {
		e := &d.elems[i]
		name := atom.Atom(e.tag).String()
		if name == "" {
			name = "?"
		}
		if e.sig&sigBoiler != 0 {
			name += "!B"
		}
		if e.sig&sigStrong != 0 {
			name += "!S"
		}
		if e.sig&sigMeta != 0 {
			name += "!M"
		}
		if e.sig&sigContent != 0 {
			name += "!C"
		}
		if int(i) < len(d.names) && d.names[i] != "#" && d.names[i] != "" {
			name += "[" + d.names[i] + "]"
		}
		parts = append(parts, fmt.Sprintf("%s#%d", name, i))
		if len(parts) == 4 {
			break
		}
	}
	for l, r := 0, len(parts)-1; l < r; l, r = l+1, r-1 {
		parts[l], parts[r] = parts[r], parts[l]
	}
	return strings.Join(parts, ">")
}
