module github.com/newsflow/newsflow/services/cleaner

go 1.26
