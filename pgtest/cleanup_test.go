package pgtest_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/internal/pgcluster"
	"github.com/beep/iam/pgtest"
)

// envHelperMode turns TestHelperProcess into a child test binary that
// starts a server, prints its postmaster PID and directory, and then ends
// the way the mode says.
const envHelperMode = "PGTEST_HELPER_MODE"

// TestHelperProcess is not a test: it is the body of the child processes of
// TestMain_LeavesNoServerBehind and does nothing in a normal run.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(envHelperMode)
	if mode == "" {
		return
	}
	pgtest.NewDatabase(t, pgtest.Empty())
	s := pgtest.Server(t)
	fmt.Printf("server %d %s\n", s.PID(), s.Dir())
	switch mode {
	case "pass":
	case "fail":
		t.Fatal("failing on purpose")
	case "panic":
		panic("panicking on purpose")
	case "hang", "term":
		select {} // the parent kills us with SIGKILL or SIGTERM
	}
}

func TestMain_LeavesNoServerBehind(t *testing.T) {
	t.Parallel()
	if os.Getenv(pgtest.EnvDatabaseURL) != "" {
		// With an external server pgtest starts nothing; the child would
		// print PID 0. Still prove the child runs and exits cleanly.
		t.Log("external server in use: checking only that the child exits")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, mode := range []string{"pass", "fail", "panic", "hang", "term"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), envHelperMode+"="+mode)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())

			var pid int
			var dir string
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "server" {
					pid, _ = strconv.Atoi(f[1])
					if len(f) > 2 {
						dir = f[2]
					}
					break
				}
			}
			if pid == 0 && (dir != "" || os.Getenv(pgtest.EnvDatabaseURL) == "") {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				require.Fail(t, "the child did not print its server", stderr.String())
			}
			switch mode {
			case "hang":
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			case "term":
				require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
			}
			for sc.Scan() { // read to EOF: Wait must not race with reads
			}
			err = cmd.Wait()
			if mode == "pass" {
				require.NoError(t, err, stderr.String())
			} else {
				require.Error(t, err)
			}
			if pid == 0 {
				return
			}
			if mode == "hang" || mode == "panic" {
				// Main never ran its cleanup: the watchdog stops the server
				// about a second after the child died. Wait for it
				// (bounded, so a broken watchdog fails instead of hanging)
				// rather than asserting a duration.
				deadline := time.Now().Add(60 * time.Second)
				for (pgcluster.Alive(pid) || exists(dir)) && time.Now().Before(deadline) {
					time.Sleep(50 * time.Millisecond)
				}
			}
			// Otherwise Main stopped the server and removed its files
			// before the child exited (also on SIGTERM).
			require.False(t, pgcluster.Alive(pid), "postmaster %d of the %s child is still running", pid, mode)
			require.NoDirExists(t, dir)
		})
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
