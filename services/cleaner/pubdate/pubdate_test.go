package pubdate

import (
	"testing"
	"time"
)

func init() {
	now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339 in UTC, "" for no date
		prec Precision
	}{
		{"2022-01-11T19:51:00Z", "2022-01-11T19:51:00Z", Second},
		{"2022-01-11T19:51:00+01:00", "2022-01-11T18:51:00Z", Second},
		{"2022-01-11T19:51:00.123+0000", "2022-01-11T19:51:00Z", Second},
		{"2022-01-11T19:51Z", "2022-01-11T19:51:00Z", Minute},
		{"2022-01-11 19:51", "2022-01-11T19:51:00Z", Minute},
		{"2022-01-11", "2022-01-11T00:00:00Z", Day},
		{"2022/01/11", "2022-01-11T00:00:00Z", Day},
		{"Tuesday 11 January 2022 19:51 GMT", "2022-01-11T19:51:00Z", Minute},
		{"Tue, 11 Jan 2022 19:51:00 +0000", "2022-01-11T19:51:00Z", Second},
		{"Tue, 11 Jan 2022 19:51:00 GMT", "2022-01-11T19:51:00Z", Second},
		{"January 11, 2022", "2022-01-11T00:00:00Z", Day},
		{"Jan. 11, 2022, 7:51 p.m. EST", "2022-01-12T00:51:00Z", Minute},
		{"Nov 19, 2019 10:43 AM", "2019-11-19T10:43:00Z", Minute},
		{"10:43, Tue, Nov 19, 2019", "2019-11-19T10:43:00Z", Minute},
		{"19 November 2019, 09:01 AM", "2019-11-19T09:01:00Z", Minute},
		{"Tuesday, November 19, 2019 08:38 AM", "2019-11-19T08:38:00Z", Minute},
		{"19.11.2019", "2019-11-19T00:00:00Z", Day},
		{"19.11.2019, 09:01 Uhr", "2019-11-19T09:01:00Z", Minute},
		{"Dienstag, 11. Januar 2022 um 19:51 Uhr", "2022-01-11T19:51:00Z", Minute},
		{"11 de enero de 2022", "2022-01-11T00:00:00Z", Day},
		{"mardi 11 janvier 2022 à 19:51", "2022-01-11T19:51:00Z", Minute},
		{"13/01/2022", "2022-01-13T00:00:00Z", Day},
		{"01/13/2022", "2022-01-13T00:00:00Z", Day},
		{"12:00 pm GMT+1 January 3, 2022", "", None}, // time zone before the date: not a form we read
		{"01/02/2022", "", None},                     // ambiguous
		{"31 February 2022", "", None},
		{"January 2022", "", None},
		{"1889-01-01", "", None}, // implausibly old
		{"2031-01-01", "", None}, // in the future
		{"11 January 2022 Kim Sengupta", "", None},
		{"Nato and Russia", "", None},
		{"", "", None},
	} {
		d, ok := Parse(tc.in)
		got := ""
		if ok {
			got = d.Time.Format(time.RFC3339)
		}
		if got != tc.want || (ok && d.Precision != tc.prec) {
			t.Errorf("Parse(%q) = %q (prec %d, ok %v), want %q (prec %d)", tc.in, got, d.Precision, ok, tc.want, tc.prec)
		}
	}
}

func TestFind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"UPDATED: 11:05, Tue, Nov 19, 2019", "2019-11-19T11:05:00Z"},
		{"By Jane Doe | Published March 3, 2021", "2021-03-03T00:00:00Z"},
		{"기사입력 :[ 2018-09-28 17:32 ]", "2018-09-28T17:32:00Z"},
		{"Posted on 2020-05-19T10:00:00-04:00 in News", "2020-05-19T14:00:00Z"},
		{"No date in this line at all, only 2019 people.", ""},
	} {
		d, ok := Find(tc.in)
		got := ""
		if ok {
			got = d.Time.Format(time.RFC3339)
		}
		if got != tc.want {
			t.Errorf("Find(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Tuesday 11 January 2022 19:51 GMT", "2022-01-11T19:51:00Z", "19.11.2019, 09:01 Uhr", "10:43, Tue, Nov 19, 2019"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := Parse(s); ok && d.Time.Location() != time.UTC {
			t.Fatalf("Parse(%q) not in UTC", s)
		}
		Find(s)
	})
}
