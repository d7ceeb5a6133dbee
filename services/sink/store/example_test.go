package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/newsflow/newsflow/services/sink/store"
	"github.com/newsflow/newsflow/services/sink/store/storetest"
)

// Open a store, save enriched articles, ask it questions.
func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	// "postgres://..." would open PostgreSQL instead.
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "articles.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	for _, a := range storetest.Newsroom() {
		// Save returns once the article is durably committed.
		if err := st.Save(ctx, a); err != nil {
			log.Fatal(err)
		}
	}

	page, _ := st.Articles(ctx, store.ArticleQuery{Text: "negotiations", Entities: []string{"Wendy Sherman"}})
	for _, a := range page.Articles {
		fmt.Println(a.At.Format("Jan 2"), a.Title)
	}
	ryabkov, _ := st.Entity(ctx, "per:sergei-ryabkov")
	for _, n := range ryabkov.Names {
		fmt.Printf("%s (%d) ", n.Text, n.Count)
	}
	fmt.Println()
	// Output:
	// Jan 12 Nato and Russia begin tense negotiations
	// Jan 10 Sherman and Ryabkov meet in Geneva
	// Ryabkov (1) Rybakov (1) Sergei Ryabkov (1) Sergei Rybakov (1)
}
