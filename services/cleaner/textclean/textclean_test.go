package textclean

import (
	"strings"
	"testing"
	"time"
)

func clean(t *testing.T, in string) Result {
	t.Helper()
	r, err := Clean(in, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// Scraped pages of invented sites, each with its own furniture: the rules
// are general, not the seed's strings.
func TestScrapedPages(t *testing.T) {
	for _, tc := range []struct {
		name      string
		page      string
		title     string
		authors   string
		published string
		keep      []string
		drop      []string
	}{{
		name: "daily herald",
		page: `body{margin:0}.hdr{display:flex;gap:4px}.nav a{color:#333;text-decoration:none}@media(min-width:600px){.hdr{gap:8px}}
We use cookies to improve your experience on our site. By continuing you accept our cookie policy.
Accept all
Politics UK City council approves new cycle lanes after two years of debate Critics say the plan ignores traffic on the ring road
By Maria Jones
Published 3 March 2021, 10:15 CET
Share Tweet Email
The city council voted on Tuesday to approve a network of protected cycle lanes, ending a debate that has divided residents for two years.
Sign up to our morning briefing newsletter and get the day's top stories in your inbox.
Supporters said the lanes would make the centre safer for children cycling to school. Opponents warned that shops on the high street would lose trade.
Read more: Council budget cuts hit libraries
The first lanes will open in the autumn, the council said.
Leave a comment
© 2021 Daily Herald Media. All rights reserved.`,
		title:     "City council approves new cycle lanes after two years of debate",
		authors:   "Maria Jones",
		published: "2021-03-03T09:15:00Z",
		keep: []string{
			"Critics say the plan ignores traffic on the ring road",
			"The city council voted on Tuesday to approve a network of protected cycle lanes, ending a debate that has divided residents for two years.",
			"Opponents warned that shops on the high street would lose trade.",
			"The first lanes will open in the autumn, the council said.",
		},
		drop: []string{"margin", "cookies", "Accept all", "Share", "newsletter", "Council budget cuts", "Leave a comment", "All rights reserved", "Politics UK", "By Maria"},
	}, {
		name: "german regional paper",
		page: `Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis bieten zu können. Bitte akzeptieren Sie die Cookies.
Lokales Neue Brücke über die Elbe wird im Sommer eröffnet Die Bauarbeiten liegen im Zeitplan
Von Anna Schmidt
19.11.2019, 09:01 Uhr
Teilen
Die neue Brücke über die Elbe soll im Juli für den Verkehr freigegeben werden, teilte die Stadtverwaltung am Montag mit.
Lesen Sie auch: Stau auf der A14 nach Unfall
Nach Angaben der Stadt kostet das Bauwerk rund 40 Millionen Euro. Der Bund übernimmt einen großen Teil der Kosten.
Kommentare`,
		title:     "Neue Brücke über die Elbe wird im Sommer eröffnet",
		authors:   "Anna Schmidt",
		published: "2019-11-19T09:01:00Z",
		keep: []string{
			"Die Bauarbeiten liegen im Zeitplan",
			"Die neue Brücke über die Elbe soll im Juli für den Verkehr freigegeben werden, teilte die Stadtverwaltung am Montag mit.",
			"Der Bund übernimmt einen großen Teil der Kosten.",
		},
		drop: []string{"Cookies", "Teilen", "Stau auf der A14", "Kommentare", "Lokales"},
	}, {
		name: "appeal glued to the first paragraph",
		page: `Tech Chipmakers race to build factories in Europe
Sam Lee Technology Correspondent
Monday 6 June 2022 08:00 BST
We rely on readers like you to fund our journalism. Your donation keeps our reporting free for everyone. Read more The race to build chip factories in Europe intensified this week as two manufacturers announced new plants in Germany and Italy.
Analysts said the projects would take at least four years to reach full production.
Thank you for registering Please refresh the page to be logged in`,
		title:     "Chipmakers race to build factories in Europe",
		authors:   "Sam Lee",
		published: "2022-06-06T07:00:00Z",
		keep: []string{
			"The race to build chip factories in Europe intensified this week as two manufacturers announced new plants in Germany and Italy.",
			"Analysts said the projects would take at least four years to reach full production.",
		},
		drop: []string{"donation", "readers like you", "Read more", "registering", "Correspondent"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			r := clean(t, tc.page)
			if r.Title != tc.title || strings.Join(r.Authors, "; ") != tc.authors {
				t.Errorf("title %q authors %q", r.Title, r.Authors)
			}
			if got := r.Published.Time.Format(time.RFC3339); r.Published.IsZero() || got != tc.published {
				t.Errorf("published %q, want %q", got, tc.published)
			}
			text := squash(r.Text)
			for _, s := range tc.keep {
				if !strings.Contains(text, s) {
					t.Errorf("lost %q in:\n%s", s, r.Text)
				}
			}
			for _, s := range tc.drop {
				if strings.Contains(text, s) {
					t.Errorf("kept %q in:\n%s", s, r.Text)
				}
			}
		})
	}
}

// Clean text keeps every sentence, including ones that mention cookies,
// newsletters and donations in the course of reporting.
func TestCleanTextUntouched(t *testing.T) {
	in := `The council said on Monday that it would publish a newsletter for residents every month.

“We will not allow anyone to slam the door shut,” Ms Smith said.

Google said it would phase out third-party cookies in its Chrome browser by 2024.

A charity that relies on donations said demand for food parcels had doubled.

Readers wrote in their thousands after the first report; the paper printed some of the letters.`
	r := clean(t, in)
	if r.Text != in {
		t.Errorf("clean text changed:\n%s", r.Text)
	}
	if r.Title != "" || len(r.Authors) != 0 || !r.Published.IsZero() {
		t.Errorf("found a header in plain text: %+v", r)
	}
}

func TestWhitespace(t *testing.T) {
	in := "  First  paragraph\twith   spaces.\u00a0Second sentence.  \r\n\r\n\r\n\r\nSecond\u200b paragraph here.\n"
	want := "First paragraph with spaces. Second sentence.\n\nSecond paragraph here."
	if r := clean(t, in); r.Text != want {
		t.Errorf("got %q, want %q", r.Text, want)
	}
}

func TestHardWrappedText(t *testing.T) {
	in := `The committee met on Thursday to consider the proposal, which would
allow the regional government to borrow more money for new hospitals
and schools over the next ten years.

Members agreed to return to the question next month, after hearing
from the finance department about the likely cost of the borrowing.`
	want := "The committee met on Thursday to consider the proposal, which would allow the regional government to borrow more money for new hospitals and schools over the next ten years.\n\nMembers agreed to return to the question next month, after hearing from the finance department about the likely cost of the borrowing."
	if r := clean(t, in); r.Text != want {
		t.Errorf("got:\n%s", r.Text)
	}
}

func TestBudget(t *testing.T) {
	_, err := Clean(strings.Repeat("A line of text that goes on.\n", 10000), time.Now().Add(-time.Second))
	if err != ErrBudget {
		t.Fatalf("got %v, want ErrBudget", err)
	}
}
