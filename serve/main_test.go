package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
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

func TestMain(m *testing.M) { pgtest.Main(m) }

const testSecret = "serve-test-secret-0123456789abcdef0123456789"

// fixture is a running server on a fresh database with a user who owns an
// organization and has a session there.
type fixture struct {
	t      *testing.T
	url    string // superuser URL of the database
	su     *pgx.Conn
	st     *store.Store
	cache  *store.SessionCache // nil unless newCachedFixture
	auth   *betterauth.Auth
	srv    *serve.Server
	base   string // http://127.0.0.1:port
	logs   *syncBuffer
	user   domain.User
	org    domain.Organization
	sess   domain.Session
	cookie string // the signed session_token value
	stop   func() error
}

type fixtureOption func(*serve.Config)

// newFixture starts a server with the session cache off and stops it at
// the end of the test.
func newFixture(t *testing.T, opts ...fixtureOption) *fixture {
	t.Helper()
	return startFixture(t, false, opts...)
}

// newCachedFixture is newFixture with a session cache on the fixture's
// store, listening before the server starts.
func newCachedFixture(t *testing.T, opts ...fixtureOption) *fixture {
	t.Helper()
	return startFixture(t, true, opts...)
}

func startFixture(t *testing.T, cached bool, opts ...fixtureOption) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := &fixture{t: t, url: pgtest.NewDatabase(t), logs: &syncBuffer{}}
	var err error
	fx.su, err = pgx.Connect(ctx, fx.url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = fx.su.Close(context.Background()) })
	fx.st, err = store.Open(ctx, fx.url, store.Options{MaxConns: 8})
	require.NoError(t, err)
	t.Cleanup(fx.st.Close)
	fx.auth, err = betterauth.New(betterauth.Config{Secret: domain.NewSecret(testSecret)})
	require.NoError(t, err)

	fx.user = fx.newUser("owner")
	fx.org, _, err = fx.st.CreateOrganization(ctx, domain.OrganizationParams{Name: "Acme", Slug: "acme"}, fx.user.ID)
	require.NoError(t, err)
	fx.sess, fx.cookie = fx.newSession(fx.user, &fx.org.ID)

	cfg := serve.Config{Auth: fx.auth, Store: fx.st, AccessLog: true,
		Logger: slog.New(slog.NewJSONHandler(fx.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if cached {
		fx.cache, err = fx.st.NewSessionCache(store.SessionCacheOptions{})
		require.NoError(t, err)
		t.Cleanup(fx.cache.Close)
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		require.NoError(t, fx.cache.WaitLive(wctx), "the session cache never started listening")
		cfg.Cache = fx.cache
	}
	for _, o := range opts {
		o(&cfg)
	}
	fx.srv, err = serve.New(cfg)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	fx.base = "http://" + ln.Addr().String()
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- fx.srv.Serve(sctx, ln) }()
	var once sync.Once
	var serveErr error
	fx.stop = func() error {
		once.Do(func() { cancel(); serveErr = <-done })
		return serveErr
	}
	t.Cleanup(func() { _ = fx.stop() })
	return fx
}

func (fx *fixture) newUser(name string) domain.User {
	fx.t.Helper()
	u, err := domain.NewUser(domain.UserParams{Name: name, Email: name + "-" + domain.NewID[domain.User]().UUID().String()[24:] + "@example.com"})
	require.NoError(fx.t, err)
	u, err = fx.st.Users().Create(context.Background(), u)
	require.NoError(fx.t, err)
	return u
}

// newSession creates a session (active in org when given) and returns it
// with its signed cookie value.
func (fx *fixture) newSession(u domain.User, org *domain.OrganizationID) (domain.Session, string) {
	fx.t.Helper()
	ctx := context.Background()
	s, err := fx.st.CreateSession(ctx, u.ID, time.Hour, "203.0.113.9", "serve-test")
	require.NoError(fx.t, err)
	if org != nil {
		s, err = fx.st.SetActiveOrganization(ctx, s.ID, *org)
		require.NoError(fx.t, err)
	}
	return s, fx.auth.SignCookieValue(s.Token.Reveal())
}

// newUserKey creates an API key of u and returns the plain key.
func (fx *fixture) newUserKey(u domain.User, req store.APIKeyRequest) (domain.APIKey, string) {
	fx.t.Helper()
	k, err := fx.st.CreateUserAPIKey(context.Background(), u.ID, req)
	require.NoError(fx.t, err)
	return k.Key, k.Plain.Reveal()
}

func (fx *fixture) exec(sql string, args ...any) {
	fx.t.Helper()
	_, err := fx.su.Exec(context.Background(), sql, args...)
	require.NoError(fx.t, err, sql)
}

// do sends a request and returns the response with its body read.
func (fx *fixture) do(method, path string, header http.Header, body string) (*http.Response, string) {
	fx.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, fx.base+path, rd)
	require.NoError(fx.t, err)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	res, err := noRedirect.Do(req)
	require.NoError(fx.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(fx.t, err)
	return res, string(b)
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func cookieHeader(name, value string) http.Header {
	return http.Header{"Cookie": {"theme=dark; " + name + "=" + value + "; other=1"}}
}

func (fx *fixture) sessionCookie() http.Header {
	return cookieHeader("better-auth.session_token", fx.cookie)
}

// errorCode returns the code of a {"code", "message"} body.
func errorCode(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	require.NoErrorf(t, json.Unmarshal([]byte(body), &e), "body %q", body)
	require.NotEmpty(t, e.Message)
	return e.Code
}

// eventually polls cond; the deadline is for a loaded machine, nothing
// asserts how fast.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not true after 30 s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer for concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
