module github.com/newsflow/newsflow/services/enricher

go 1.26.0

require github.com/newsflow/newsflow/pipeline v0.0.0

require (
	github.com/segmentio/asm v1.1.3 // indirect
	github.com/segmentio/encoding v0.5.4 // indirect
	golang.org/x/sys v0.0.0-20211110154304-99a53858aa08 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/newsflow/newsflow/pipeline => ../../pipeline
