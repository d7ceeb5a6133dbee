package byline

import (
	"slices"
	"testing"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		site string
		want []string
	}{
		{[]string{"By Jane Doe and John Roe, Staff Writers"}, "", []string{"Jane Doe", "John Roe"}},
		{[]string{"Kim Sengupta World Affairs Editor"}, "", []string{"Kim Sengupta"}},
		{[]string{"TOM KRISHER, AP Auto Writer"}, "", []string{"Tom Krisher"}},
		{[]string{"Von Anna Schmidt und Peter Müller"}, "", []string{"Anna Schmidt", "Peter Müller"}},
		{[]string{"Maria de la Cruz"}, "", []string{"Maria de la Cruz"}},
		{[]string{"https://www.facebook.com/janedoe", "@janedoe", "jane@example.com"}, "", nil},
		{[]string{"Admin", "Unknown"}, "", nil},
		{[]string{"The Independent"}, "The Independent", nil},
		{[]string{"Jane Doe", "jane doe"}, "", []string{"Jane Doe"}},
		{[]string{"By Jane Doe | Published March 3, 2021"}, "", []string{"Jane Doe"}},
		{[]string{"this is not a name at all, really"}, "", nil},
	} {
		if got := Names(tc.in, tc.site); !slices.Equal(got, tc.want) {
			t.Errorf("Names(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
