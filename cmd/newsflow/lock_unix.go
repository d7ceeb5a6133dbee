//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// errDataDirBusy reports that another process runs a pipeline on the data
// directory.
var errDataDirBusy = errors.New("data directory in use")

// lockDataDir takes an exclusive lock on dir (a flock on dir/LOCK, which
// the kernel drops when the process ends, however it ends), so that two
// pipelines never share one JetStream store and SQLite file. The lock file
// holds the owner's pid, for the message the next one prints.
func lockDataDir(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, "LOCK")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		owner, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "another newsflow process"
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(owner))); perr == nil {
				who = fmt.Sprintf("another newsflow (pid %d)", pid)
			}
			return nil, fmt.Errorf("%w: %s is using %s: stop it, or give this one another -data-dir", errDataDirBusy, who, dir)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) //nolint:errcheck // the pid is only for the message
	}
	return func() { f.Close() }, nil
}
