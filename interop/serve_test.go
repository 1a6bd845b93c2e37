package interop

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/serve"
	"github.com/beep/iam/store"
)

// gatewaySetup is what interop/betterauth/test/gateway.ts setup produced:
// users signed up through Better Auth, its cookies and keys, and Better
// Auth's own answers.
type gatewaySetup struct {
	Secret         string `json:"secret"`
	OrganizationID string `json:"organizationId"`
	Alice          struct {
		UserID       string `json:"userId"`
		SessionID    string `json:"sessionId"`
		CookieHeader string `json:"cookieHeader"`
		Cookie       string `json:"cookie"`
	} `json:"alice"`
	Bob, Carol, Root struct {
		UserID       string `json:"userId"`
		CookieHeader string `json:"cookieHeader"`
	}
	AliceKey, BobKey struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	BetterAuth struct {
		GetSession       string         `json:"getSession"`
		GetSessionStatus int            `json:"getSessionStatus"`
		JWKS             string         `json:"jwks"`
		Verify           map[string]any `json:"verify"`
	} `json:"betterAuth"`
}

// runGateway runs one step of gateway.ts with Node and decodes its result.
func runGateway(t *testing.T, dbURL string, result any, args ...string) {
	t.Helper()
	node := requireNode(t)
	requireNodeModules(t)
	out := filepath.Join(t.TempDir(), "gateway.json")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a hung child only
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--import", "tsx", "test/gateway.ts"}, args...)...)
	cmd.Dir = nodeDir
	cmd.Env = append(os.Environ(), "IAM_DATABASE_URL="+dbURL, "IAM_GATEWAY_OUT="+out, "NODE_ENV=test")
	b, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "gateway.ts %s failed:\n%s", args[0], b)
	raw, err := os.ReadFile(out)
	require.NoErrorf(t, err, "gateway.ts %s wrote no result:\n%s", args[0], b)
	if result != nil {
		require.NoError(t, json.Unmarshal(raw, result))
	}
}

// upstreamSeen is what the application behind nginx received.
type upstreamSeen struct {
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
}

// startUpstream is the protected application: it answers with the identity
// headers it received.
func startUpstream(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen := upstreamSeen{Path: r.URL.RequestURI(), Headers: map[string]string{}}
		for _, h := range []string{"X-User-Id", "X-Session-Id", "X-Organization-Id", "X-Organization-Role", "X-Auth-Method", "X-Api-Key-Id"} {
			seen.Headers[h] = r.Header.Get(h)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(seen)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// startServe runs iam serve (the package, in process) with the session
// cache on, as the store's role iam_app.
func startServe(t *testing.T, dbURL, secret string) (base string, cache *store.SessionCache) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 8})
	require.NoError(t, err)
	t.Cleanup(st.Close)
	auth, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret(secret)})
	require.NoError(t, err)
	cache, err = st.NewSessionCache(store.SessionCacheOptions{})
	require.NoError(t, err)
	t.Cleanup(cache.Close)
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, cache.WaitLive(wctx), "the session cache never started listening")
	srv, err := serve.New(serve.Config{Auth: auth, Store: st, Cache: cache, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() { stop(); <-done })
	return ln.Addr().String(), cache
}

func send(t *testing.T, method, url string, h http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	for k, vs := range h {
		req.Header[k] = vs
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

// waitFor polls cond with a generous deadline; nothing asserts how fast (the
// bound is measured by `iam bench serve`, docs/benchmarks.md).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		require.Falsef(t, time.Now().After(deadline), "still not true after 60 s: %s", what)
		time.Sleep(10 * time.Millisecond)
	}
}

// TestGateway_NginxAuthRequestInFrontOfIamServeWithBetterAuthsCookies puts
// Debian's nginx (auth_request) in front of a small upstream, asking iam
// serve, on a database Better Auth (Node) writes: Better Auth's cookie
// passes with the identity headers, a tampered one and no credentials get
// 401, a banned user's key 403, an API key Better Auth issued passes, and a
// sign-out through Better Auth reaches the session cache. Then iam serve's
// Better Auth-shaped endpoints are compared with Better Auth's own answers.
func TestGateway_NginxAuthRequestInFrontOfIamServeWithBetterAuthsCookies(t *testing.T) {
	t.Parallel()
	requireNginx(t) // fail early, saying what to install
	superURL := pgtest.NewDatabase(t)
	baURL := betterAuthURL(t, superURL)
	var fx gatewaySetup
	runGateway(t, baURL, &fx, "setup")

	serveAddr, cache := startServe(t, superURL, fx.Secret)
	ng := startNginx(t, startUpstream(t), serveAddr)
	app := ng.base + "/app/orders?page=2"

	t.Run("Better Auth's cookie passes with the identity headers", func(t *testing.T) {
		spoof := http.Header{"Cookie": {fx.Alice.CookieHeader}, "X-User-Id": {"shared_user__spoofed"}, "X-Api-Key-Id": {"spoofed"}}
		res, body := send(t, http.MethodGet, app, spoof)
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		var seen upstreamSeen
		require.NoError(t, json.Unmarshal([]byte(body), &seen))
		require.Equal(t, "/app/orders?page=2", seen.Path)
		require.Equal(t, map[string]string{
			"X-User-Id": fx.Alice.UserID, "X-Session-Id": fx.Alice.SessionID, "X-Organization-Id": fx.OrganizationID,
			"X-Organization-Role": "owner", "X-Auth-Method": "cookie", "X-Api-Key-Id": "",
		}, seen.Headers, "the client's own X-User-Id and X-API-Key-Id were replaced")
		res, body = send(t, http.MethodPost, app, http.Header{"Authorization": {"Bearer " + fx.Alice.Cookie}})
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		require.Contains(t, body, `"X-Auth-Method":"bearer"`)
	})

	t.Run("a tampered cookie and no credentials get 401", func(t *testing.T) {
		tampered := strings.Replace(fx.Alice.CookieHeader, "session_token="+fx.Alice.Cookie[:4], "session_token=AAAA", 1)
		if tampered == fx.Alice.CookieHeader {
			tampered = strings.Replace(fx.Alice.CookieHeader, "session_token="+fx.Alice.Cookie[:4], "session_token=BBBB", 1)
		}
		res, body := send(t, http.MethodGet, app, http.Header{"Cookie": {tampered}})
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, body)
		res, _ = send(t, http.MethodGet, app, http.Header{"X-User-Id": {fx.Alice.UserID}})
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "a client's own identity header is no credential")
	})

	t.Run("an API key Better Auth issued passes", func(t *testing.T) {
		res, body := send(t, http.MethodGet, app, http.Header{"X-Api-Key": {fx.AliceKey.Key}})
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		var seen upstreamSeen
		require.NoError(t, json.Unmarshal([]byte(body), &seen))
		require.Equal(t, fx.Alice.UserID, seen.Headers["X-User-Id"])
		require.Equal(t, fx.AliceKey.ID, seen.Headers["X-Api-Key-Id"])
		require.Equal(t, "api-key", seen.Headers["X-Auth-Method"])
	})

	t.Run("a user banned through Better Auth gets 403 for their key, 401 for their revoked session", func(t *testing.T) {
		res, _ := send(t, http.MethodGet, app, http.Header{"Cookie": {fx.Bob.CookieHeader}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		res, _ = send(t, http.MethodGet, app, http.Header{"X-Api-Key": {fx.BobKey.Key}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		runGateway(t, baURL, nil, "ban", fx.Bob.UserID, fx.Root.CookieHeader)
		res, body := send(t, http.MethodGet, app, http.Header{"X-Api-Key": {fx.BobKey.Key}})
		require.Equal(t, http.StatusForbidden, res.StatusCode, body)
		waitFor(t, "the banned user's session (deleted by the ban) is refused", func() bool {
			res, _ := send(t, http.MethodGet, app, http.Header{"Cookie": {fx.Bob.CookieHeader}})
			return res.StatusCode == http.StatusUnauthorized
		})
	})

	t.Run("a session of a user banned in the database gets 403", func(t *testing.T) {
		res, _ := send(t, http.MethodGet, app, http.Header{"Cookie": {fx.Carol.CookieHeader}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		conn, err := pgx.Connect(context.Background(), superURL)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), `UPDATE shared_user SET banned = true WHERE id = $1`, fx.Carol.UserID)
		require.NoError(t, err)
		waitFor(t, "the banned user's session is refused", func() bool {
			res, _ := send(t, http.MethodGet, app, http.Header{"Cookie": {fx.Carol.CookieHeader}})
			return res.StatusCode == http.StatusForbidden
		})
	})

	// Before the sign-out below: Better Auth's answers were taken for this session.
	t.Run("get-session answers as Better Auth does, without the token", func(t *testing.T) {
		require.Equal(t, http.StatusOK, fx.BetterAuth.GetSessionStatus)
		_, body := send(t, http.MethodGet, "http://"+serveAddr+"/api/auth/get-session", http.Header{"Cookie": {fx.Alice.CookieHeader}})
		var want, got map[string]map[string]any
		require.NoError(t, json.Unmarshal([]byte(fx.BetterAuth.GetSession), &want))
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		for _, part := range []string{"session", "user"} {
			for k, v := range want[part] {
				if part == "session" && k == "token" {
					require.NotContains(t, got[part], "token")
					continue
				}
				require.Containsf(t, got[part], k, "%s.%s", part, k)
				require.Equalf(t, v, got[part][k], "%s.%s", part, k)
			}
		}
	})
	t.Run("jwks is Better Auth's document byte for byte", func(t *testing.T) {
		require.Contains(t, fx.BetterAuth.JWKS, `"keys":[{`, "Better Auth made a signing key")
		_, body := send(t, http.MethodGet, "http://"+serveAddr+"/api/auth/jwks", nil)
		require.Equal(t, fx.BetterAuth.JWKS, body)
	})
	t.Run("api-key/verify answers with Better Auth's fields", func(t *testing.T) {
		res, err := http.Post("http://"+serveAddr+"/api/auth/api-key/verify", "application/json", strings.NewReader(`{"key":"`+fx.AliceKey.Key+`"}`))
		require.NoError(t, err)
		defer res.Body.Close()
		var got map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
		require.Equal(t, true, got["valid"])
		require.Nil(t, got["error"])
		wantKey, gotKey := fx.BetterAuth.Verify["key"].(map[string]any), got["key"].(map[string]any)
		for k, v := range wantKey {
			require.Containsf(t, gotKey, k, "key.%s", k)
			switch k {
			case "requestCount", "lastRequest", "updatedAt", "remaining":
				continue // this verification was counted too
			}
			require.Equalf(t, v, gotKey[k], "key.%s", k)
		}
		require.Len(t, gotKey, len(wantKey), "the same fields: %v", gotKey)
	})

	t.Run("a sign-out through Better Auth reaches the session cache", func(t *testing.T) {
		for range 2 {
			res, _ := send(t, http.MethodGet, app, http.Header{"Cookie": {fx.Alice.CookieHeader}})
			require.Equal(t, http.StatusOK, res.StatusCode)
		}
		hits := cache.Stats().Hits
		require.Greater(t, hits, uint64(0), "the session is served from memory")
		runGateway(t, baURL, nil, "sign-out", fx.Alice.CookieHeader)
		waitFor(t, "the signed-out session is refused through nginx", func() bool {
			res, _ := send(t, http.MethodGet, app, http.Header{"Cookie": {fx.Alice.CookieHeader}})
			return res.StatusCode == http.StatusUnauthorized
		})
	})
}
