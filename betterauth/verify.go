package betterauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// Authenticate verifies the request's signed session cookie or bearer token
// (secret, __Secure- prefix, signature) and loads the session, its user and
// the user's membership of the active organization in one database round
// trip (store.LookupSession: one statement).
//
// Errors: ErrNoCredentials (no cookie, no bearer), ErrMalformed or
// ErrInvalidSignature (tampered, or signed with another secret), and from the
// store: store.ErrNotFound (unknown or revoked session — Better Auth deletes
// revoked sessions), store.ErrExpired (expired session), store.ErrForbidden
// (banned or deleted user). Each is matched with errors.Is; none contains
// the token.
func (a *Auth) Authenticate(ctx context.Context, r *http.Request, s *store.Store) (store.SessionInfo, error) {
	return RequestSession(ctx, a, r, s.LookupSession)
}

// APIKeyRefusedError reports a presented API key that exists but was refused
// (disabled, expired, used up or rate limited). errors.Is matches it against
// ErrAPIKeyRefused.
type APIKeyRefusedError struct {
	Outcome    store.APIKeyOutcome
	TryAgainIn time.Duration // for rate limiting
}

// ErrAPIKeyRefused is matched by every *APIKeyRefusedError.
var ErrAPIKeyRefused = errors.New("API key refused")

func (e *APIKeyRefusedError) Error() string {
	if e.Outcome == store.APIKeyRateLimited {
		return fmt.Sprintf("API key refused: %s (try again in %s)", e.Outcome, e.TryAgainIn.Round(time.Millisecond))
	}
	return "API key refused: " + string(e.Outcome)
}

// Is makes errors.Is(err, ErrAPIKeyRefused) true.
func (e *APIKeyRefusedError) Is(target error) bool { return target == ErrAPIKeyRefused }

// Code is Better Auth's error code for the refusal (KEY_DISABLED, ...):
// e.Outcome.Code().
func (e *APIKeyRefusedError) Code() string { return e.Outcome.Code() }

// VerifyAPIKey verifies a presented API key with Better Auth's semantics:
// a malformed key (format: prefix, length, letters) is refused before any
// database work; otherwise the store's race-free statement decides
// (store.VerifyAPIKey: one statement, one commit). configID restricts the
// key to one api-key configuration ("" for any).
//
// It returns the key's row when valid; ErrMalformed for a malformed key,
// ErrInvalidAPIKey for an unknown one, and *APIKeyRefusedError otherwise.
func VerifyAPIKey(ctx context.Context, s *store.Store, format APIKeyFormat, presented, configID string) (domain.APIKey, error) {
	if err := format.Validate(presented); err != nil {
		return domain.APIKey{}, err
	}
	v, err := s.VerifyAPIKey(ctx, HashAPIKey(presented), configID)
	if err != nil {
		return domain.APIKey{}, err
	}
	switch v.Outcome {
	case store.APIKeyValid:
		return v.Key, nil
	case store.APIKeyInvalid:
		return domain.APIKey{}, ErrInvalidAPIKey
	default:
		return domain.APIKey{}, &APIKeyRefusedError{Outcome: v.Outcome, TryAgainIn: v.TryAgainIn}
	}
}
