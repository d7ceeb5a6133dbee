package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
)

// E describes an entity for Enrich: Forms are the strings it appears as
// in the text (Name if empty).
type E struct {
	ID    string
	Name  string
	Type  pipeline.EntityType
	Forms []string
}

// Q describes a quote for Enrich: Text must occur in the article text.
type Q struct {
	Text    string
	Speaker E
	// Title is the speaker's role as the article gives it, if it does.
	Title string
}

// Enrich fills a's entities (every occurrence of every form becomes a
// mention, with exact byte offsets) and quotes, the way the enricher
// would, and marks it enriched at the given time.
func Enrich(a pipeline.Article, at time.Time, ents []E, quotes []Q) pipeline.Article {
	a.Schema = pipeline.SchemaVersion
	// Longest forms first, whole words only, never overlapping: "Sherman"
	// inside "Wendy Sherman" is one mention, not two.
	type form struct {
		text string
		ent  int
	}
	var forms []form
	for i, e := range ents {
		fs := e.Forms
		if len(fs) == 0 {
			fs = []string{e.Name}
		}
		for _, f := range fs {
			forms = append(forms, form{f, i})
		}
	}
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i].text) > len(forms[j].text) })
	taken := make([]bool, len(a.Text))
	mentions := make([][]pipeline.Mention, len(ents))
	for _, f := range forms {
		for off := 0; f.text != ""; {
			i := strings.Index(a.Text[off:], f.text)
			if i < 0 {
				break
			}
			start, end := off+i, off+i+len(f.text)
			off = end
			if !wordAt(a.Text, start, end) || slices.Contains(taken[start:end], true) {
				continue
			}
			for k := start; k < end; k++ {
				taken[k] = true
			}
			mentions[f.ent] = append(mentions[f.ent], pipeline.Mention{Start: start, End: end, Text: f.text})
		}
	}
	a.Entities = nil
	for i, e := range ents {
		ms := mentions[i]
		sort.Slice(ms, func(x, y int) bool { return ms[x].Start < ms[y].Start })
		a.Entities = append(a.Entities, pipeline.Entity{ID: e.ID, Name: e.Name, Type: e.Type, Mentions: ms,
			Count: len(ms), Salience: min(1, float64(len(ms))/5)})
	}
	a.Quotes = nil
	for _, q := range quotes {
		i := strings.Index(a.Text, q.Text)
		if i < 0 {
			panic(fmt.Sprintf("storetest: quote %q not in the text", q.Text))
		}
		a.Quotes = append(a.Quotes, pipeline.Quote{Text: q.Text, Speaker: q.Speaker.Name, SpeakerID: q.Speaker.ID,
			SpeakerTitle: q.Title, Start: i, End: i + len(q.Text)})
	}
	a.Stages = nil
	a.Mark(pipeline.StageCleaner, "test", at.Add(-time.Second))
	a.Mark(pipeline.StageEnricher, "test", at)
	return a
}

// wordAt reports whether text[start:end] is a whole word.
func wordAt(text string, start, end int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:start])
	after, _ := utf8.DecodeRuneInString(text[end:])
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return (start == 0 || !isWord(before)) && (end == len(text) || !isWord(after))
}

// Generator makes realistic enriched articles: a few hundred words of
// news prose naming people, organisations and places drawn with the skewed
// popularity of real news, with exact mention offsets, quotes, stories and
// sources. Like a real stream, article i is published around i/PerDay days
// after Start, give or take Jitter, so articles mostly arrive in time
// order but not exactly. Article(i) is a pure function of the seed and i,
// so generation can run in parallel.
type Generator struct {
	seed uint64
	// Start is when the stream starts.
	Start time.Time
	// PerDay is how many articles are published a day.
	PerDay int
	// Jitter is how far an article's publication time strays from its
	// place in the stream, either way.
	Jitter time.Duration
	ents   map[pipeline.EntityType][]E
}

// NewGenerator returns a Generator for seed.
func NewGenerator(seed uint64) *Generator {
	g := &Generator{
		seed:   seed,
		Start:  time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC),
		PerDay: 1000,
		Jitter: 12 * time.Hour,
		ents:   map[pipeline.EntityType][]E{},
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	seen := map[string]bool{}
	for len(g.ents[pipeline.Person]) < 2000 {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		name := first + " " + last
		if seen[name] {
			continue
		}
		seen[name] = true
		g.ents[pipeline.Person] = append(g.ents[pipeline.Person], E{
			ID: slug("per", name), Name: name, Type: pipeline.Person, Forms: []string{name, last},
		})
	}
	for _, o := range orgs {
		g.ents[pipeline.Organization] = append(g.ents[pipeline.Organization], E{ID: slug("org", o), Name: o, Type: pipeline.Organization})
	}
	for _, l := range places {
		g.ents[pipeline.Location] = append(g.ents[pipeline.Location], E{ID: slug("loc", l), Name: l, Type: pipeline.Location})
	}
	for _, m := range miscs {
		g.ents[pipeline.Misc] = append(g.ents[pipeline.Misc], E{ID: slug("misc", m), Name: m, Type: pipeline.Misc})
	}
	return g
}

func slug(prefix, name string) string {
	return prefix + ":" + strings.ToLower(strings.ReplaceAll(name, " ", "-"))
}

// Popular returns the i-th most frequent entity of type t (0 is the most).
func (g *Generator) Popular(t pipeline.EntityType, i int) E { return g.ents[t][i] }

// pick draws an entity with a Zipf-like skew: the first few are in many
// articles, most in few.
func (g *Generator) pick(r *rand.Rand, t pipeline.EntityType) E {
	list := g.ents[t]
	// Inverse-transform sampling of a power law over ranks.
	u := r.Float64()
	i := int(float64(len(list)) * u * u * u)
	return list[min(i, len(list)-1)]
}

// Article returns the i-th generated article.
func (g *Generator) Article(i int) pipeline.Article {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)+1))
	pub := g.Start.Add(time.Duration(i) * 24 * time.Hour / time.Duration(max(g.PerDay, 1)))
	if g.Jitter > 0 {
		pub = pub.Add(time.Duration(r.Int64N(int64(2*g.Jitter))) - g.Jitter)
	}
	pub = pub.Truncate(time.Second)
	src := sources[int(float64(len(sources))*r.Float64()*r.Float64())]

	// The cast of the article: its people, organisations and places.
	var cast []E
	castIDs := map[string]bool{}
	add := func(t pipeline.EntityType, n int) {
		for k := 0; k < n; k++ {
			e := g.pick(r, t)
			if !castIDs[e.ID] {
				castIDs[e.ID] = true
				cast = append(cast, e)
			}
		}
	}
	add(pipeline.Person, 2+r.IntN(4))
	add(pipeline.Organization, 1+r.IntN(3))
	add(pipeline.Location, 1+r.IntN(3))
	add(pipeline.Misc, r.IntN(2))
	byType := func(t pipeline.EntityType) []E {
		var out []E
		for _, e := range cast {
			if e.Type == t {
				out = append(out, e)
			}
		}
		return out
	}
	people, orgsIn, placesIn, miscIn := byType(pipeline.Person), byType(pipeline.Organization), byType(pipeline.Location), byType(pipeline.Misc)
	if len(miscIn) == 0 {
		miscIn = []E{g.pick(r, pipeline.Misc)}
		cast = append(cast, miscIn[0])
	}

	var (
		text   strings.Builder
		quotes []Q
	)
	fill := func(tmpl string, firstMention bool) string {
		var b strings.Builder
		for {
			i := strings.IndexByte(tmpl, '{')
			if i < 0 {
				b.WriteString(tmpl)
				return b.String()
			}
			b.WriteString(tmpl[:i])
			slot := tmpl[i+1 : i+2]
			tmpl = tmpl[i+3:]
			var e E
			switch slot {
			case "P":
				e = people[r.IntN(len(people))]
			case "O":
				e = orgsIn[r.IntN(len(orgsIn))]
			case "L":
				e = placesIn[r.IntN(len(placesIn))]
			case "M":
				e = miscIn[r.IntN(len(miscIn))]
			}
			name := e.Name
			if e.Type == pipeline.Person && !firstMention && r.IntN(2) == 0 {
				name = e.Forms[1]
			}
			b.WriteString(name)
		}
	}
	title := fill(titles[r.IntN(len(titles))], true)
	paragraphs := 5 + r.IntN(5)
	for p := 0; p < paragraphs; p++ {
		if p > 0 {
			text.WriteString("\n\n")
		}
		sentences := 2 + r.IntN(3)
		for s := 0; s < sentences; s++ {
			if s > 0 {
				text.WriteByte(' ')
			}
			if r.IntN(6) == 0 {
				speaker := people[r.IntN(len(people))]
				q := fill(quoteBodies[r.IntN(len(quoteBodies))], false)
				text.WriteString(`"` + q + `," said ` + speaker.Name + ".")
				quotes = append(quotes, Q{Text: q, Speaker: speaker})
				continue
			}
			text.WriteString(fill(sentencesT[r.IntN(len(sentencesT))], p == 0 && s == 0))
		}
	}
	a := pipeline.Article{
		Schema:      pipeline.SchemaVersion,
		URL:         fmt.Sprintf("https://%s/world/%d/%s-%d", src, pub.Year(), strings.ToLower(strings.ReplaceAll(miscIn[0].Name, " ", "-")), i),
		Source:      src,
		SiteName:    src,
		Lang:        "en",
		Title:       title,
		Text:        text.String(),
		PublishedAt: &pub,
		Authors:     []string{firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]},
		Keywords:    []pipeline.Keyword{{Text: strings.ToLower(miscIn[0].Name), Score: 0.8}},
	}
	fetched := pub.Add(time.Duration(r.IntN(600)) * time.Second)
	a.FetchedAt = &fetched
	a.ID = pipeline.ArticleID(a.URL, "")
	// Three articles in four belong to a story: the coverage of one topic
	// in one week.
	if r.IntN(4) > 0 {
		y, w := pub.ISOWeek()
		a.StoryID = fmt.Sprintf("%s-%d-w%02d", slug("story", miscIn[0].Name), y, w)
	}
	// Quotes whose text repeats an earlier sentence are still found at
	// their own place, as the enricher would: search from the last end.
	enriched := Enrich(a, fetched.Add(time.Minute), cast, nil)
	off := 0
	for _, q := range quotes {
		i := strings.Index(enriched.Text[off:], `"`+q.Text+`,"`)
		if i < 0 {
			continue
		}
		start := off + i + 1
		enriched.Quotes = append(enriched.Quotes, pipeline.Quote{Text: q.Text, Speaker: q.Speaker.Name,
			SpeakerID: q.Speaker.ID, Start: start, End: start + len(q.Text)})
		off = start + len(q.Text)
	}
	// A person mentioned by surname only is still the same entity; drop
	// cast members the text never mentions.
	kept := enriched.Entities[:0]
	for _, e := range enriched.Entities {
		if len(e.Mentions) > 0 {
			kept = append(kept, e)
		}
	}
	enriched.Entities = kept
	return enriched
}

var titles = []string{
	"{P} meets {P} in {L} as talks on {M} stall",
	"{O} warns of {M} fallout after {L} vote",
	"{L} braces for {M} as {O} weighs response",
	"{P} says {O} will not back down over {M}",
	"Inside the {O} deal that reshaped {L}",
	"{P} and {O} clash over {M} in {L}",
	"{O} shares slide as {P} signals {M} delay",
	"What {M} means for {L}, according to {P}",
}

var sentencesT = []string{
	"{P} arrived in {L} on Tuesday for talks with officials from {O}, the first such visit in more than two years.",
	"Negotiators from {O} said they were neither optimistic nor pessimistic about the outcome in {L}.",
	"The meeting in {L} was expected to focus on {M}, which has divided members of {O} for months.",
	"Analysts said the decision by {O} could ripple through markets in {L} and beyond.",
	"{P} told reporters that the proposal put forward by {O} was a starting point rather than a final offer.",
	"Officials in {L} declined to comment on the talks, citing the sensitivity of the discussions.",
	"The dispute over {M} has strained relations between {L} and its neighbours.",
	"According to a statement from {O}, the two sides agreed to meet again next week in {L}.",
	"Critics of {P} argued that the approach risked undermining years of work on {M}.",
	"Diplomats said the atmosphere was businesslike, if at times tense, as the sessions in {L} ran late into the evening.",
	"The latest figures published by {O} showed a sharp rise in costs linked to {M}.",
	"{P}, who has led the talks since the spring, said progress would take time.",
	"Residents of {L} have watched the negotiations closely, with many fearing the consequences of failure.",
	"A spokesperson for {O} said the organisation remained committed to a peaceful resolution.",
	"The delegation from {L} included senior figures from {O} and advisers to {P}.",
	"Observers noted that {P} and {P} had not met in person since the summit on {M}.",
	"Markets in {L} closed lower after the announcement, with shares in {O} falling more than three percent.",
	"The agreement, if reached, would be the most significant on {M} in a decade.",
}

var quoteBodies = []string{
	"We are not going to negotiate under pressure from {O}",
	"The ball is now in their court, and we expect a written answer",
	"There is a real possibility of progress on {M} if both sides show restraint",
	"Nobody in {L} wants to see this dispute escalate any further",
	"We have made our position on {M} very clear to {O}",
	"This is a serious moment for {L}, and it calls for serious decisions",
	"I would describe the talks as difficult but useful",
	"The people of {L} deserve better than more delay",
}

var firstNames = []string{
	"Wendy", "Sergei", "Antony", "Jens", "Olaf", "Emmanuel", "Ursula", "Dmitry", "Maria", "Kamala",
	"Boris", "Liz", "Mario", "Pedro", "Mette", "Sanna", "Volodymyr", "Recep", "Jacinda", "Justin",
	"Fumio", "Narendra", "Xi", "Cyril", "Luiz", "Andrzej", "Viktor", "Kaja", "Gabrielius", "Alexander",
	"Ana", "Tomas", "Elena", "Pierre", "Giorgia", "Annalena", "Rishi", "Mark", "Karl", "Ngozi",
	"Kristalina", "Christine", "Janet", "Jerome", "Andrew", "Fiona", "Hassan", "Leila", "Yuki", "Chen",
}

var lastNames = []string{
	"Sherman", "Ryabkov", "Blinken", "Stoltenberg", "Scholz", "Macron", "von der Leyen", "Peskov", "Zakharova",
	"Harris", "Johnson", "Truss", "Draghi", "Sanchez", "Frederiksen", "Marin", "Zelensky", "Erdogan", "Ardern",
	"Trudeau", "Kishida", "Modi", "Ramaphosa", "da Silva", "Duda", "Orban", "Kallas", "Landsbergis", "Stubb",
	"Novak", "Petrova", "Dubois", "Meloni", "Baerbock", "Sunak", "Rutte", "Nehammer", "Okonjo-Iweala", "Georgieva",
	"Lagarde", "Yellen", "Powell", "Bailey", "Hill", "Rouhani", "Haddad", "Tanaka", "Wei", "Lindqvist", "Moreau",
	"Fischer", "Kowalski", "Horvath", "Jensen", "Silva", "Rossi", "Novotny", "Ivanova", "Schmidt", "Costa",
}

var orgs = []string{
	"Nato", "European Union", "United Nations", "Kremlin", "White House", "State Department", "OSCE",
	"European Commission", "IMF", "World Bank", "WTO", "Bundestag", "European Central Bank", "Federal Reserve",
	"Bank of England", "Gazprom", "Reuters", "Red Cross", "UNHCR", "World Health Organization", "G7", "G20",
	"African Union", "Asean", "OPEC", "Pentagon", "Foreign Office", "Security Council", "Council of Europe",
	"European Parliament", "Siemens", "Shell", "BP", "Airbus", "Boeing", "Microsoft", "Google", "Apple",
	"Amazon", "Tesla", "Toyota", "Volkswagen", "Nestle", "HSBC", "Deutsche Bank", "Goldman Sachs",
	"Amnesty International", "Human Rights Watch", "Greenpeace", "Doctors Without Borders",
}

var places = []string{
	"Geneva", "Brussels", "Moscow", "Washington", "Kyiv", "Berlin", "Paris", "London", "Vienna", "Warsaw",
	"Ukraine", "Russia", "United States", "Germany", "France", "Poland", "Belarus", "Lithuania", "Estonia",
	"Latvia", "Finland", "Sweden", "Turkey", "China", "Japan", "India", "Brazil", "South Africa", "Canada",
	"Australia", "Italy", "Spain", "Rome", "Madrid", "Tokyo", "Beijing", "New Delhi", "Ottawa", "Canberra",
	"Helsinki", "Stockholm", "Ankara", "Istanbul", "Minsk", "Vilnius", "Tallinn", "Riga", "Crimea", "Donbas",
	"Black Sea", "Baltic Sea", "Europe", "Asia", "Africa", "Middle East", "Tehran", "Cairo", "Nairobi", "Lagos",
}

var miscs = []string{
	"Minsk agreements", "New START", "Nord Stream 2", "Covid-19", "Brexit", "Paris Agreement", "Olympics",
	"World Cup", "Christmas", "Ramadan", "Euro", "Iran nuclear deal", "Cold War", "Russian", "Ukrainian",
	"American", "European", "Chinese", "German", "French",
}

var sources = []string{
	"reuters.com", "apnews.com", "bbc.co.uk", "theguardian.com", "nytimes.com", "washingtonpost.com",
	"aljazeera.com", "dw.com", "france24.com", "ft.com", "economist.com", "politico.eu", "euronews.com",
	"npr.org", "cnn.com", "bloomberg.com", "lemonde.fr", "spiegel.de", "kyivindependent.com", "japantimes.co.jp",
}
