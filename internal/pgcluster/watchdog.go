package pgcluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// watchdogScript waits for the parent process to exit, then stops the
// postmaster with SIGQUIT
// (a zombie counts as gone) (immediate shutdown), waits up to ~30 s for it
// (SIGKILL after that) and removes the given paths.
const watchdogScript = `parent=$1; pidfile=$2; shift 2
alive() { kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 /proc/$1/stat 2>/dev/null)" != Z ]; }
while alive "$parent"; do sleep 1; done
if [ -f "$pidfile" ]; then
  pid=$(head -n 1 "$pidfile")
  kill -QUIT "$pid" 2>/dev/null
  n=0
  while alive "$pid"; do
    n=$((n+1)); if [ $n -gt 300 ]; then kill -KILL "$pid" 2>/dev/null; fi
    sleep 0.1
  done
fi
rm -rf "$@"
`

// Watchdog starts a small detached shell process, in its own process group
// so a Ctrl-C aimed at the caller does not reach it, that waits for process
// parent to exit and then kills this cluster's server and removes paths
// (typically the cluster directory). It is what guarantees that a throwaway
// cluster does not outlive a test binary that panics, times out or is
// killed with SIGKILL. Kill the returned process after a normal shutdown.
func (c *Cluster) Watchdog(parent int, paths ...string) (*os.Process, error) {
	return PidfileWatchdog(parent, filepath.Join(c.DataDir(), "postmaster.pid"), paths...)
}

// PidfileWatchdog is Watchdog for any server that writes its process id on
// the first line of pidfile (a standby's postmaster.pid, pgbouncer's pid
// file): once parent is gone it sends that process SIGQUIT (SIGKILL after
// ~30 s) and removes paths.
func PidfileWatchdog(parent int, pidfile string, paths ...string) (*os.Process, error) {
	args := append([]string{"-c", watchdogScript, "pgcluster-watchdog", strconv.Itoa(parent), pidfile}, paths...)
	cmd := exec.Command("/bin/sh", args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// No stdin/stdout/stderr: a watchdog holding the test binary's output
	// pipe would make `go test` wait for it.
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start cluster watchdog: %w", err)
	}
	return cmd.Process, nil
}
