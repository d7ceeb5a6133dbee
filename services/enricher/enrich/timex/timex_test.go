package timex_test

import (
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/enrich/timex"
	"github.com/newsflow/newsflow/services/enricher/enrich/tokens"
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
		for _, m := range timex.Find(tokens.Parse(tt.text), tt.pub) {
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

// TestFindForms covers each form the package reads, one real-style
// sentence or two each, in articles of a Wednesday in January (Q1) and
// one in November (Q4).
func TestFindForms(t *testing.T) {
	jan := time.Date(2022, 1, 12, 9, 0, 0, 0, time.UTC)
	nov := time.Date(2022, 11, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, text string
		pub        *time.Time
		want       string // "text=value[:kind]; ..."
	}{
		{"quarter", "Acme said profit rose 12% in the third quarter, helped by lower costs.", &nov,
			"the third quarter=2022-Q3"},
		{"quarter adjective", "Third-quarter sales fell 3%, while fourth-quarter orders are running ahead of plan.", &nov,
			"Third-quarter=2022-Q3; fourth-quarter=2022-Q4"},
		{"quarter ahead is last year's", "The fourth quarter was the strongest in the bank's history.", &jan,
			"The fourth quarter=2021-Q4"},
		{"quarter with year", "The plant opens in the first quarter of 2024, and this year's second quarter will be flat.", &jan,
			"the first quarter of 2024=2024-Q1; this year's second quarter=2022-Q2"},
		{"the quarter and year-ago", "Acme earned $4 million in the third quarter. Revenue in the quarter rose 8%, " +
			"while the year-ago quarter was hit by a strike. Margins were thinner than a year ago, and year-earlier results were restated.", &nov,
			"the third quarter=2022-Q3; the quarter=2022-Q3; the year-ago quarter=2021-Q3; a year ago=2021-Q3; year-earlier=2021-Q3"},
		{"latest quarter", "Shipments in the latest quarter beat forecasts.", &jan, "the latest quarter=2021-Q4"},
		{"halves", "Output dropped in the last half of 2020 and recovered in the first two quarters of 2021; " +
			"the first half of next year looks weaker.", &jan,
			"the last half of 2020=2020-H2; the first two quarters of 2021=2021-H1; the first half of next year=2023-H1"},
		{"seasons", "The mill closed last fall and will reopen this summer, its first season since the winter of 1994.", &jan,
			"last fall=2021-FA; this summer=2022-SU; the winter of 1994=1994-WI"},
		{"decades", "Inflation has not been this high since the 1970s, or the late 1980s in Britain; the nineties were calmer.", &jan,
			"the 1970s=197; the late 1980s=198; the nineties=199"},
		{"centuries", "It is the worst drought of the 21st century, and perhaps of this century's memory.", &jan,
			"the 21st century=20; this century=20"},
		{"present", "Prices are now higher than a year ago and are currently rising; right now nobody is buying.", &jan,
			"now=2022-01-12:present; a year ago=2021; currently=2022-01-12:present; right now=2022-01-12:present"},
		{"past and future", "The company recently cut jobs and expects to hire again in the near future.", &jan,
			"recently=../2022-01-12:past; the near future=2022-01-12/..:future"},
		{"a year earlier", "Sales rose 4% from a year earlier, the retailer said.", &jan, "a year earlier=2021"},
		{"year ranges", "Prices fell between 1994 and 1997 and again from 2008 to 2009, after his 1996 campaign.", &jan,
			"1994=1994; 1997=1997; 2008=2008; 2009=2009; 1996=1996"},
		{"last month", "The deal was agreed last December and signed last April.", &nov,
			"last December=2021-12; last April=2022-04"},
		{"month of last year", "Talks broke down in June last year and resumed in January this year.", &jan,
			"June last year=2021-06; January this year=2022-01"},
		{"bare month", "The deal closed in August and the audit ends in February.", &jan,
			"August=2021-08; February=2022-02"},
		{"modifiers", "Work began in early 1991 and ended at the end of 1990, late last week, " +
			"earlier this month and in the middle of October.", &nov,
			"early 1991=1991; the end of 1990=1990; late last week=2022-W43; earlier this month=2022-11; the middle of October=2022-10"},
		{"times of day", "Troops crossed at 10 p.m. Wednesday, after talks failed Friday night; the deadline is noon Saturday.", &jan,
			"10 p.m. Wednesday=2022-01-12T22:00; Friday night=2022-01-07TNI; noon Saturday=2022-01-08T12:00"},
		{"clock with zone and date", "The offer expires at 5 p.m. EST, Jan. 14, the company said. Trading resumed at 10:30 a.m.", &jan,
			"5 p.m. EST, Jan. 14=2022-01-14T17:00; 10:30 a.m=2022-01-12T10:30"},
		{"part of day", "Police arrived this morning, not last night or yesterday afternoon.", &jan,
			"this morning=2022-01-12TMO; last night=2022-01-11TNI; yesterday afternoon=2022-01-11TAF"},
		{"spoken year", "Atlanta, nineteen ninety-six: a bomb exploded in the park.", &jan, "nineteen ninety-six=1996"},
		{"weekday reported", "Albright met the minister on Tuesday, next to the embassy that was bombed Friday.", &jan,
			"Tuesday=2022-01-11; Friday=2022-01-07"},
		{"weekday announced", "The offer had been due to expire Friday; the board is scheduled to meet Monday.", &jan,
			"Friday=2022-01-07; Monday=2022-01-17"},
		{"no trailing period", "They last met in June. Rates rose in Sept.", &jan, "June=2021-06; Sept.=2021-09"},
		{"the year and the week", "For the year, volume was flat; for the week, the index fell 3.8%, and a hearing is set for the week of March 6.", &jan,
			"the year=2022; the week=2022-W02; the week of March 6=2022-W09"},
		{"year-end", "The sale should close by year-end, and the shares have doubled since year-end.", &nov,
			"year-end=2022-12-31; year-end=2021-12-31"},
		{"holidays", "Shops expect record sales on Thanksgiving Day; last Thanksgiving was quieter, as was Election Day.", &nov,
			"Thanksgiving Day=2022-11-24; last Thanksgiving=2021-11-25; Election Day=2022-11-08"},
		{"year with modifier", "Work resumed in mid-1996, a few years ago.", &jan, "mid-1996=1996; a few years ago=2019"},
		{"this quarter in a report", "Acme lost money in the third quarter. This quarter's loss includes a charge.", &nov,
			"the third quarter=2022-Q3; This quarter=2022-Q3"},
		{"durations", "The talks lasted three days, after a two-year freeze, and the plan runs for the first nine months; " +
			"he was 52 years old, it costs $2 million a year, and they met 13 days after the attack.", &jan,
			"three days=P3D:duration; two-year=P2Y:duration; the first nine months=P9M:duration"},
		{"sets", "The ferry sails every Monday and the council meets each month; prices are set daily.", &jan,
			"every Monday=R/2022-01-10/P1W:set; each month=R/P1M:set; daily=R/P1D:set"},
		{"programme name", `Baker said on "This Week With David Brinkley" that talks would go on.`, &jan, ""},
		{"name not month", "Martonyi of Hungary and Jan Kavan of the Czech Republic signed.", &jan, ""},
		{"fraction not quarter", "A quarter of the vote went to the Greens, a period of calm followed.", &jan, ""},
		{"no publication date", "Prices are now higher than in the third quarter, recently.", nil, ""},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range timex.Find(tokens.Parse(tt.text), tt.pub) {
			if tt.text[m.Start:m.End] != m.Text {
				t.Errorf("%s: span %d-%d is %q, text %q", tt.name, m.Start, m.End, tt.text[m.Start:m.End], m.Text)
			}
			s := m.Text + "=" + m.Value
			if m.Kind != "" {
				s += ":" + m.Kind
			}
			got = append(got, s)
		}
		if g := strings.Join(got, "; "); g != tt.want {
			t.Errorf("%s: Find(%q)\n got  %s\n want %s", tt.name, tt.text, g, tt.want)
		}
	}
}
