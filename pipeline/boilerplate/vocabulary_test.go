package boilerplate

import (
	"strings"
	"testing"
)

// The narrower lists are chosen from the wider ones, not written beside
// them: a word dropped from the vocabulary is dropped for both stages.
func TestNarrowListsAreSubsets(t *testing.T) {
	for _, tc := range []struct {
		name          string
		narrow, wider []string
	}{
		{"InlineLabels in Labels", InlineLabels, Labels},
		{"LeadLabels in Labels and CrossLinkLeads", LeadLabels, append(append([]string(nil), Labels...), CrossLinkLeads...)},
	} {
		wider := Set(tc.wider)
		for _, w := range tc.narrow {
			if !wider[w] && w != "more on this story" {
				t.Errorf("%s: %q is not", tc.name, w)
			}
		}
	}
}

// Phrases are matched against lower-cased text.
func TestLowerCase(t *testing.T) {
	for name, l := range map[string][]string{
		"Labels": Labels, "InlineLabels": InlineLabels, "LeadLabels": LeadLabels, "CrossLinkLeads": CrossLinkLeads,
		"DatelineLeads": DatelineLeads, "CreditLeads": CreditLeads, "LabelLeads": LabelLeads, "LegalPhrases": LegalPhrases,
		"Agencies": Agencies, "ShortPhrases": ShortPhrases, "SectionNames": SectionNames, "MoreSectionNames": MoreSectionNames,
		"ReaderAppeals": ReaderAppeals, "WeakAppealWords": WeakAppealWords, "SiteWords": SiteWords, "ReaderWords": ReaderWords, "Imperatives": Imperatives,
		"StrongActions": StrongActions, "WeakActions": WeakActions, "StrongStems": StrongStems, "StrongPairs": StrongPairs,
	} {
		for _, w := range l {
			if w != strings.ToLower(w) {
				t.Errorf("%s: %q is not lower-case", name, w)
			}
		}
	}
}
