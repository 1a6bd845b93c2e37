package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// serveChildEnv makes the test binary run `iam` with the JSON-encoded
// arguments instead of the tests: TestServe_* start `iam serve` as a real
// process so that they can send it SIGTERM.
const serveChildEnv = "IAM_TEST_SERVE_CHILD_ARGS"

func init() {
	if raw := os.Getenv(serveChildEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			os.Exit(ExitUsage)
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
}

const serveTestSecret = "cmd-serve-test-secret-0123456789abcdef0123"

// serveProcess is `iam serve` running as a child process.
type serveProcess struct {
	cmd  *exec.Cmd
	base string
	logs chan map[string]any // the JSON log lines after "listening"
	done chan error
}

func startServe(t *testing.T, env []string, args ...string) *serveProcess {
	t.Helper()
	raw, err := json.Marshal(args)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveChildEnv+"="+string(raw))
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &serveProcess{cmd: cmd, logs: make(chan map[string]any, 256), done: make(chan error, 1)}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				line = map[string]any{"raw": sc.Text()}
			}
			if line["msg"] == "listening" {
				listening <- line["addr"].(string)
				continue
			}
			select {
			case p.logs <- line:
			default:
			}
		}
		close(p.logs)
		p.done <- cmd.Wait()
	}()
	select {
	case addr := <-listening:
		p.base = "http://" + addr
	case <-time.After(60 * time.Second):
		t.Fatal("iam serve did not log \"listening\" within 60 s")
	}
	return p
}

func get(t *testing.T, url string, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServe_AnswersAndStopsGracefullyOnSIGTERM(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	st, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	require.NoError(t, err)
	t.Cleanup(st.Close)
	u, err := domain.NewUser(domain.UserParams{Name: "Sam", Email: "sam@example.com"})
	require.NoError(t, err)
	u, err = st.Users().Create(ctx, u)
	require.NoError(t, err)
	sess, err := st.CreateSession(ctx, u.ID, time.Hour, "", "")
	require.NoError(t, err)
	auth, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret(serveTestSecret)})
	require.NoError(t, err)
	cookie := http.Header{"Cookie": {"better-auth.session_token=" + auth.SignCookieValue(sess.Token.Reveal())}}

	p := startServe(t, []string{"IAM_SECRET=" + serveTestSecret, "IAM_SESSION_CACHE=true", "IAM_HEADER=user-id=X-Auth-User"},
		"--database-url", url, "serve", "--listen", "127.0.0.1:0", "--access-log")
	status, body := get(t, p.base+"/readyz", nil)
	require.Equal(t, http.StatusOK, status, body)
	status, body = get(t, p.base+"/forward-auth/anything", cookie)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, u.ID.String())
	req, _ := http.NewRequest(http.MethodGet, p.base+"/forward-auth", nil)
	req.Header = cookie
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, u.ID.String(), res.Header.Get("X-Auth-User"), "IAM_HEADER renamed the header")
	status, _ = get(t, p.base+"/forward-auth", nil)
	require.Equal(t, http.StatusUnauthorized, status)

	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	var msgs []string
	var all strings.Builder
	for line := range p.logs {
		if m, ok := line["msg"].(string); ok {
			msgs = append(msgs, m)
		}
		b, _ := json.Marshal(line)
		all.Write(b)
	}
	require.NoError(t, <-p.done, "iam serve exits 0 after SIGTERM")
	p.done <- nil
	require.Contains(t, msgs, "request")
	require.Contains(t, msgs, "shutting down")
	require.Equal(t, "stopped", msgs[len(msgs)-1])
	for _, secret := range []string{serveTestSecret, sess.Token.Reveal(), cookie.Get("Cookie")} {
		require.NotContains(t, all.String(), secret)
	}
}

func TestServe_RefusesBadConfigurationWithUsage(t *testing.T) {
	url := pgtest.NewDatabase(t)
	t.Setenv("IAM_SECRET", "")
	t.Setenv("BETTER_AUTH_SECRET", "")
	t.Setenv("BETTER_AUTH_SECRETS", "")
	t.Setenv("AUTH_SECRET", "")
	code, _, errOut := iam(t, "--database-url", url, "serve")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "IAM_SECRET")

	t.Setenv("IAM_SECRET", serveTestSecret)
	t.Setenv("IAM_SESSION_CACHE", "maybe")
	code, _, errOut = iam(t, "--database-url", url, "serve")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "IAM_SESSION_CACHE")
	t.Setenv("IAM_SESSION_CACHE", "")

	for args, want := range map[string]string{
		"--header nickname=X-Nick":                "headers.nickname",
		"--login-url javascript:alert(1)":         "loginURL",
		"--log-format xml":                        "--log-format",
		"--session-cache --session-cache-size -1": "maxEntries",
		"--api-key-header Cookie":                 "apiKeyHeaders[0]",
	} {
		code, _, errOut := iam(t, append([]string{"--database-url", url, "serve", "--listen", "127.0.0.1:0"}, strings.Fields(args)...)...)
		require.Equal(t, ExitUsage, code, "%s: %s", args, errOut)
		require.Contains(t, errOut, want, args)
		require.NotContains(t, errOut, serveTestSecret)
	}
}
