package clean_test

import (
	"context"
	"errors"
	"testing"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/cleaner/clean"
)

func TestProcess(t *testing.T) {
	c := clean.New(clean.Options{MaxBytes: 4096})
	tests := []struct {
		name      string
		in        pipeline.Article
		wantText  string
		wantTitle string
		wantErr   error
	}{
		{name: "whitespace and paragraphs", in: pipeline.Article{Text: "  One   two.\r\n\n\n Three\tfour. \n"}, wantText: "One two.\n\nThree four."},
		{name: "html paragraphs and title", in: pipeline.Article{HTML: "<html><head><title> T </title><style>p{}</style></head><body><p>A <b>b</b>.</p><script>x()</script><p>C.</p></body></html>"}, wantText: "A b.\n\nC.", wantTitle: "T"},
		{name: "empty html", in: pipeline.Article{HTML: "<html><body><div>nav</div></body></html>"}, wantErr: clean.ErrNoText},
		{name: "too large", in: pipeline.Article{Text: string(make([]byte, 5000))}, wantErr: clean.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Process(context.Background(), tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !pipeline.IsPermanent(err) {
					t.Fatalf("err = %v, want permanent %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.wantText || got.Title != tt.wantTitle || got.HTML != "" {
				t.Fatalf("got text %q title %q html %q", got.Text, got.Title, got.HTML)
			}
			if got.ID != pipeline.ArticleID("", tt.wantText) {
				t.Fatal("id not derived from the clean text")
			}
		})
	}
}
