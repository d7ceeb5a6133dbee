package pipeline

import (
	"strings"
	"testing"
)

func TestStorySubject(t *testing.T) {
	if got := StorySubject("a322c38b2abe6cd5"); got != "newsflow.stories.a322c38b2abe6cd5" {
		t.Errorf("hex story id: %s", got)
	}
	if got := StorySubject("geneva-talks_2022"); got != "newsflow.stories.geneva-talks_2022" {
		t.Errorf("slug story id: %s", got)
	}
	// Ids that are no subject token (dots, spaces, wildcards) get one of
	// their own, the same every time, and different ids different ones.
	odd := []string{"osce talks.vienna", "a.b", "*", ">", "ü", ""}
	seen := map[string]string{}
	for _, id := range odd {
		s := StorySubject(id)
		token := strings.TrimPrefix(s, SubjectStoryPrefix)
		if len(token) != 17 || token[0] != 'h' || strings.ContainsAny(token, ". *>") {
			t.Errorf("StorySubject(%q) = %q", id, s)
		}
		if s != StorySubject(id) {
			t.Errorf("StorySubject(%q) is not stable", id)
		}
		if other, dup := seen[s]; dup {
			t.Errorf("%q and %q share %s", id, other, s)
		}
		seen[s] = id
		if StreamOf(s) != StreamStories {
			t.Errorf("StreamOf(%s) = %q", s, StreamOf(s))
		}
	}
}
