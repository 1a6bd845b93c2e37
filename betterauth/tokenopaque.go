package betterauth

import (
	"context"
	"errors"
	"time"

	"github.com/beep/iam/store"
)

// VerifyOpaque verifies an opaque access token: its format (no database
// work for a malformed one), then its row, found by the token's hash in one
// statement (store.LookupOAuthAccessToken, migration 0006), by Better
// Auth's introspection rules in its order: not expired (with the leeway),
// not revoked, its client present and enabled, the session it names still
// live, an accepted audience (its resources; a token of none only with
// AllowNoAudience), and with Organization set, a client of that
// organization. Without a Store every opaque token is refused
// (ErrUnsupportedToken, rule "opaque_not_accepted").
func (v *TokenVerifier) VerifyOpaque(ctx context.Context, token string) (*AccessToken, error) {
	hash, err := v.cfg.OpaqueFormat.Hash(token)
	if err != nil {
		return nil, err
	}
	if v.cfg.Store == nil {
		return nil, tokenErr("access_token", "opaque_not_accepted", ErrUnsupportedToken)
	}
	row, err := v.cfg.Store.LookupOAuthAccessToken(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, tokenErr("access_token", "known_token", ErrUnknownToken)
	}
	if err != nil {
		return nil, err
	}
	now := v.now()
	if now.After(row.ExpiresAt.Add(v.cfg.Leeway)) {
		return nil, tokenErr("access_token.expires_at", "expired", ErrExpired)
	}
	if row.Revoked != nil {
		return nil, tokenErr("access_token.revoked", "not_revoked", ErrRevoked)
	}
	sessionID := deref(row.SessionID)
	if err := v.judgeClient(row.Client, sessionID, now); err != nil {
		return nil, err
	}
	if len(row.Resources) == 0 {
		if !v.cfg.AllowNoAudience {
			return nil, tokenErr("access_token.aud", "accepted_audience", ErrWrongAudience)
		}
	} else if !v.acceptsAudience(row.Resources) {
		return nil, tokenErr("access_token.aud", "accepted_audience", ErrWrongAudience)
	}
	t := &AccessToken{
		Kind:           TokenOpaque,
		UserID:         deref(row.UserID),
		ClientID:       row.ClientID,
		Scopes:         row.Scopes,
		Audience:       row.Resources,
		Issuer:         v.cfg.Issuer,
		SessionID:      sessionID,
		ReferenceID:    deref(row.ReferenceID),
		OrganizationID: deref(row.Client.OrganizationID),
		IssuedAt:       row.CreatedAt,
		ExpiresAt:      row.ExpiresAt,
		ID:             row.ID,
	}
	t.Subject = t.UserID
	if t.Subject == "" {
		t.Subject = t.ClientID
	}
	return t, nil
}

// checkClient asks the database about a verified JWT's client and session
// (CheckClient), as Better Auth's introspection does, and fills in the
// client's organization.
func (v *TokenVerifier) checkClient(ctx context.Context, t *AccessToken, now time.Time) error {
	c, err := v.cfg.Store.LookupOAuthClient(ctx, t.ClientID, t.SessionID)
	if err != nil {
		return err
	}
	if err := v.judgeClient(c, t.SessionID, now); err != nil {
		return err
	}
	t.OrganizationID = deref(c.OrganizationID)
	return nil
}

// judgeClient applies the client and session rules to what the database
// said: the client exists and is enabled, the session the token names
// (sessionID, "" for none) exists and has not expired, and the client
// belongs to the configured organization.
func (v *TokenVerifier) judgeClient(c store.OAuthClientStatus, sessionID string, now time.Time) error {
	if !c.Found || c.Disabled {
		return tokenErr("access_token.client_id", "client_enabled", ErrClientDisabled)
	}
	if sessionID != "" && (!c.SessionFound || c.SessionExpiresAt == nil || now.After(c.SessionExpiresAt.Add(v.cfg.Leeway))) {
		return tokenErr("access_token.sid", "session_live", ErrSessionEnded)
	}
	if v.cfg.Organization != "" && deref(c.OrganizationID) != v.cfg.Organization {
		return tokenErr("access_token.client_id", "configured_organization", ErrWrongOrganization)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
