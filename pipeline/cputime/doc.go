// Package cputime reads the CPU time the process has used. Benchmarks
// report speed per CPU second next to wall-clock speed: on a machine
// shared with other work, wall-clock time also measures the other work,
// while with GOMAXPROCS=1 CPU time is the time of the one core used.
package cputime
