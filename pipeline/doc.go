// Package pipeline is newsflow's message contract: the Article that travels
// between the stages, the subjects and headers it travels on, how raw input
// is decoded, how article ids are derived, and the Func a stage implements.
//
// It has no NATS dependency. Stage logic (cleaning, enrichment, storage)
// imports only this package; package runner turns a Func into a JetStream
// consumer, and docs/CONTRACT.md is the user-facing reference.
package pipeline
