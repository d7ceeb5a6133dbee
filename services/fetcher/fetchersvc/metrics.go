package fetchersvc

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Prometheus metrics of the fetcher; package fetch counts HTTP answers
// and refusals.
var (
	metricPolls = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_fetcher_polls_total",
		Help: "Source polls by outcome: ok, not_modified, failed.",
	}, []string{"outcome"})
	metricPollSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "newsflow_fetcher_poll_seconds",
		Help:    "Time to poll one source, its new pages included.",
		Buckets: prometheus.ExponentialBuckets(0.01, 3, 10), // 10 ms … 3 min
	})
	metricArticles = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_fetcher_articles_total",
		Help: "Article links handled, by outcome: published, duplicate (the stream had it), seen (skipped, already published), unchanged (same content), refused, failed.",
	}, []string{"outcome"})
	metricClaimChecked = promauto.NewCounter(prometheus.CounterOpts{
		Name: "newsflow_fetcher_claim_checked_total",
		Help: "Articles too large for one message, published as an object-store reference.",
	})
	metricSources = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "newsflow_fetcher_sources",
		Help: "Registered sources this replica knows of, by state: active or paused.",
	}, []string{"state"})
	metricRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_fetcher_requests_total",
		Help: "On-demand fetch requests (newsflow fetch), by outcome: published, duplicate, unchanged, error.",
	}, []string{"outcome"})
)
