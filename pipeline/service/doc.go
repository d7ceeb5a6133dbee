// Package service is what every newsflow service binary shares around its
// stages: configuration from flags and environment, logging, the NATS
// connection, stream setup, the ops endpoint (/metrics, /healthz, /readyz),
// signal handling and an orderly drain. A service's main is a RunFunc that
// builds its stages and calls Run.
package service
