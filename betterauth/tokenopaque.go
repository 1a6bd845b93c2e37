package betterauth

import "context"

// VerifyOpaque verifies an opaque access token: its format, then (with
// migration 0006) its row by hash in one statement. Until the
// oauth-provider 1.7 tables exist (migration 0005) a well-formed opaque
// token is refused with ErrUnsupportedToken, rule "opaque_not_accepted".
func (v *TokenVerifier) VerifyOpaque(ctx context.Context, token string) (*AccessToken, error) {
	if _, err := v.cfg.OpaqueFormat.Hash(token); err != nil {
		return nil, err
	}
	return nil, tokenErr("access_token", "opaque_not_accepted", ErrUnsupportedToken)
}
