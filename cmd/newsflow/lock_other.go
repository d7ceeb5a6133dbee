//go:build !unix

package main

// lockDataDir does not lock where flock is missing.
func lockDataDir(dir string) (unlock func(), err error) { return func() {}, nil }
