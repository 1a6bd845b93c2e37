package serve_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/serve"
	"github.com/beep/iam/store"
)

func TestOperations_HealthReadinessAndMetrics(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	fx2 := newCachedFixture(t)

	res, body := fx.do(http.MethodGet, "/healthz", nil, "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "ok\n", body)
	res, body = fx.do(http.MethodGet, "/readyz", nil, "")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.JSONEq(t, `{"ready":true,"sessionCache":"off"}`, body)
	res, _ = fx.do(http.MethodGet, "/no/such/thing", nil, "")
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	fx.do(http.MethodGet, "/forward-auth", fx.sessionCookie(), "")
	fx.do(http.MethodGet, "/forward-auth", nil, "")
	_, metrics := fx.do(http.MethodGet, "/metrics", nil, "")
	for _, want := range []string{
		`iam_serve_requests_total{outcome="ok",route="forward_auth"} 1`,
		`iam_serve_requests_total{outcome="no_credentials",route="forward_auth"} 1`,
		`iam_serve_request_duration_seconds_bucket{route="forward_auth",le="+Inf"} 2`,
		`iam_serve_db_pool_max_connections 8`,
		`iam_serve_db_pool_acquires_total`,
		`iam_serve_in_flight_requests 1`, // the scrape itself
		`go_goroutines`,
		`process_cpu_seconds_total`,
	} {
		require.Contains(t, metrics, want)
	}
	require.NotContains(t, metrics, "iam_serve_session_cache", "no cache, no cache metrics")

	_, body = fx2.do(http.MethodGet, "/readyz", nil, "")
	require.JSONEq(t, `{"ready":true,"sessionCache":"listening"}`, body)
	for range 3 {
		res, _ := fx2.do(http.MethodGet, "/forward-auth", fx2.sessionCookie(), "")
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	_, metrics = fx2.do(http.MethodGet, "/metrics", nil, "")
	for _, want := range []string{"iam_serve_session_cache_hits_total 2", "iam_serve_session_cache_misses_total 1",
		"iam_serve_session_cache_entries 1", "iam_serve_session_cache_listening 1", "iam_serve_session_cache_invalidations_total"} {
		require.Contains(t, metrics, want)
	}

	fx.st.Close() // the database is gone for this server
	res, body = fx.do(http.MethodGet, "/readyz", nil, "")
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.JSONEq(t, `{"ready":false,"reason":"database unreachable","sessionCache":"off"}`, body)
	res, body = fx.do(http.MethodGet, "/forward-auth", fx.sessionCookie(), "")
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.Equal(t, "UNAVAILABLE", errorCode(t, body))
	res, _ = fx.do(http.MethodGet, "/healthz", nil, "")
	require.Equal(t, http.StatusOK, res.StatusCode, "liveness does not depend on the database")
}

// TestSessionCache_RevocationReachesTheServer: with the cache on, a session
// deleted behind the server's back (as Better Auth's sign-out or revoke
// does) and a user banned are refused once the notification arrives.
func TestSessionCache_RevocationReachesTheServer(t *testing.T) {
	t.Parallel()
	fx := newCachedFixture(t)
	u := fx.newUser("revoked")
	sess, c := fx.newSession(u, nil)
	h := cookieHeader("better-auth.session_token", c)
	for range 2 {
		res, _ := fx.do(http.MethodGet, "/forward-auth", h, "")
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	require.GreaterOrEqual(t, fx.cache.Stats().Hits, uint64(1), "the second request is served from memory")
	fx.exec(`DELETE FROM shared_session WHERE id = $1`, sess.ID)
	eventually(t, "the revoked session is refused", func() bool {
		res, _ := fx.do(http.MethodGet, "/forward-auth", h, "")
		return res.StatusCode == http.StatusUnauthorized
	})

	b := fx.newUser("banned")
	_, bc := fx.newSession(b, nil)
	bh := cookieHeader("better-auth.session_token", bc)
	res, _ := fx.do(http.MethodGet, "/forward-auth", bh, "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	fx.exec(`UPDATE shared_user SET banned = true WHERE id = $1`, b.ID)
	eventually(t, "the banned user is refused", func() bool {
		res, _ := fx.do(http.MethodGet, "/forward-auth", bh, "")
		return res.StatusCode == http.StatusForbidden
	})
}

// TestServe_ShutdownLetsInFlightRequestsFinish holds an API key
// verification on a row lock, starts the shutdown, and checks the order of
// events: new connections are refused, Serve has not returned, and once
// the lock goes the request gets its answer and Serve returns nil.
func TestServe_ShutdownLetsInFlightRequestsFinish(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	k, plain := fx.newUserKey(fx.user, store.APIKeyRequest{})
	tx, err := fx.su.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT 1 FROM iam_apikey WHERE id = $1 FOR UPDATE`, k.ID)
	require.NoError(t, err)

	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := http.Post(fx.base+"/api/auth/api-key/verify", "application/json", strings.NewReader(`{"key":"`+plain+`"}`))
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer res.Body.Close()
		var a verifyAnswer
		err = json.NewDecoder(res.Body).Decode(&a)
		answered <- answer{status: res.StatusCode, body: map[bool]string{true: "valid", false: "invalid"}[a.Valid], err: err}
	}()
	var dbName string
	require.NoError(t, fx.su.QueryRow(ctx, `SELECT current_database()`).Scan(&dbName))
	watcher, err := pgx.Connect(ctx, fx.url) // a superuser sees every backend's wait
	require.NoError(t, err)
	defer watcher.Close(ctx)
	eventually(t, "the verification waits for the row lock", func() bool {
		var n int
		_ = watcher.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, dbName).Scan(&n)
		return n > 0
	})

	stopped := make(chan error, 1)
	go func() { stopped <- fx.stop() }()
	addr := strings.TrimPrefix(fx.base, "http://")
	eventually(t, "the listener closes", func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
		}
		return err != nil
	})
	select {
	case err := <-stopped:
		t.Fatalf("Serve returned (%v) while a request was in flight", err)
	case a := <-answered:
		t.Fatalf("the request was answered (%+v) before its database work could finish", a)
	default:
	}
	require.NoError(t, tx.Rollback(ctx))
	a := <-answered
	require.NoError(t, a.err)
	require.Equal(t, http.StatusOK, a.status)
	require.Equal(t, "valid", a.body)
	require.NoError(t, <-stopped)
}

// TestServe_NothingSecretIsLogged runs every kind of request with the
// access log on at debug level and looks for every secret in the log.
func TestServe_NothingSecretIsLogged(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	k, plain := fx.newUserKey(fx.user, store.APIKeyRequest{Prefix: "ba_"})
	resetToken := "reset-token-in-the-protected-apps-path"
	requests := []struct {
		method, path string
		h            http.Header
		body         string
	}{
		{http.MethodGet, "/forward-auth", fx.sessionCookie(), ""},
		{http.MethodGet, "/forward-auth/reset-password/" + resetToken + "?token=" + resetToken, fx.sessionCookie(), ""},
		{http.MethodGet, "/forward-auth", http.Header{"Authorization": {"Bearer " + fx.cookie}}, ""},
		{http.MethodGet, "/forward-auth", cookieHeader("better-auth.session_token", "A"+fx.cookie[1:]), ""},
		{http.MethodGet, "/forward-auth", http.Header{"X-Api-Key": {plain}}, ""},
		{http.MethodGet, "/forward-auth", http.Header{"X-Api-Key": {plain + "x"}}, ""},
		{http.MethodGet, "/api/auth/get-session", fx.sessionCookie(), ""},
		{http.MethodPost, "/api/auth/api-key/verify", nil, `{"key":"` + plain + `"}`},
		{http.MethodPost, "/api/auth/api-key/verify", nil, `{"key":"` + plain + `","permissions":{"x":["y"]}}`},
		{http.MethodPost, "/api/auth/api-key/verify", nil, `{"key":42,"configId":"` + plain + `"`},
		{http.MethodGet, "/readyz", nil, ""},
	}
	for _, r := range requests {
		fx.do(r.method, r.path, r.h, r.body)
	}
	fx.st.Close()
	fx.do(http.MethodGet, "/forward-auth", fx.sessionCookie(), "") // a database error, logged at Error
	require.NoError(t, fx.stop())

	logs := fx.logs.String()
	require.Contains(t, logs, `"route":"forward_auth"`)
	require.Contains(t, logs, `"level":"ERROR"`)
	require.Contains(t, logs, `"user_id":"`+fx.user.ID.String()+`"`, "ids are not secrets")
	for name, secret := range map[string]string{
		"session token": fx.sess.Token.Reveal(), "signed cookie": fx.cookie, "cookie signature": fx.cookie[strings.LastIndex(fx.cookie, ".")+1:],
		"API key": plain, "API key hash": k.Key.Reveal(), "Better Auth secret": testSecret, "protected path's token": resetToken,
	} {
		require.NotContainsf(t, logs, secret, "the log contains the %s", name)
	}
}

func TestNew_RefusesBadConfigNamingEachField(t *testing.T) {
	t.Parallel()
	auth, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret(testSecret)})
	require.NoError(t, err)
	_, err = serve.New(serve.Config{})
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.True(t, ve.Has("auth", "required"), err)
	require.True(t, ve.Has("store", "required"), err)

	_, err = serve.New(serve.Config{Auth: auth, BasePath: "api auth", ForwardAuthPath: "/api/auth",
		Headers:       map[string]string{serve.HeaderUserID: "X User", "nickname": "X-Nick"},
		APIKeyHeaders: []string{"Authorization"}, LoginURL: "javascript:alert(1)", RequestTimeout: -time.Second})
	require.ErrorAs(t, err, &ve)
	for _, p := range [][2]string{{"store", "required"}, {"basePath", "path"}, {"headers.user-id", "header_name"}, {"headers.nickname", "known"},
		{"apiKeyHeaders[0]", "reserved"}, {"loginURL", "url"}, {"requestTimeout", "non_negative"}} {
		require.Truef(t, ve.Has(p[0], p[1]), "%s %s in %v", p[0], p[1], err)
	}
}

func TestServe_LimitsAndTimeouts(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, func(c *serve.Config) { c.MaxHeaderBytes = 4 << 10 })
	hs := fx.srv.HTTPServer()
	require.Equal(t, 5*time.Second, hs.ReadHeaderTimeout)
	require.Equal(t, 10*time.Second, hs.ReadTimeout)
	require.Equal(t, 15*time.Second, hs.WriteTimeout)
	require.Equal(t, 120*time.Second, hs.IdleTimeout)
	require.Equal(t, 4<<10, hs.MaxHeaderBytes)

	res, _ := fx.do(http.MethodGet, "/forward-auth", http.Header{"Cookie": {"junk=" + strings.Repeat("x", 16<<10)}}, "")
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, res.StatusCode)

	// A client that sends half a header and stalls is cut off by
	// ReadHeaderTimeout; here only that the server stays up is checked.
	c, err := net.Dial("tcp", strings.TrimPrefix(fx.base, "http://"))
	require.NoError(t, err)
	_, err = c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n"))
	require.NoError(t, err)
	res, body := fx.do(http.MethodGet, "/healthz", nil, "")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	_ = c.Close()
	require.False(t, errors.Is(fx.stop(), context.Canceled))
}
