package fetch

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Prometheus metrics of every Client in the process, in the default
// registry the service's /metrics serves.
var (
	metricRefusals = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_fetcher_refusals_total",
		Help: "Fetches refused, by reason (scheme, loopback, private, robots, too_large, ...).",
	}, []string{"reason"})
	metricResponses = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_fetcher_http_responses_total",
		Help: "HTTP answers received, by class: 2xx, 304, 3xx, 4xx, 429, 5xx, or error when none came.",
	}, []string{"class"})
	metricRetries = promauto.NewCounter(prometheus.CounterOpts{
		Name: "newsflow_fetcher_http_retries_total",
		Help: "Requests sent again after a 429, a 5xx or a transport error.",
	})
	metricBytes = promauto.NewCounter(prometheus.CounterOpts{
		Name: "newsflow_fetcher_http_body_bytes_total",
		Help: "Response body bytes read, after decompression.",
	})
	metricRobots = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_fetcher_robots_fetches_total",
		Help: "robots.txt files fetched (cache misses), by outcome: rules, allow_all, unavailable.",
	}, []string{"outcome"})
)

func responseClass(code int) string {
	switch {
	case code == 304:
		return "304"
	case code == 429:
		return "429"
	case code >= 200 && code < 300:
		return "2xx"
	case code >= 300 && code < 400:
		return "3xx"
	case code >= 400 && code < 500:
		return "4xx"
	default:
		return "5xx"
	}
}
