package serve

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// Identity header keys: the names of Config.Headers, and what each carries.
const (
	HeaderUserID           = "user-id"           // the user's id (also an API key's owner, when a user)
	HeaderSessionID        = "session-id"        // the session's id (cookie and bearer only)
	HeaderOrganizationID   = "organization-id"   // the session's active organization, or the organization owning the API key
	HeaderUserRole         = "user-role"         // the user's roles (Better Auth's admin plugin user.role)
	HeaderOrganizationRole = "organization-role" // the member's roles in the active organization
	HeaderUserEmail        = "user-email"        // the user's e-mail address
	HeaderAuthMethod       = "auth-method"       // cookie, bearer or api-key
	HeaderAPIKeyID         = "api-key-id"        // the API key's id
)

// DefaultHeaders are the identity headers' default names.
func DefaultHeaders() map[string]string {
	return map[string]string{
		HeaderUserID:           "X-User-Id",
		HeaderSessionID:        "X-Session-Id",
		HeaderOrganizationID:   "X-Organization-Id",
		HeaderUserRole:         "X-User-Role",
		HeaderOrganizationRole: "X-Organization-Role",
		HeaderUserEmail:        "X-User-Email",
		HeaderAuthMethod:       "X-Auth-Method",
		HeaderAPIKeyID:         "X-API-Key-Id",
	}
}

// headerOrder fixes the order of the identity headers (and of validation
// problems).
var headerOrder = []string{HeaderUserID, HeaderSessionID, HeaderOrganizationID, HeaderUserRole,
	HeaderOrganizationRole, HeaderUserEmail, HeaderAuthMethod, HeaderAPIKeyID}

// Config configures a Server. Auth and Store are required; everything else
// has a default.
type Config struct {
	// Auth verifies cookies and bearer tokens with Better Auth's secret.
	Auth *betterauth.Auth
	// Store answers the lookups (connected as iam_app).
	Store *store.Store
	// Cache, when set, serves the session lookups (revocation-aware: see
	// store.SessionCache). The Server does not close it.
	Cache *store.SessionCache
	// Logger receives the server's logs (nil: discarded). Nothing secret is
	// ever logged.
	Logger *slog.Logger
	// AccessLog logs every request at Info (route, method, status, outcome,
	// duration, auth method, user id). Off: only failures (5xx) at Error,
	// denials at Debug.
	AccessLog bool
	// Registry receives the metrics (nil: a new registry with the Go and
	// process collectors). /metrics serves it.
	Registry *prometheus.Registry

	// BasePath is where Better Auth's endpoints are mounted (default
	// "/api/auth", Better Auth's basePath).
	BasePath string
	// ForwardAuthPath is the prefix of the forward-auth endpoint (default
	// "/forward-auth"); any method and any path below it is accepted.
	ForwardAuthPath string
	// Headers maps the identity header keys (HeaderUserID, ...) to the
	// response header names; a key mapped to "" is not sent. Keys left out
	// keep DefaultHeaders' names.
	Headers map[string]string
	// APIKeyHeaders are the request headers that carry an API key, first
	// present wins (default x-api-key, Better Auth's apiKeyHeaders).
	APIKeyHeaders []string
	// APIKeyFormat, when set, refuses keys of another format before any
	// database work (betterauth.APIKeyFormat: prefix and length).
	APIKeyFormat *betterauth.APIKeyFormat
	// APIKeyConfigID restricts forward auth to the keys of one api-key
	// configuration ("" for any).
	APIKeyConfigID string
	// LoginURL, when set, answers a browser (Accept: text/html) without
	// valid credentials with a 302 to it instead of a 401, carrying the
	// original URL (from X-Forwarded-Proto/-Host/-Uri, X-Original-URL or
	// X-Original-URI) in LoginRedirectParam. nginx's auth_request accepts
	// only 2xx, 401 and 403: leave it empty there (or send Accept: */* in
	// the auth location) and use error_page 401.
	LoginURL string
	// LoginRedirectParam is the query parameter of LoginURL that carries
	// the original URL (default "callbackURL", Better Auth's).
	LoginRedirectParam string

	// RequestTimeout bounds the database work of one request (default 5 s);
	// past it the request gets 503.
	RequestTimeout time.Duration
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// http.Server's (defaults 5 s, 10 s, 15 s, 120 s).
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header (default 32 KiB).
	MaxHeaderBytes int
	// MaxBodyBytes bounds a request body (default 64 KiB; only
	// /api-key/verify reads one).
	MaxBodyBytes int64
	// ShutdownTimeout is how long in-flight requests may take to finish
	// once shutdown starts (default 30 s); then connections are closed.
	ShutdownTimeout time.Duration
	// DrainDelay is how long /readyz reports 503 before the listener
	// closes, so that load balancers stop sending (default 0).
	DrainDelay time.Duration
	// JWKSGrace is how long an expired signing key stays published
	// (default betterauth.DefaultJWKSGracePeriod, the jwt plugin's).
	JWKSGrace time.Duration
	// JWKSRefresh is how long one reading of iam_jwks is served (default
	// 30 s).
	JWKSRefresh time.Duration
}

// withDefaults validates c and fills the defaults. The error is a
// *domain.ValidationError naming each bad field and rule.
func (c Config) withDefaults() (Config, error) {
	v := domain.NewValidator("serve")
	v.Check(c.Auth != nil, "auth", "required", "auth (the Better Auth secret) is required")
	v.Check(c.Store != nil, "store", "required", "store is required")
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.BasePath == "" {
		c.BasePath = "/api/auth"
	}
	c.BasePath = strings.TrimRight(c.BasePath, "/")
	v.Check(strings.HasPrefix(c.BasePath, "/") && validPath(c.BasePath), "basePath", "path", "basePath must be an absolute URL path")
	if c.ForwardAuthPath == "" {
		c.ForwardAuthPath = "/forward-auth"
	}
	c.ForwardAuthPath = strings.TrimRight(c.ForwardAuthPath, "/")
	v.Check(strings.HasPrefix(c.ForwardAuthPath, "/") && validPath(c.ForwardAuthPath), "forwardAuthPath", "path", "forwardAuthPath must be an absolute URL path other than /")
	v.Check(c.ForwardAuthPath != c.BasePath && !strings.HasPrefix(c.BasePath+"/", c.ForwardAuthPath+"/"),
		"forwardAuthPath", "distinct", "forwardAuthPath must not contain basePath")
	headers := DefaultHeaders()
	for k, name := range c.Headers {
		if _, ok := headers[k]; !ok {
			v.Check(false, "headers."+k, "known", "unknown identity header %q (known: %s)", k, strings.Join(headerOrder, ", "))
			continue
		}
		v.Check(name == "" || validToken(name), "headers."+k, "header_name", "%s must be a valid HTTP header name", k)
		headers[k] = name
	}
	c.Headers = headers
	if len(c.APIKeyHeaders) == 0 {
		c.APIKeyHeaders = []string{betterauth.DefaultAPIKeyHeader}
	}
	for i, h := range c.APIKeyHeaders {
		v.Check(validToken(h), "apiKeyHeaders["+itoa(i)+"]", "header_name", "API key header names must be valid HTTP header names")
		if strings.EqualFold(h, "Authorization") || strings.EqualFold(h, "Cookie") {
			v.Check(false, "apiKeyHeaders["+itoa(i)+"]", "reserved", "Authorization and Cookie carry sessions, not API keys")
		}
	}
	if c.LoginURL != "" {
		u, err := url.Parse(c.LoginURL)
		v.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "" && strings.HasPrefix(u.Path, "/")),
			"loginURL", "url", "loginURL must be an http(s) URL or an absolute path")
	}
	if c.LoginRedirectParam == "" {
		c.LoginRedirectParam = "callbackURL"
	}
	for _, d := range []struct {
		field string
		p     *time.Duration
		def   time.Duration
	}{
		{"requestTimeout", &c.RequestTimeout, 5 * time.Second},
		{"readHeaderTimeout", &c.ReadHeaderTimeout, 5 * time.Second},
		{"readTimeout", &c.ReadTimeout, 10 * time.Second},
		{"writeTimeout", &c.WriteTimeout, 15 * time.Second},
		{"idleTimeout", &c.IdleTimeout, 120 * time.Second},
		{"shutdownTimeout", &c.ShutdownTimeout, 30 * time.Second},
		{"jwksGrace", &c.JWKSGrace, betterauth.DefaultJWKSGracePeriod},
		{"jwksRefresh", &c.JWKSRefresh, 30 * time.Second},
	} {
		v.Check(*d.p >= 0, d.field, "non_negative", "%s must not be negative", d.field)
		if *d.p == 0 {
			*d.p = d.def
		}
	}
	v.Check(c.DrainDelay >= 0, "drainDelay", "non_negative", "drainDelay must not be negative")
	v.Check(c.MaxHeaderBytes >= 0, "maxHeaderBytes", "non_negative", "maxHeaderBytes must not be negative")
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = 32 << 10
	}
	v.Check(c.MaxBodyBytes >= 0, "maxBodyBytes", "non_negative", "maxBodyBytes must not be negative")
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 64 << 10
	}
	if err := v.Err(); err != nil {
		return c, err
	}
	return c, nil
}

func validPath(p string) bool {
	u, err := url.Parse(p)
	return err == nil && u.Path == p && u.RawQuery == "" && !strings.Contains(p, "//")
}

// validToken reports whether s is an HTTP token (a valid header name).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}

func itoa(i int) string { return strconv.Itoa(i) }

// canonical returns the canonical form of a header name, so that handlers
// can assign w.Header()[name] without canonicalizing on every request.
func canonical(name string) string { return http.CanonicalHeaderKey(name) }
