package betterauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// AccessTokenVerifier verifies an access token; [*TokenVerifier] is one.
type AccessTokenVerifier interface {
	Verify(ctx context.Context, token string) (*AccessToken, error)
}

// BearerOptions configures [RequireBearer].
type BearerOptions struct {
	// Realm is the realm of the WWW-Authenticate challenge; "" leaves it out.
	Realm string
	// Scopes are required of every token (403 insufficient_scope otherwise).
	Scopes []string
	// ResourceMetadata is the URL of this server's OAuth protected resource
	// metadata (RFC 9728), sent as resource_metadata in every challenge so
	// that clients (MCP clients, for one) find the authorization server.
	ResourceMetadata string
	// OnRefused, when set, is called with every refused or failed request
	// and its error (which never contains the token), for logs and metrics.
	OnRefused func(r *http.Request, status int, err error)
}

type accessTokenKey struct{}

// AccessTokenFrom returns the access token [RequireBearer] verified for the
// request.
func AccessTokenFrom(ctx context.Context) (*AccessToken, bool) {
	t, ok := ctx.Value(accessTokenKey{}).(*AccessToken)
	return t, ok && t != nil
}

// ContextWithAccessToken returns ctx carrying t, as [RequireBearer] passes it
// on (for handler tests).
func ContextWithAccessToken(ctx context.Context, t *AccessToken) context.Context {
	return context.WithValue(ctx, accessTokenKey{}, t)
}

// BearerToken returns the token of the request's "Authorization: Bearer"
// header (RFC 6750 2.1). No Authorization header, or one of another scheme,
// is [ErrNoCredentials]; more than one header, a missing token, or a token
// that is not a b64token is an [*InputError] for field "authorization"
// matching [ErrMalformed].
func BearerToken(r *http.Request) (string, error) {
	vals := r.Header.Values("Authorization")
	if len(vals) == 0 {
		return "", ErrNoCredentials
	}
	if len(vals) > 1 {
		return "", inputErr("authorization", "single_header", ErrMalformed)
	}
	scheme, tok, _ := strings.Cut(vals[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", ErrNoCredentials
	}
	tok = strings.TrimLeft(tok, " ")
	if tok == "" {
		return "", inputErr("authorization", "token_required", ErrMalformed)
	}
	i := 0
	for i < len(tok) && isB64TokenChar(tok[i]) && tok[i] != '=' {
		i++
	}
	for i < len(tok) && tok[i] == '=' {
		i++
	}
	if i != len(tok) {
		return "", inputErr("authorization", "b64token", ErrMalformed)
	}
	return tok, nil
}

// RequireBearer returns middleware that lets a request through only with a
// valid bearer access token granting opts.Scopes, and puts the token in the
// request's context ([AccessTokenFrom]). Otherwise it answers as RFC 6750 3
// says, with a WWW-Authenticate: Bearer challenge and a JSON body
// {"error", "error_description"}:
//
//   - no credentials: 401, a challenge without error;
//   - malformed Authorization header: 400 invalid_request;
//   - token refused ([ErrInvalidToken]): 401 invalid_token, the description
//     naming the rule ("access_token.exp: expired");
//   - scopes missing: 403 insufficient_scope with scope="<required>";
//   - the verifier failed otherwise (database): 503, no challenge.
//
// Nothing it writes or passes to OnRefused contains the token.
func RequireBearer(v AccessTokenVerifier, opts BearerOptions) func(http.Handler) http.Handler {
	for _, s := range opts.Scopes {
		if !validScope(s) {
			panic(fmt.Sprintf("betterauth: RequireBearer: scope %q is not an RFC 6749 scope-token", s))
		}
	}
	for _, p := range []string{opts.Realm, opts.ResourceMetadata} {
		if strings.ContainsAny(p, "\"\\") || strings.IndexFunc(p, func(r rune) bool { return r < 0x20 || r >= 0x7f }) >= 0 {
			panic("betterauth: RequireBearer: realm and resource metadata must be printable ASCII without quotes or backslashes")
		}
	}
	required := strings.Join(opts.Scopes, " ")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok, err := BearerToken(r)
			var t *AccessToken
			if err == nil {
				t, err = v.Verify(r.Context(), tok)
			}
			if err == nil && len(opts.Scopes) > 0 {
				err = t.RequireScopes(opts.Scopes...)
			}
			if err != nil {
				status := writeBearerError(w, opts, required, err)
				if opts.OnRefused != nil {
					opts.OnRefused(r, status, err)
				}
				return
			}
			next.ServeHTTP(w, r.WithContext(ContextWithAccessToken(r.Context(), t)))
		})
	}
}

// writeBearerError answers a refused request and returns the status.
func writeBearerError(w http.ResponseWriter, opts BearerOptions, required string, err error) int {
	var (
		status       int
		code, desc   string
		scope        string
		te           *TokenError
		ie           *InputError
		se           *ScopeError
		noChallenge  bool
		challengeErr = true
	)
	switch {
	case errors.Is(err, ErrNoCredentials):
		status, challengeErr = http.StatusUnauthorized, false
	case errors.As(err, &ie):
		status, code, desc = http.StatusBadRequest, "invalid_request", ie.Field+": "+ie.Rule
	case errors.As(err, &te):
		status, code, desc = http.StatusUnauthorized, "invalid_token", te.Description()
	case errors.As(err, &se):
		status, code, scope = http.StatusForbidden, "insufficient_scope", required
		desc = "access_token.scope: missing " + strings.Join(se.Missing, " ")
	default:
		status, code, desc, noChallenge = http.StatusServiceUnavailable, "temporarily_unavailable", "the token could not be verified now", true
	}
	h := w.Header()
	if !noChallenge {
		var b strings.Builder
		b.WriteString("Bearer")
		sep := " "
		param := func(k, v string) {
			b.WriteString(sep)
			b.WriteString(k)
			b.WriteString(`="`)
			b.WriteString(v)
			b.WriteByte('"')
			sep = ", "
		}
		if opts.Realm != "" {
			param("realm", opts.Realm)
		}
		if challengeErr {
			param("error", code)
			param("error_description", desc)
		}
		if scope != "" {
			param("scope", scope)
		}
		if opts.ResourceMetadata != "" {
			param("resource_metadata", opts.ResourceMetadata)
		}
		h.Set("WWW-Authenticate", b.String())
	}
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if challengeErr {
		_, _ = w.Write([]byte(`{"error":` + strconv.Quote(code) + `,"error_description":` + strconv.Quote(desc) + `}`))
	} else {
		_, _ = w.Write([]byte(`{"error":"unauthorized","error_description":"a bearer access token is required"}`))
	}
	return status
}
