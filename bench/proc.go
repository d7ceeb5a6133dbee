package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// proc is a child process the bench runs: a service of the deployment
// under test (e2e) or one the fault suite kills and pauses (chaos).
type proc struct {
	name string
	cmd  *exec.Cmd
	err  error         // cmd.Wait's, once done is closed
	done chan struct{} // closed when it has exited
}

// startProc starts path with args, the bench's environment plus env, and
// its standard error going to log.
func startProc(_ context.Context, log io.Writer, name, path string, env []string, args ...string) (*proc, error) {
	cmd := exec.Command(path, args...)
	cmd.Stderr = log
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p, nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop ends p as a user would, with an interrupt, and waits for it.
func (p *proc) stop() {
	if p == nil {
		return
	}
	p.terminate(os.Interrupt, 20*time.Second)
}

// terminate sends sig (after SIGCONT, so that a paused process can act on
// it) and waits up to grace for p to exit before killing it.
func (p *proc) terminate(sig os.Signal, grace time.Duration) {
	if p.cmd.Process == nil || p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGCONT)
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
