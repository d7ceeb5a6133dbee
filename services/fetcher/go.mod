module github.com/newsflow/newsflow/services/fetcher

go 1.26

require github.com/newsflow/newsflow/pipeline v0.0.0

replace github.com/newsflow/newsflow/pipeline => ../../pipeline
