module github.com/newsflow/newsflow/services/enricher

go 1.26
