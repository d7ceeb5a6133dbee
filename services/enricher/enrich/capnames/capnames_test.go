package capnames_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrich/capnames"
)

func TestRecognize(t *testing.T) {
	tests := []struct {
		text string
		want string // "TYPE:text" joined by "; "
	}{
		{"Nato and Russia began talks on Wednesday.", "ORG:Nato; LOC:Russia"},
		{"The US and the EU met in Geneva.", "LOC:US; ORG:EU; LOC:Geneva"},
		{"US Deputy Secretary of State Wendy Sherman said so.", "LOC:US; PERSON:Wendy Sherman"},
		{"“We will not,” Ms Smith said.", "PERSON:Smith"},
		{"said the alliance's Assistant Secretary General Baiba Braze.", "PERSON:Baiba Braze"},
		{"James Cleverly, a Foreign Office minister, spoke.", "PERSON:James Cleverly; ORG:Foreign Office"},
		{"a meeting of the Organisation for Security and Co-operation in Europe on Thursday", "ORG:Organisation for Security and Co-operation in Europe"},
		{"At the Nato-Russia Council, US-Russia relations and pro-Western views.", "ORG:Nato-Russia Council; LOC:US; LOC:Russia; MISC:Western"},
		{"Wendy R. Sherman tweeted.", "PERSON:Wendy R. Sherman"},
		{"Kim Sengupta World Affairs Editor", "PERSON:Kim Sengupta"},
		{"News World Europe Jaw jaw better than war war", ""}, // a breadcrumb, then the headline
		{"Deputy Foreign Minister and National Defence Council members", "ORG:National Defence Council"},
		{"The Organisation for Zorgon Co-operation and Development met.", "ORG:Organisation for Zorgon Co-operation and Development"},
		{"The Institute for Zorgon Studies and Blorf Council met.", "ORG:Institute for Zorgon Studies and Blorf Council"},
		{"Read more about it. Monday’s talks in January.", ""},
		{"Follow @DeputySecState and #Geneva at pic.twitter.com/QkYlu1HdhU now.", ""},
		{"The Zorgon Institute said. Later the Zorgon Institute agreed.", "ORG:Zorgon Institute; ORG:Zorgon Institute"},
		{"Then Blorf spoke once.", ""},
		{"Then Blorf spoke. Blorf spoke again.", "MISC:Blorf; MISC:Blorf"},
		{"Mr Prystaiko said. Vadym Prystaiko agreed.", "PERSON:Prystaiko; PERSON:Vadym Prystaiko"},
		{"Vladimir Putin said no.", "PERSON:Vladimir Putin"},
		{".UeJNJ::before{display:none}.cPCVUJ{min-height:389px;margin-bottom:16px;font:bold 14px/20px 'Indy Sans','Indy Sans Fallback',sans-serif}", ""},
	}
	r := capnames.New(nil)
	for _, tt := range tests {
		var got []string
		for _, s := range r.Recognize(tt.text) {
			if tt.text[s.Start:s.End] != s.Text {
				t.Errorf("%q: span %d-%d text %q does not match", tt.text, s.Start, s.End, s.Text)
			}
			got = append(got, fmt.Sprintf("%s:%s", s.Type, s.Text))
		}
		if g := strings.Join(got, "; "); g != tt.want {
			t.Errorf("Recognize(%q)\n got  %s\n want %s", tt.text, g, tt.want)
		}
	}
}
