package dates_test

import (
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/dates"
	"github.com/newsflow/newsflow/services/enricher/enrich/doc"
)

func TestFind(t *testing.T) {
	wed := time.Date(2022, 1, 12, 15, 4, 0, 0, time.UTC) // a Wednesday
	mon := time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		text string
		pub  *time.Time
		want string // "text=value; ..."
	}{
		{"Talks began on Monday.", &wed, "Monday=2022-01-10"},
		{"They met on Wednesday.", &wed, "Wednesday=2022-01-12"},
		{"Talks will continue on Thursday.", &wed, "Thursday=2022-01-13"},
		{"The meeting began a week that will include talks on Wednesday and a summit on Thursday.", &mon,
			"Wednesday=2022-01-12; Thursday=2022-01-13"},
		{"Blinken said on Sunday that he did not expect progress.", &mon, "Sunday=2022-01-09"},
		{"Monday’s talks were tense.", &wed, "Monday=2022-01-10"},
		{"They meet next Monday, not last Monday or this Friday.", &wed,
			"next Monday=2022-01-17; last Monday=2022-01-10; this Friday=2022-01-14"},
		{"In this week’s talks and last week's, and next week.", &wed,
			"this week=2022-W02; last week=2022-W01; next week=2022-W03"},
		{"Russia said at the weekend that talks could end.", &mon, "the weekend=2022-01-08/2022-01-09"},
		{"It happened yesterday, not today or tomorrow.", &wed,
			"yesterday=2022-01-11; today=2022-01-12; tomorrow=2022-01-13"},
		{"Sales fell last year and last month.", &wed, "last year=2021; last month=2021-12"},
		{"The Cold War ended three decades ago, a decade ago and five days ago.", &wed,
			"three decades ago=1992; a decade ago=2012; five days ago=2022-01-07"},
		{"Russia is preparing an invasion eight years after seizing Crimea.", &mon, "eight years after=2014"},
		{"It was founded in 2002 and two years after 2014 it grew. Ten years later it split.", &wed,
			"2002=2002; two years after=2016; 2014=2014; Ten years later=2024"},
		{"Tuesday 11 January 2022 19:51 GMT", nil, "Tuesday 11 January 2022=2022-01-11"},
		{"On January 10, 2022 and on Jan. 12 and 2022-01-10.", &wed,
			"January 10, 2022=2022-01-10; Jan. 12=2022-01-12; 2022-01-10=2022-01-10"},
		{"By 28th December the plan was ready.", &wed, "28th December=2021-12-28"},
		{"Elections in May 2024 and in January, since 2019.", &wed, "May 2024=2024-05; January=2022-01; 2019=2019"},
		{"They may march on Monday.", nil, ""},
		{"On Monday, yesterday, this week, in January.", nil, ""},
		{"There were 2019 delegates and 30 February 2022 is no day.", &wed, "February 2022=2022-02"},
		{"100,000 troops and 30 alliance members.", &wed, ""},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range dates.Find(doc.Parse(tt.text), tt.pub) {
			if tt.text[m.Start:m.End] != m.Text {
				t.Errorf("%q: span %d-%d is %q, text %q", tt.text, m.Start, m.End, tt.text[m.Start:m.End], m.Text)
			}
			got = append(got, m.Text+"="+m.Value)
		}
		if g := strings.Join(got, "; "); g != tt.want {
			t.Errorf("Find(%q)\n got  %s\n want %s", tt.text, g, tt.want)
		}
	}
}

func TestDebug(t *testing.T) {
	pub := time.Date(1998, 2, 6, 0, 0, 0, 0, time.UTC)
	for _, m := range dates.Find(doc.Parse("WASHINGTON _ Following are statements made Friday and Thursday by Lawrence Wechsler, a lawyer. Sales rose in mid-November and in this year's third quarter."), &pub) {
		t.Logf("%q %s %s", m.Text, m.Value, m.Kind)
	}
}
