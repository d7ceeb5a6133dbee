// Package pipeline is newsflow's message contract: the Article that travels
// between the stages, the subjects and headers it travels on, how raw input
// is decoded, how article ids are derived, and the Func a stage implements.
//
// Where each decision lives:
//
//   - codec.go: how a message becomes an Article (DecodeRaw for the raw
//     subject, DecodeArticle for the others) and back (EncodeArticle);
//   - identity.go: an article's canonical URL and id, decided once
//     (Identify, with the one canonical-link finder CanonicalHref) and
//     called by the fetcher, DecodeRaw, the claim check and the cleaner;
//   - ids.go: URL canonicalisation and the id hash;
//   - package charset: bytes to UTF-8, one rule for every stage;
//   - package boilerplate: the one vocabulary of page furniture.
//
// Dead letters are the runner's (package runner, deadletter.go); a story is
// the enricher's (services/enricher/enrich, link.go); the store is the
// sink's (services/sink/store).
//
// It has no NATS dependency. Stage logic (cleaning, enrichment, storage)
// imports only this package; package runner turns a Func into a JetStream
// consumer, and docs/CONTRACT.md is the user-facing reference. Importing it
// changes nothing else in a program (see package noavx2).
package pipeline
