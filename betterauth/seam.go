package betterauth

import (
	"context"
	"net/http"
	"strings"

	"github.com/beep/iam/domain"
)

// This file is the seam to the store: RequestSession takes the lookup as a
// function, so a caller can put a cache or its own query behind it;
// Authenticate (verify.go) is RequestSession with store.LookupSession.

// DefaultAPIKeyHeader is the header Better Auth's api-key plugin reads
// (apiKeyHeaders).
const DefaultAPIKeyHeader = "x-api-key"

// RequestSession verifies the request's session cookie or bearer token
// ([Auth.SessionToken]) and hands the plain token to lookup, which loads the
// session, its user and the active membership in one round trip and must
// reject a session whose expiresAt is not after now.
func RequestSession[S any](ctx context.Context, a *Auth, r *http.Request,
	lookup func(ctx context.Context, token domain.Secret) (S, error)) (S, error) {
	tok, err := a.SessionToken(r)
	if err != nil {
		var zero S
		return zero, err
	}
	return lookup(ctx, tok)
}

// APIKeyFromRequest returns the API key in the first of headers present
// (DefaultAPIKeyHeader when none are given), trimmed.
func APIKeyFromRequest(r *http.Request, headers ...string) (string, bool) {
	if len(headers) == 0 {
		headers = []string{DefaultAPIKeyHeader}
	}
	for _, h := range headers {
		if v := strings.TrimSpace(r.Header.Get(h)); v != "" {
			return v, true
		}
	}
	return "", false
}
