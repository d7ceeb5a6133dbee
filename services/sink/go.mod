module github.com/newsflow/newsflow/services/sink

go 1.26
