package betterauth

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/beep/iam/domain"
)

// This file is the seam to the store: the parts of Better Auth's behaviour
// that need the database take the store's operation as a function, so that
// this package stays free of queries and the store stays free of formats.

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

// APIKeyApplier is the store's verification statement: for the apikey row
// whose key column equals hash, it applies [APIKeyPolicy.Evaluate] at now
// atomically (one conditional UPDATE ... RETURNING, deleting the row when the
// decision says so) and returns the decision and the row afterwards. No row
// is reported as [ErrInvalidAPIKey].
type APIKeyApplier func(ctx context.Context, hash string, now time.Time) (APIKeyDecision, APIKeyState, error)

// VerifyAPIKey rejects a malformed presented key before any database work
// (format), then hashes it and lets apply do the rest.
func VerifyAPIKey(ctx context.Context, format APIKeyFormat, presented string, now time.Time,
	apply APIKeyApplier) (APIKeyDecision, APIKeyState, error) {
	if err := format.Validate(presented); err != nil {
		return APIKeyDecision{}, APIKeyState{}, err
	}
	return apply(ctx, HashAPIKey(presented), now)
}
