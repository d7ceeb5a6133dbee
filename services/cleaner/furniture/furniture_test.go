package furniture

import "testing"

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ctx  Context
		want Kind
	}{
		// Labels, in several languages and decorations.
		{"Advertisement", InArticle, Label},
		{"ADVERTISEMENT", InArticle, Label},
		{"— Anzeige —", InArticle, Label},
		{"Share this article:", InArticle, Label},
		{"You may also like:", InArticle, CrossLink},
		{"Continue reading the main story", InArticle, Label},
		{"open image in gallery", Scraped, Label},
		{"Publicidad", InArticle, Label},
		// Cross-links: a label, then a headline.
		{"Read more: Why the talks failed", InArticle, CrossLink},
		{"Read more Russia rules out concessions to US in talks on Ukraine", Scraped, CrossLink},
		{"(Leggi anche: I Cavalieri dello Zodiaco, ecco gli attori)", InArticle, CrossLink},
		{"Lesen Sie auch: Stau auf der A14 nach Unfall", InArticle, CrossLink},
		// A glued label before a real sentence is not a cross-link.
		{"Read more The first round of talks in a crucial week for what will unfold in Ukraine ended without a breakthrough on the key issues.", Scraped, Text},
		// Prompts: reader or site address with site actions.
		{"Sign up for our newsletter to get the best stories in your inbox.", InArticle, Prompt},
		{"Thank you for registering", Scraped, Prompt},
		{"Please refresh the page or navigate to another page on the site to be automatically logged in", Scraped, Prompt},
		{"Join our commenting forum", Scraped, Prompt},
		{"Stay up to date with notifications from The Independent Notifications can be managed in browser preferences.", Scraped, Prompt},
		{"We rely on readers like you to fund our journalism. Your donation keeps our reporting free for everyone.", Scraped, Prompt},
		{"Bitte unterstützen Sie unsere Arbeit mit einer Spende.", InArticle, Prompt},
		// Legal, datelines, credits.
		{"© 2021 Daily Herald Media. All rights reserved.", InArticle, Legal},
		{"Copyright 2019 Hawaii News Now.", InArticle, Legal},
		{"UPDATED: 10:43, Tue, Nov 19, 2019", InArticle, Dateline},
		{"Reading time: 4 min", InArticle, Dateline},
		{"Sakib Ali/Hindustan Times/Getty Images", InArticle, Credit},
		{"Plague can be easily vaccinated (Image: GETTY)", InArticle, Credit},
		{"Photo: Reuters", InArticle, Credit},
		// Writing stays writing, even about newsletters, cookies, donations.
		{"The council said it would publish a newsletter for residents every month.", InArticle, Text},
		{"Google said it would phase out third-party cookies in its Chrome browser by 2024.", InArticle, Text},
		{"“Sign up and support us,” the campaign's leader told supporters at the rally.", InArticle, Text},
		{"Our goal with hosting quarterly open threads is to give blog readers an opportunity to publicly raise comments or questions about our work and related topics in the comments section below, and to get answers from our research staff.", InArticle, Text},
		{"More than 100,000 troops have gathered on the border.", InArticle, Text},
		{"Related coverage of the summit continues tomorrow on page four of the print edition, the editor said.", InArticle, Text},
		{"", InArticle, Text},
	} {
		if got := Classify(tc.in, tc.ctx); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestStripLead(t *testing.T) {
	for in, want := range map[string]string{
		"Read more The first round of talks in a crucial week for what will unfold in Ukraine ended with Russian and American diplomats discussing their differences.": "The first round of talks in a crucial week for what will unfold in Ukraine ended with Russian and American diplomats discussing their differences.",
		"Read more Russia rules out concessions to US in talks on Ukraine":                                                                                             "Read more Russia rules out concessions to US in talks on Ukraine",
		"The talks ended.": "The talks ended.",
	} {
		if got := StripLead(in); got != want {
			t.Errorf("StripLead(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLabels(t *testing.T) {
	for in, want := range map[string]bool{
		"Not now Yes please":          true,
		"Share Tweet Email":           true,
		"Share this article Comments": true,
		"Not now, said the minister":  false,
		"":                            false,
	} {
		if got := Labels(in); got != want {
			t.Errorf("Labels(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("Read more: x")
	f.Add("Not now Yes please")
	f.Fuzz(func(t *testing.T, s string) {
		Classify(s, Scraped)
		Classify(s, InArticle)
		StripLead(s)
		Labels(s)
	})
}

func TestCredits(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
	}{
		{"China has warned they will cease control of Hong Kong after months of protests (Image: GETTY )", Credit},
		{"The first global geologic map of Titan. (NASA/JPL-Caltech/ASU)", Credit},
		{"The road to retiring early isn't easy.Kathrin Ziegler/Getty", Credit},
		{"The WeWork logo is displayed outside of a co-working space in New York.Reuters", Credit},
		{"Keith Bradsher contributed reporting from Hong Kong.", Credit},
		{"Reporting by Rodrigo Campos; additional reporting by Stephanie Kelly", Credit},
		{"© John Brecher Needle poking skin during administration of flu shot at a health centre in Washington", Credit},
		{"PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019", Dateline},
		{"1 of 6", Label},
		{"paul.takahashi@chron.com", Label},
		{"twitter.com/paultakahashi", Label},
		// Not credits: a parenthesis in a sentence, an embedded tweet's
		// attribution, an event's date.
		{"The talks were held by the OSCE (Organisation for Security and Cooperation in Europe) in Vienna.", Text},
		{"— Digital Foundry (@digitalfoundry) November 18, 2019", Text},
		{"Termin: 29.02.2020, 19 Uhr", Text},
		{"Officials said the plan was reported by local media on Monday.", Text},
	} {
		if got := Classify(tc.in, InArticle); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestStamps(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
	}{
		{"23.10.2018", Dateline},
		{"19:49", Dateline},
		{"4 Min Read", Label},
		{"3 Min. Lesezeit", Label},
		{"AFP / MARCO BERTORELLO", Credit},
		{"iStock.com", Credit},
		{"Das Thema könnte dich auch interessieren", CrossLink},
		{"Inhaltsverzeichnis", Label},
		{"The meeting is at 19:49 on the 23rd.", Text},
	} {
		if got := Classify(tc.in, InArticle); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestMoreFurniture(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
	}{
		{"Rezept drucken Bei Pinterest speichern", Text}, // Labels, not Classify, takes rows of buttons
		{"Schon gelesen?", Label},
		{"Das Hermelin ist im Winter mit seinem weißen Fell gut getarnt. (mlharing / iStock.com)", Credit},
		{"24. März 2004, 19:49 | Genesis", Dateline},
		{"Publiziert: 03.04.2020, 12:35", Dateline},
		{"Jede kleine Spende hilft den notleidenden Menschen dieser Welt!", Prompt},
		{"Titelbild: Geyres Christophe/ABACA/picture-alliance", Credit},
		{"Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO", Credit},
		{"Zachęcamy do regularnych odwiedzin naszej strony. Informujemy, że korzystamy z cookies.", Prompt},
		{"Die Spende des Unternehmens kam nach Angaben der Stadt zu spät.", Text}, // a donation reported, not asked for
	} {
		if got := Classify(tc.in, InArticle); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if !Labels("Rezept drucken Bei Pinterest speichern") {
		t.Error("a row of buttons is labels")
	}
}
