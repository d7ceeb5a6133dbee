package runner

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Prometheus metrics of every stage in the process, labelled by stage name.
// They live in the default registry, which the service's /metrics serves.
var (
	metricIn = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_messages_in_total",
		Help: "Messages a stage received, counting redeliveries.",
	}, []string{"stage"})
	metricOut = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_messages_out_total",
		Help: "Messages a stage completed: published downstream (or, for the last stage, processed) and acked, the ack confirmed.",
	}, []string{"stage"})
	metricDropped = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_messages_dropped_total",
		Help: "Messages a stage filtered out on purpose (pipeline.ErrDrop).",
	}, []string{"stage"})
	metricRetried = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_messages_retried_total",
		Help: "Messages handed back for redelivery after a transient failure, a timeout or a panic.",
	}, []string{"stage"})
	metricDeadLettered = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_messages_dead_lettered_total",
		Help: "Messages a stage moved to its dead-letter subject, by cause.",
	}, []string{"stage", "cause"})
	metricPublishRetries = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_publish_retries_total",
		Help: "Publishes the server rejected or did not acknowledge in time, then retried.",
	}, []string{"stage"})
	metricUnconfirmedAcks = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_acks_unconfirmed_total",
		Help: "Acks the server did not confirm (NATS gone or slow); those messages are redelivered and their outputs de-duplicated.",
	}, []string{"stage"})
	metricDependencyWaits = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "newsflow_stage_dependency_waits_total",
		Help: "Waits of a held message for a dependency that was down (a bucket, the store, NATS); not failed attempts.",
	}, []string{"stage"})
	metricDegraded = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "newsflow_stage_held_for_dependency",
		Help: "Messages a stage is holding until a dependency answers; above 0 the stage is degraded.",
	}, []string{"stage"})
	metricInFlight = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "newsflow_stage_in_flight",
		Help: "Messages a stage is working on now.",
	}, []string{"stage"})
	metricLatency = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "newsflow_stage_processing_seconds",
		Help:    "Time from receiving a message to acking it, by outcome.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14), // 0.5 ms … ~75 s
	}, []string{"stage", "outcome"})
)

// Dead-letter causes, the values of the "cause" label.
const (
	causeUndecodable   = "undecodable"
	causePermanent     = "permanent"
	causeExhausted     = "retries_exhausted"
	causeMaxDeliveries = "max_deliveries"
	causeOverBudget    = "over_budget"
)
