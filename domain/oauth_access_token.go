package domain

import (
	"strings"
	"time"
)

// Validate checks every rule of an access token row and reports all failures.
func (t OAuthAccessToken) Validate() error {
	v := NewValidator(TableOAuthAccessToken)
	v.secret("accessToken", or(t.AccessToken, Secret{}))
	v.secret("refreshToken", or(t.RefreshToken, Secret{}))
	v.expiresAfter("accessTokenExpiresAt", or(t.AccessTokenExpiresAt, time.Time{}), t.CreatedAt)
	v.expiresAfter("refreshTokenExpiresAt", or(t.RefreshTokenExpiresAt, time.Time{}), t.CreatedAt)
	v.text("clientId", or(t.ClientID, ""), 1, MaxNameLength)
	v.text("scopes", or(t.Scopes, ""), 1, MaxTextLength)
	return v.Err()
}

// NewOAuthAccessToken validates p and returns a new token pair; both expiries
// must be in the future.
func NewOAuthAccessToken(p OAuthAccessTokenParams) (OAuthAccessToken, error) {
	t := OAuthAccessToken{
		Audit:                 NewAudit[OAuthAccessToken](),
		OrganizationID:        p.OrganizationID,
		AccessToken:           ptr(p.AccessToken),
		RefreshToken:          ptr(p.RefreshToken),
		AccessTokenExpiresAt:  ptr(p.AccessTokenExpiresAt),
		RefreshTokenExpiresAt: ptr(p.RefreshTokenExpiresAt),
		ClientID:              ptr(strings.TrimSpace(p.ClientID)),
		UserID:                p.UserID,
		Scopes:                ptr(strings.Join(strings.Fields(p.Scopes), " ")),
	}
	if err := t.Validate(); err != nil {
		return OAuthAccessToken{}, err
	}
	return t, nil
}
