package serve

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// Authentication methods (X-Auth-Method, extra.authMethod).
const (
	MethodCookie = "cookie"
	MethodBearer = "bearer"
	MethodAPIKey = "api-key"
)

// identity is who a request is. Every field is an id, a role list, an
// e-mail address or a method: nothing that authenticates.
type identity struct {
	method           string
	subject          string // the user id; an organization's key: the organization id
	userID           string
	sessionID        string
	organizationID   string
	userRole         string
	organizationRole string
	email            string
	apiKeyID         string
}

func (id *identity) value(key string) string {
	switch key {
	case HeaderUserID:
		return id.userID
	case HeaderSessionID:
		return id.sessionID
	case HeaderOrganizationID:
		return id.organizationID
	case HeaderUserRole:
		return id.userRole
	case HeaderOrganizationRole:
		return id.organizationRole
	case HeaderUserEmail:
		return id.email
	case HeaderAuthMethod:
		return id.method
	case HeaderAPIKeyID:
		return id.apiKeyID
	}
	return ""
}

// denial is why a request is not authenticated: the outcome, the HTTP
// status and Better Auth's error code with a fixed message.
type denial struct {
	outcome, code, message string
	status                 int
	err                    error // for the log
}

var (
	denyNoCredentials = denial{outcome: outcomeNoCredentials, status: http.StatusUnauthorized, code: "UNAUTHORIZED", message: "no session cookie, bearer token or API key"}
	denyBadSession    = denial{outcome: outcomeInvalid, status: http.StatusUnauthorized, code: "INVALID_SESSION", message: "the session is invalid, expired or revoked"}
	denyBadAPIKey     = keyDenial(store.APIKeyInvalid, outcomeInvalid, http.StatusUnauthorized)
	denyBanned        = denial{outcome: outcomeForbidden, status: http.StatusForbidden, code: "USER_BANNED", message: "the user is banned or deleted"}
	denyUnavailable   = denial{outcome: outcomeError, status: http.StatusServiceUnavailable, code: "UNAVAILABLE", message: "the identity database did not answer"}
)

// keyDenial is the denial of a key refused with outcome o, with Better
// Auth's code and message (store.APIKeyOutcome's mapping).
func keyDenial(o store.APIKeyOutcome, outcome string, status int) denial {
	return denial{outcome: outcome, status: status, code: o.Code(), message: o.Message()}
}

// authenticate finds and checks the request's credentials: an API key
// header first (an explicit machine credential), then the bearer token or
// the session cookie. A nil denial means id is set.
func (s *Server) authenticate(ctx context.Context, r *http.Request) (identity, *denial) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	if key, ok := betterauth.APIKeyFromRequest(r, s.cfg.APIKeyHeaders...); ok {
		return s.authenticateKey(ctx, key)
	}
	tok, method, err := s.sessionToken(r)
	if err != nil {
		if errors.Is(err, betterauth.ErrNoCredentials) {
			return identity{}, &denyNoCredentials
		}
		d := denyBadSession
		d.err = err
		return identity{}, &d
	}
	info, err := s.lookup(ctx, tok)
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrExpired):
		d := denyBadSession
		d.err = err
		return identity{}, &d
	case errors.Is(err, store.ErrForbidden):
		d := denyBanned
		d.err = err
		return identity{}, &d
	default:
		d := denyUnavailable
		d.err = err
		return identity{}, &d
	}
	id := identity{
		method:    method,
		subject:   info.User.ID.String(),
		userID:    info.User.ID.String(),
		sessionID: info.Session.ID.String(),
		userRole:  string(info.User.Role),
		email:     info.User.Email,
	}
	if info.Member != nil {
		id.organizationID = info.Member.OrganizationID.String()
		id.organizationRole = string(info.Member.Role)
	}
	return id, nil
}

// maxAPIKeyLen bounds a presented key before it is hashed: Better Auth's
// are a prefix of at most 32 characters and 64 letters.
const maxAPIKeyLen = 512

func (s *Server) authenticateKey(ctx context.Context, key string) (identity, *denial) {
	if len(key) > maxAPIKeyLen || s.cfg.APIKeyFormat != nil && s.cfg.APIKeyFormat.Validate(key) != nil {
		return identity{}, &denyBadAPIKey
	}
	v, err := s.cfg.Store.VerifyAPIKey(ctx, betterauth.HashAPIKey(key), s.cfg.APIKeyConfigID)
	if err != nil {
		d := denyUnavailable
		d.err = err
		return identity{}, &d
	}
	switch v.Outcome {
	case store.APIKeyValid:
	case store.APIKeyInvalid:
		return identity{}, &denyBadAPIKey
	default:
		d := keyDenial(v.Outcome, outcomeKeyRefused, http.StatusForbidden)
		return identity{}, &d
	}
	k := v.Key
	id := identity{method: MethodAPIKey, subject: k.ReferenceID, apiKeyID: k.ID.String()}
	if k.OrganizationID != nil {
		id.organizationID = k.OrganizationID.String()
	}
	if k.UserID != nil {
		// A user's key speaks for the user: a banned or deleted user's key
		// is refused like the user's sessions.
		u, err := s.cfg.Store.Users().Get(ctx, *k.UserID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			d := denyBanned
			d.err = err
			return identity{}, &d
		case err != nil:
			d := denyUnavailable
			d.err = err
			return identity{}, &d
		case u.DeletedAt != nil || u.Banned && (u.BanExpires == nil || u.BanExpires.After(time.Now())):
			return identity{}, &denyBanned
		}
		id.userID, id.userRole, id.email = u.ID.String(), string(u.Role), u.Email
	}
	return id, nil
}

// sessionToken verifies the bearer token or the session cookie, as Better
// Auth's bearer plugin orders them: a bearer token that verifies wins; else
// the cookie (its configured name, and the same name with or without the
// __Secure- prefix); else the bearer's error.
func (s *Server) sessionToken(r *http.Request) (domain.Secret, string, error) {
	var bearerErr error
	if v := r.Header.Get("Authorization"); len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		tok, err := s.cfg.Auth.VerifyBearer(v[7:])
		if err == nil {
			return tok, MethodBearer, nil
		}
		bearerErr = err
	}
	for _, name := range s.cookieNames {
		if v, ok := betterauth.CookieValue(r.Header, name); ok {
			tok, err := s.cfg.Auth.VerifySignedValue(v)
			return tok, MethodCookie, err
		}
	}
	if bearerErr != nil {
		return domain.Secret{}, "", bearerErr
	}
	return domain.Secret{}, "", betterauth.ErrNoCredentials
}

// forwardAuth is the gateway endpoint: any method, any path below
// ForwardAuthPath; the body is never read.
func (s *Server) forwardAuth(w http.ResponseWriter, r *http.Request) result {
	id, d := s.authenticate(r.Context(), r)
	h := w.Header()
	h[hdrCacheControl] = valNoStore
	if d != nil {
		// Every identity header is sent, empty: a gateway that copies them
		// replaces whatever the client sent under those names.
		for _, ih := range s.headers {
			h[ih.name] = emptyValue
		}
		res := result{status: d.status, outcome: d.outcome, reason: d.code, err: d.err}
		if (d.outcome == outcomeNoCredentials || d.outcome == outcomeInvalid) && s.cfg.LoginURL != "" && acceptsHTML(r) {
			h["Location"] = []string{s.loginRedirect(r)}
			w.WriteHeader(http.StatusFound)
			res.status = http.StatusFound
			return res
		}
		writeError(w, d.status, d.code, d.message)
		return res
	}
	for _, ih := range s.headers {
		h[ih.name] = []string{id.value(ih.key)}
	}
	writeJSON(w, http.StatusOK, id.appendBody(make([]byte, 0, 512)))
	return result{status: http.StatusOK, outcome: outcomeOK, method: id.method, userID: id.userID}
}

var emptyValue = []string{""}

// appendBody renders {"subject": ..., "extra": {...}}: the subject and
// extra fields Ory Oathkeeper's cookie_session authenticator reads
// (subject_from, extra_from), with the identity's non-empty fields.
func (id *identity) appendBody(b []byte) []byte {
	b = append(b, `{"subject":`...)
	b = appendJSONString(b, id.subject)
	b = append(b, `,"extra":{"authMethod":`...)
	b = appendJSONString(b, id.method)
	for _, f := range [...]struct{ k, v string }{
		{"userId", id.userID}, {"sessionId", id.sessionID}, {"organizationId", id.organizationID},
		{"userRole", id.userRole}, {"organizationRole", id.organizationRole}, {"email", id.email}, {"apiKeyId", id.apiKeyID},
	} {
		if f.v != "" {
			b = append(b, ',')
			b = appendJSONString(b, f.k)
			b = append(b, ':')
			b = appendJSONString(b, f.v)
		}
	}
	return append(b, "}}\n"...)
}

// acceptsHTML reports whether the request is a browser's navigation: its
// Accept header names text/html.
func acceptsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(v, "text/html") {
			return true
		}
	}
	return false
}

// loginRedirect is LoginURL with the original request's URL in
// LoginRedirectParam, rebuilt from what the gateway forwards:
// X-Original-URL (a full URL), else X-Forwarded-Proto + X-Forwarded-Host +
// (X-Forwarded-Uri or X-Original-URI), else the path below ForwardAuthPath
// (Envoy's path_prefix) on the request's Host.
func (s *Server) loginRedirect(r *http.Request) string {
	u, _ := url.Parse(s.cfg.LoginURL) // validated by New
	orig := originalURL(r, s.cfg.ForwardAuthPath)
	if orig != "" {
		q := u.Query()
		q.Set(s.cfg.LoginRedirectParam, orig)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func originalURL(r *http.Request, prefix string) string {
	if v := r.Header.Get("X-Original-URL"); v != "" {
		if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u.String()
		}
	}
	proto := r.Header.Get("X-Forwarded-Proto")
	if proto != "http" && proto != "https" {
		proto = "http"
		if r.TLS != nil {
			proto = "https"
		}
	}
	host := r.Header.Get("X-Forwarded-Host")
	if host == "" {
		host = r.Host
	}
	uri := r.Header.Get("X-Forwarded-Uri")
	if uri == "" {
		uri = r.Header.Get("X-Original-URI")
	}
	if uri == "" {
		uri = strings.TrimPrefix(r.URL.RequestURI(), prefix)
	}
	if host == "" || !strings.HasPrefix(uri, "/") || strings.ContainsAny(host, "/\\@ ") {
		return ""
	}
	u, err := url.Parse(proto + "://" + host + uri)
	if err != nil {
		return ""
	}
	return u.String()
}
