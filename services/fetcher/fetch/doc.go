// Package fetch is how newsflow reads the web: a polite, safe HTTP client
// and the parsers that turn what it fetches into links and raw articles.
// It has no NATS in it; package fetchersvc schedules it and publishes what
// it returns.
//
// Polite: robots.txt is obeyed (and cached), each host gets a rate limit
// and a concurrency limit (slowed further by a robots.txt Crawl-delay),
// requests are conditional when validators are known, compressed
// transfers are accepted, 429 and 5xx answers are retried with
// exponential backoff and jitter, honouring Retry-After, and every request
// names itself with a clear User-Agent.
//
// Safe: only http and https are fetched; connections to loopback, private,
// link-local, cloud-metadata and other non-public addresses are refused
// after DNS resolution, at dial time, for the first request and for every
// redirect (see Guard), unless explicitly allow-listed; HTTPS servers'
// certificates are verified (TLS 1.2 at least), a failure refused rather
// than retried; redirects and response sizes are capped. Every refusal is a *RefusedError with a
// Reason, logged and counted in newsflow_fetcher_refusals_total.
//
// Parsing: RSS, Atom and JSON Feed (via gofeed), sitemaps, sitemap
// indexes and Google News sitemaps become Links carrying the feed's
// metadata; a page becomes a pipeline.Article (NewArticle), its URL taken
// from <link rel=canonical> when the page names one on the same site.
package fetch
