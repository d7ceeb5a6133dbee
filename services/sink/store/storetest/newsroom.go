package storetest

import (
	"time"

	"github.com/newsflow/newsflow/pipeline"
)

// Entities of the Newsroom fixture.
var (
	Sherman = E{ID: "per:wendy-sherman", Name: "Wendy Sherman", Type: pipeline.Person, Forms: []string{"Wendy Sherman", "Sherman"}}
	Ryabkov = E{ID: "per:sergei-ryabkov", Name: "Sergei Ryabkov", Type: pipeline.Person, Forms: []string{"Sergei Ryabkov", "Sergei Rybakov", "Ryabkov", "Rybakov"}}
	Geneva  = E{ID: "loc:geneva", Name: "Geneva", Type: pipeline.Location}
	Russia  = E{ID: "loc:russia", Name: "Russia", Type: pipeline.Location}
	Nato    = E{ID: "org:nato", Name: "Nato", Type: pipeline.Organization}
	OSCE    = E{ID: "org:osce", Name: "OSCE", Type: pipeline.Organization}
	Vienna  = E{ID: "loc:vienna", Name: "Vienna", Type: pipeline.Location}
	Germany = E{ID: "loc:germany", Name: "Germany", Type: pipeline.Location}
	ECB     = E{ID: "org:ecb", Name: "European Central Bank", Type: pipeline.Organization}
)

// Day is 09:30 UTC on the d-th of January 2022, the fixture's month.
func Day(d int) time.Time { return time.Date(2022, 1, d, 9, 30, 0, 0, time.UTC) }

// Newsroom returns four enriched articles to test queries against: a1 and
// a2 on the Geneva talks (story geneva-talks; a2 spells Ryabkov as
// Rybakov, one entity under two names), a3 on the OSCE in Vienna (story
// osce), a4 on inflation in Germany, published on January 10, 12, 13 and
// 20.
func Newsroom() []pipeline.Article {
	mk := func(id, src, story string, pub time.Time, title, text string, ents []E, quotes []Q) pipeline.Article {
		a := pipeline.Article{ID: id, URL: "https://" + src + "/" + id, Source: src, Title: title, Text: text,
			PublishedAt: &pub, StoryID: story, Lang: "en"}
		return Enrich(a, pub.Add(time.Hour), ents, quotes)
	}
	return []pipeline.Article{
		mk("a1", "reuters.com", "geneva-talks", Day(10), "Sherman and Ryabkov meet in Geneva",
			"US Deputy Secretary of State Wendy Sherman met Russian Deputy Foreign Minister Sergei Ryabkov in Geneva on Monday.\n\n"+
				`"The talks were difficult, but very professional," Ryabkov told reporters. Sherman said the negotiations would continue.`,
			[]E{Sherman, Ryabkov, Geneva},
			[]Q{{Text: "The talks were difficult, but very professional", Speaker: Ryabkov}}),
		mk("a2", "bbc.co.uk", "geneva-talks", Day(12), "Nato and Russia begin tense negotiations",
			"Nato and Russia began tense negotiations on Wednesday after Sergei Rybakov and Wendy Sherman met in Geneva.\n\n"+
				`Russia wants guarantees. "We need legally binding guarantees," Rybakov said.`,
			[]E{Nato, Russia, Ryabkov, Sherman, Geneva},
			[]Q{{Text: "We need legally binding guarantees", Speaker: Ryabkov, Title: "Russian deputy foreign minister"}}),
		mk("a3", "reuters.com", "osce", Day(13), "OSCE meets in Vienna",
			"The OSCE met in Vienna on Thursday, the third round of talks on European security this week. Russia sent a delegation.",
			[]E{OSCE, Vienna, Russia}, nil),
		mk("a4", "dw.com", "", Day(20), "Inflation rises in Germany",
			"Consumer prices in Germany rose again, putting pressure on the European Central Bank to act.",
			[]E{Germany, ECB}, nil),
	}
}

// Copy returns a copy of the enriched article a as the enricher marks one
// fetched again elsewhere: another id, URL and source, the same text,
// story and entities, and duplicate_of naming a. It is marked enriched
// at.
func Copy(a pipeline.Article, id, source string, at time.Time) pipeline.Article {
	c := a
	c.ID, c.URL, c.Source, c.SiteName = id, "https://"+source+"/"+id, source, ""
	c.DuplicateOf = a.ID
	c.Stages = nil
	c.Mark(pipeline.StageCleaner, "test", at.Add(-time.Second))
	c.Mark(pipeline.StageEnricher, "test", at)
	return c
}
