package web_test

import (
	"encoding/csv"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
	"github.com/newsflow/newsflow/services/sink/web"
)

// An analyst's tools: a search shows where its words are in each article
// and how its results split by source and entity (clicking one refines
// the search), exports them as CSV or JSON lines, looks for them in
// quotes; an entity page charts its mentions over time; the entities
// page ranks by a period of publication time.
func TestAnalystTools(t *testing.T) {
	ctx := browser(t)
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "web.db"))
	must(t, err, "open store")
	defer st.Close()
	// Two months of background news before the fixture's January 2022.
	g := storetest.NewGenerator(11)
	g.Start, g.PerDay = time.Date(2021, 11, 1, 0, 0, 0, 0, time.UTC), 2
	for i := range 120 {
		must(t, st.Save(t.Context(), g.Article(i)), "save")
	}
	fx := storetest.Newsroom()
	for _, a := range fx {
		must(t, st.Save(t.Context(), a), "save")
	}
	must(t, st.Save(t.Context(), storetest.Copy(fx[0], "a1-copy", "yahoo.com", storetest.Day(11))), "save copy")
	srv := httptest.NewServer(web.New(st))
	defer func() { srv.CloseClientConnections(); srv.Close() }()

	// Search (the fixture's days only): the words are marked in each
	// result's passage.
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?q=negotiation&from=2022-01-05")), "search")
	waitFor(t, ctx, `document.querySelectorAll('#feed li.card').length === 2 && document.querySelector('#facet-total') !== null`)
	hits := eval[[]string](t, ctx, `[...document.querySelectorAll('#feed li.card')].map(c => c.dataset.id + ':' +
		[...c.querySelectorAll('.snippet mark.hit')].map(m => m.textContent).join(','))`)
	if want := []string{"a2:negotiations", "a1:negotiations"}; !slices.Equal(hits, want) {
		t.Errorf("marked words %q, want %q", hits, want)
	}
	if got := eval[string](t, ctx, `document.querySelector('#feed li.card[data-id="a2"] .snippet').textContent`); !strings.HasPrefix(got, "Nato and Russia began tense negotiations on Wednesday") {
		t.Errorf("a2's passage %q", got)
	}
	// Facets: sources and entities by type, with counts.
	facets := eval[[]string](t, ctx, `[...document.querySelectorAll('#facets ul.facet')].map(u => u.dataset.facet + ':' +
		[...u.querySelectorAll('li')].map(li => li.querySelector('a').textContent + '=' + li.querySelector('.n').textContent).join(','))`)
	want := []string{"source:bbc.co.uk=1,reuters.com=1", "PERSON:Sergei Ryabkov=2,Wendy Sherman=2", "ORG:Nato=1", "LOC:Geneva=2,Russia=1"}
	if !slices.Equal(facets, want) {
		t.Errorf("facets %q, want %q", facets, want)
	}
	screenshot(t, ctx, "13-search-facets")

	// Export what is shown, from the page's own links.
	csvHref := eval[string](t, ctx, `document.querySelector('#export-csv').getAttribute('href')`)
	if csvHref != "/api/export?q=negotiation&from=2022-01-05&format=csv" || eval[string](t, ctx, `document.querySelector('#export-csv').getAttribute('download')`) == "" {
		t.Errorf("CSV export link %q", csvHref)
	}
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#export-csv').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	must(t, err, "fetch the CSV export")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	must(t, err, "read exported CSV")
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	if !slices.Equal(rows[0], store.CSVHeader) || !slices.Equal(ids, []string{"a2", "a1-copy", "a1"}) {
		t.Errorf("exported CSV %q", rows)
	}
	lines, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`fetch(document.querySelector('#export-jsonl').href).then(r => r.text()).then(s => s.trim().split('\n').map(l => JSON.parse(l).id))`, chromedp.EvalAwaitPromise))
	must(t, err, "fetch the JSON lines export")
	if !slices.Equal(lines, []string{"a2", "a1-copy", "a1"}) {
		t.Errorf("exported JSON lines %q", lines)
	}

	// A facet refines the search.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#facets ul[data-facet="source"] li:first-child a`))), "click source facet")
	waitFor(t, ctx, `location.search === '?q=negotiation&from=2022-01-05&source=bbc.co.uk' && document.querySelectorAll('#feed li.card').length === 1`)
	if got := eval[string](t, ctx, `document.querySelector('#export-jsonl').getAttribute('href')`); got != "/api/export?q=negotiation&source=bbc.co.uk&from=2022-01-05&format=jsonl" {
		t.Errorf("export link after refining: %q", got)
	}
	// An entity facet too; its filter is named by the entity's name.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#facets ul[data-facet="ORG"] a[data-entity="org:nato"]`))), "click entity facet")
	waitFor(t, ctx, `location.search === '?q=negotiation&from=2022-01-05&source=bbc.co.uk&entity=org%3Anato' && document.querySelectorAll('#feed li.card').length === 1`)
	waitFor(t, ctx, `document.querySelector('.filter-chip .entity-filter').textContent === 'Nato'`)
	// A spelling an article used filters as the entity it stands for.
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?entity=Rybakov")), "entity by spelling")
	waitFor(t, ctx, `document.querySelectorAll('#feed li.card').length === 2 && document.querySelector('.filter-chip .entity-filter').textContent === 'Sergei Ryabkov'`)
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?q=negotiation&from=2022-01-05")), "search again")
	waitFor(t, ctx, `document.querySelector('#search-quotes') !== null`)

	// Search inside quotes: by words, then by speaker too.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("search-quotes"))), "search quotes")
	waitFor(t, ctx, `location.pathname === '/quotes' && document.querySelectorAll('#quote-results li.card').length === 0 && document.querySelector('#quote-results li.empty') !== null`)
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/quotes?q=binding")), "quotes")
	waitFor(t, ctx, `document.querySelectorAll('#quote-results li.card').length === 1`)
	eval[chromedp.Void](t, ctx, `document.querySelector('#quote-search input[name=q]').value = ''`)
	must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#quote-search input[name=speaker]`), "sergei ryabkov\n")), "speaker")
	waitFor(t, ctx, `location.search === '?speaker=sergei+ryabkov' && document.querySelectorAll('#quote-results li.card').length === 2`)
	quotes := eval[[]string](t, ctx, `[...document.querySelectorAll('#quote-results blockquote')].map(b => b.textContent)`)
	if !slices.Equal(quotes, []string{"“We need legally binding guarantees”", "“The talks were difficult, but very professional”"}) {
		t.Errorf("quotes by Ryabkov %q", quotes)
	}
	screenshot(t, ctx, "14-quotes")

	// An entity's mentions over time, a bar per day, copies not counted.
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/entities/per:wendy-sherman")), "entity")
	waitFor(t, ctx, `document.querySelector('#mentions-chart') !== null`)
	bars := eval[[]string](t, ctx, `[...document.querySelectorAll('#mentions-chart rect.bar')].map(r => r.dataset.day + '=' + r.dataset.mentions)`)
	if want := []string{"2022-01-10=2", "2022-01-11=0", "2022-01-12=1"}; !slices.Equal(bars, want) {
		t.Errorf("Sherman's chart bars %q, want %q", bars, want)
	}
	if tip := eval[string](t, ctx, `document.querySelector('#mentions-chart rect.bar title').textContent`); tip != "10 Jan 2022: 2 mentions in 1 article" {
		t.Errorf("bar tooltip %q", tip)
	}
	screenshot(t, ctx, "15-entity-chart")
	// A busy entity over two and a half months: a bar per week.
	busy := g.Popular("LOC", 0)
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/entities/"+busy.ID)), "busy entity")
	waitFor(t, ctx, `document.querySelector('#mentions-chart') !== null`)
	if unit := eval[string](t, ctx, `document.querySelector('#mentions-chart').dataset.unit`); unit != "day" && unit != "week" {
		t.Errorf("chart unit %q", unit)
	}
	total := eval[int](t, ctx, `[...document.querySelectorAll('#mentions-chart rect.bar')].reduce((n, r) => n + Number(r.dataset.mentions), 0)`)
	d, err := st.Entity(t.Context(), busy.ID)
	must(t, err, "entity")
	if total != d.Mentions {
		t.Errorf("the chart's bars add up to %d mentions, the entity has %d", total, d.Mentions)
	}
	screenshot(t, ctx, "16-entity-chart-busy")

	// The entities page ranks by publication time: dates, or the latest
	// days of the archive (its newest article is of January 20, 2022).
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/entities?from=2022-01-13&to=2022-01-20")), "entities by dates")
	waitFor(t, ctx, `document.querySelectorAll('table.grid tbody tr').length > 0`)
	names := func() []string {
		return eval[[]string](t, ctx, `[...document.querySelectorAll('table.grid tbody tr td:first-child .chip')].map(c => c.firstChild.textContent)`)
	}
	if got := names(); !slices.Equal(got, []string{"Germany", "Russia", "Vienna", "European Central Bank", "OSCE"}) {
		t.Errorf("entities of Jan 13-20: %q", got)
	}
	eval[chromedp.Void](t, ctx, `(s => { s.value = '7'; s.dispatchEvent(new Event('change')); })(document.querySelector('#entities-period'))`)
	waitFor(t, ctx, `location.search === '?period=7' && document.querySelector('#period-note') !== null && document.querySelectorAll('table.grid tbody tr').length === 2`)
	if got := names(); !slices.Equal(got, []string{"Germany", "European Central Bank"}) {
		t.Errorf("entities of the latest 7 days: %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#entities-from').value + '/' + document.querySelector('#entities-to').value`); got != "2022-01-14/2022-01-20" {
		t.Errorf("the latest 7 days are %s", got)
	}
	screenshot(t, ctx, "17-entities-period")
}
