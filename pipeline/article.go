package pipeline

import (
	"errors"
	"fmt"
	"time"
)

// SchemaVersion is the version of the Article schema this package reads and
// writes. It changes only when a field changes meaning or is removed; adding
// an optional field does not bump it, so consumers must ignore unknown fields.
const SchemaVersion = 1

// Article is the one message that travels between the stages, as JSON. Each
// stage fills more of it: the fetcher or a publisher sets the raw fields
// (URL, Source, HTML or Text, feed metadata), the cleaner replaces HTML with
// clean Text and metadata, the enricher adds entities, quotes, dates,
// keywords and story links. docs/CONTRACT.md is the reference for every field.
type Article struct {
	Schema int `json:"schema"`
	// ID is stable across fetches and stages: Identify decides it.
	ID     string `json:"id"`
	URL    string `json:"url,omitempty"`
	Source string `json:"source,omitempty"`

	// Times are pointers because "unknown" must stay distinguishable from a
	// zero time in JSON (encoding libraries here have no omitzero).
	FetchedAt   *time.Time `json:"fetched_at,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`

	Title    string   `json:"title,omitempty"`
	Authors  []string `json:"authors,omitempty"`
	Lang     string   `json:"lang,omitempty"`
	SiteName string   `json:"site_name,omitempty"`
	// Summary is the feed's or page's own description, never generated.
	Summary string `json:"summary,omitempty"`

	// HTML is raw input only: the cleaner consumes it and clears it, so
	// clean and enriched messages stay small.
	HTML string `json:"html,omitempty"`
	// BodyRef points at a body too large for one NATS message (claim check);
	// the cleaner resolves it and clears it.
	BodyRef *BodyRef `json:"body_ref,omitempty"`
	// Text is the clean body: paragraphs separated by one blank line.
	// Every offset in Entities, Quotes and Dates is a byte offset into Text.
	Text string `json:"text,omitempty"`

	Entities    []Entity      `json:"entities,omitempty"`
	Quotes      []Quote       `json:"quotes,omitempty"`
	Dates       []DateMention `json:"dates,omitempty"`
	Keywords    []Keyword     `json:"keywords,omitempty"`
	StoryID     string        `json:"story_id,omitempty"`
	DuplicateOf string        `json:"duplicate_of,omitempty"`

	// Stages records which stage, at which version, touched the article.
	Stages []StageMark `json:"stages,omitempty"`
}

// BodyRef names an object in the JetStream object store holding the body.
type BodyRef struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// ContentType is "text/html" or "text/plain".
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

// EntityType is one of the four CoNLL classes.
type EntityType string

const (
	Person       EntityType = "PERSON"
	Organization EntityType = "ORG"
	Location     EntityType = "LOC"
	Misc         EntityType = "MISC"
)

// Valid reports whether t is one of the four entity types.
func (t EntityType) Valid() bool {
	switch t {
	case Person, Organization, Location, Misc:
		return true
	}
	return false
}

// Entity is one real-world thing named in the article, with every mention.
type Entity struct {
	// ID is the same for the same thing across articles ("Wendy Sherman"
	// in one article and "Wendy R. Sherman" in another).
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Type     EntityType `json:"type"`
	Mentions []Mention  `json:"mentions"`
	Count    int        `json:"count"`
	// Salience is in [0,1]: how central the entity is to this article.
	Salience float64 `json:"salience"`
}

// Mention is one occurrence of an entity: Text == article.Text[Start:End].
type Mention struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Quote is one direct quotation; Text excludes the quotation marks and
// Start/End delimit it in the article text. A quotation running over several
// paragraphs is one Quote per paragraph, with the same speaker. Speaker may
// be a description the text gives ("the Russian representative") with no
// SpeakerID when it names no entity.
type Quote struct {
	Text    string `json:"text"`
	Speaker string `json:"speaker,omitempty"`
	// SpeakerID is the Entity.ID of the speaker when resolved.
	SpeakerID string `json:"speaker_id,omitempty"`
	// SpeakerTitle is the speaker's role as the article gives it ("US
	// deputy secretary of state"), when it gives one.
	SpeakerTitle string `json:"speaker_title,omitempty"`
	Start        int    `json:"start"`
	End          int    `json:"end"`
}

// DateMention is a date written in the text, resolved against the
// article's publication date.
type DateMention struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	// Value is ISO 8601 at the mention's precision: "2022-01-10",
	// "2022-W02", "2022-01" or "2022", or an interval such as
	// "2022-01-08/2022-01-09" (a weekend); TimeML's forms where ISO has
	// none: quarters "2022-Q1", halves "2022-H2", seasons "2022-SU",
	// decades "199", centuries "20", parts of day "2022-01-10TNI".
	// docs/CONTRACT.md lists them.
	Value string `json:"value"`
	// Kind is empty for a date or time; "present", "past" or "future"
	// for a vague reference to them ("now", "recently", "in the
	// future"); "duration" ("three days", Value "P3D") or "set" ("every
	// Monday", Value an ISO 8601 repeating interval) for what is not a
	// point in time.
	Kind string `json:"kind,omitempty"`
}

// Keyword is a key term of the article with its weight in [0,1].
type Keyword struct {
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

// StageMark records one stage's pass over the article.
type StageMark struct {
	Stage   string    `json:"stage"`
	Version string    `json:"version"`
	At      time.Time `json:"at"`
}

// ErrSchema reports an article whose schema version this build cannot read.
var ErrSchema = errors.New("unsupported article schema")

// CheckSchema reports whether a decoded article has a schema this build reads.
func (a *Article) CheckSchema() error {
	if a.Schema != SchemaVersion {
		return fmt.Errorf("%w: got %d, want %d", ErrSchema, a.Schema, SchemaVersion)
	}
	return nil
}

// Mark appends a StageMark for stage at version, at time at.
func (a *Article) Mark(stage, version string, at time.Time) {
	a.Stages = append(a.Stages, StageMark{Stage: stage, Version: version, At: at.UTC()})
}
