package interop

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	osuser "os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// nginxHint says what to install when nginx is missing.
const nginxHint = "install nginx with the auth_request module (Debian/Ubuntu: apt-get install -y nginx-light, or nginx); ./scripts/test installs it"

// requireNginx returns the nginx binary, checking that it has auth_request,
// or fails the test saying what to install.
func requireNginx(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"} {
			if fi, serr := os.Stat(p); serr == nil && !fi.IsDir() {
				bin, err = p, nil
				break
			}
		}
	}
	require.NoErrorf(t, err, "nginx not found on PATH or in /usr/sbin: %s", nginxHint)
	out, err := exec.Command(bin, "-V").CombinedOutput()
	require.NoErrorf(t, err, "%s -V: %s", bin, out)
	require.Containsf(t, string(out), "http_auth_request_module", "%s was built without the auth_request module: %s", bin, nginxHint)
	return bin
}

// nginx is a running nginx in front of an upstream, asking iam serve.
type nginx struct {
	base string // http://127.0.0.1:port
	dir  string
}

// nginxConfig is the configuration the test writes: every request to / goes
// through auth_request to iam serve's forward-auth endpoint; the identity
// headers of its answer are set on the proxied request (replacing whatever
// the client sent), a 401 or 403 goes back to the client.
const nginxConfig = `%[1]s
worker_processes 1;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[2]s/client_body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  server {
    listen 127.0.0.1:%[3]d;
    location = /_nginx_up { return 204; }
    location / {
      auth_request /_iam_auth;
      auth_request_set $iam_user $upstream_http_x_user_id;
      auth_request_set $iam_session $upstream_http_x_session_id;
      auth_request_set $iam_org $upstream_http_x_organization_id;
      auth_request_set $iam_org_role $upstream_http_x_organization_role;
      auth_request_set $iam_method $upstream_http_x_auth_method;
      auth_request_set $iam_key $upstream_http_x_api_key_id;
      proxy_set_header X-User-Id $iam_user;
      proxy_set_header X-Session-Id $iam_session;
      proxy_set_header X-Organization-Id $iam_org;
      proxy_set_header X-Organization-Role $iam_org_role;
      proxy_set_header X-Auth-Method $iam_method;
      proxy_set_header X-API-Key-Id $iam_key;
      proxy_pass http://%[4]s;
    }
    location = /_iam_auth {
      internal;
      proxy_pass http://%[5]s/forward-auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`

// startNginx writes the configuration into a fresh directory and runs nginx
// in the foreground on a free loopback port; it is stopped (SIGQUIT, then
// SIGKILL) when the test ends.
func startNginx(t *testing.T, upstream, iamServe string) *nginx {
	t.Helper()
	bin := requireNginx(t)
	dir, err := os.MkdirTemp("", "iam-nginx-")
	require.NoError(t, err)
	// Workers run as nginx's unprivileged user when we are root: they must
	// reach the temp directories nginx creates (and chowns) here.
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	user := ""
	if os.Geteuid() == 0 {
		user = "user nobody;"
		if _, err := osuser.LookupGroup("nogroup"); err == nil {
			user = "user nobody nogroup;" // Debian has no group "nobody"
		}
	}
	var lastErr string
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		conf := filepath.Join(dir, "nginx.conf")
		require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf(nginxConfig, user, dir, port, upstream, iamServe)), 0o644))
		cmd := exec.Command(bin, "-p", dir, "-c", conf)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		n := &nginx{base: "http://127.0.0.1:" + strconv.Itoa(port), dir: dir}
		up := waitNginx(n, exited)
		if up == nil {
			t.Cleanup(func() {
				_ = cmd.Process.Signal(syscall.SIGQUIT)
				select {
				case <-exited:
				case <-time.After(30 * time.Second):
					_ = cmd.Process.Kill()
					<-exited
				}
			})
			return n
		}
		_ = cmd.Process.Kill()
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		lastErr = fmt.Sprintf("%v\n%s\n%s", up, out.String(), log)
		if !strings.Contains(lastErr, "Address already in use") {
			break
		}
	}
	t.Fatalf("nginx did not start: %s", lastErr)
	return nil
}

// waitNginx waits until nginx answers, or returns why it did not.
func waitNginx(n *nginx, exited chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("nginx exited: %v", err)
		default:
		}
		res, err := http.Get(n.base + "/_nginx_up")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusNoContent {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("nginx did not answer within 30 s")
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
