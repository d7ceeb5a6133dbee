package enrich_test

import (
	"context"
	"fmt"
	"time"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich"
)

func ExampleEnricher_Process() {
	// With no options the enricher uses the fallback recogniser and an
	// in-process story memory; a service passes the NER model and a
	// storykv.Memory shared by its replicas.
	e, err := enrich.New(enrich.Options{})
	if err != nil {
		panic(err)
	}
	published := time.Date(2022, 1, 12, 0, 0, 0, 0, time.UTC) // a Wednesday
	a := pipeline.Article{
		ID:          "example",
		PublishedAt: &published,
		Text: "Nato and Russia met on Monday. Wendy Sherman briefed the allies.\n\n" +
			"“We will not allow anyone to slam Nato’s open door shut,” Ms Sherman said.",
	}
	out, err := e.Process(context.Background(), a)
	if err != nil {
		panic(err)
	}
	for _, en := range out.Entities {
		fmt.Printf("%s %s ×%d\n", en.Type, en.Name, en.Count)
	}
	for _, q := range out.Quotes {
		fmt.Printf("%s: %q\n", q.Speaker, q.Text)
	}
	for _, d := range out.Dates {
		fmt.Printf("%s = %s\n", d.Text, d.Value)
	}
	// Output:
	// ORG NATO ×2
	// PERSON Wendy Sherman ×2
	// LOC Russia ×1
	// Wendy Sherman: "We will not allow anyone to slam Nato’s open door shut,"
	// Monday = 2022-01-10
}
