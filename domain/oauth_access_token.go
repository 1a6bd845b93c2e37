package domain

import (
	"io"
	"strings"
	"time"
)

// OAuthAccessTokenID is the public id of an OAuthAccessToken.
type OAuthAccessTokenID = ID[OAuthAccessToken]

// OAuthAccessToken is an issued access/refresh token pair
// (iam_oauth_access_token, optional tenant; Better Auth ≤ 1.6 shape). Both
// tokens are secrets left out of JSON. The columns keep the seed's
// nullability; Validate requires what Better Auth 1.6 always writes.
type OAuthAccessToken struct {
	Audit[OAuthAccessToken]
	OrganizationID        *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	AccessToken           *Secret         `db:"access_token" json:"-"`
	RefreshToken          *Secret         `db:"refresh_token" json:"-"`
	AccessTokenExpiresAt  *time.Time      `db:"access_token_expires_at" json:"accessTokenExpiresAt,omitempty"`
	RefreshTokenExpiresAt *time.Time      `db:"refresh_token_expires_at" json:"refreshTokenExpiresAt,omitempty"`
	ClientID              *string         `db:"client_id" json:"clientId,omitempty"`
	UserID                *UserID         `db:"user_id" json:"userId,omitempty"` // nil for client-credentials tokens
	Scopes                *string         `db:"scopes" json:"scopes,omitempty"`  // space-separated
}

// TableName implements Entity.
func (OAuthAccessToken) TableName() string { return TableOAuthAccessToken }

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

// OAuthAccessTokenParams is the input that creates an OAuthAccessToken.
type OAuthAccessTokenParams struct {
	OrganizationID        *OrganizationID `json:"organizationId"`
	AccessToken           Secret          `json:"accessToken"`
	RefreshToken          Secret          `json:"refreshToken"`
	AccessTokenExpiresAt  time.Time       `json:"accessTokenExpiresAt"`
	RefreshTokenExpiresAt time.Time       `json:"refreshTokenExpiresAt"`
	ClientID              string          `json:"clientId"`
	UserID                *UserID         `json:"userId"`
	Scopes                string          `json:"scopes"`
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

// DecodeOAuthAccessTokenParams decodes and validates a JSON
// OAuthAccessTokenParams.
func DecodeOAuthAccessTokenParams(r io.Reader) (OAuthAccessTokenParams, error) {
	return decodeParams(TableOAuthAccessToken, r, NewOAuthAccessToken)
}

// OAuthAccessTokenPatch lists what an update of a token pair may change:
// expiring it early (revocation).
type OAuthAccessTokenPatch struct {
	AccessTokenExpiresAt  *time.Time `json:"accessTokenExpiresAt"`
	RefreshTokenExpiresAt *time.Time `json:"refreshTokenExpiresAt"`
}

// Apply applies the patch to t when the result is valid; on error t is
// unchanged.
func (p OAuthAccessTokenPatch) Apply(t *OAuthAccessToken) error {
	next := *t
	setOpt(&next.AccessTokenExpiresAt, p.AccessTokenExpiresAt)
	setOpt(&next.RefreshTokenExpiresAt, p.RefreshTokenExpiresAt)
	if err := next.Validate(); err != nil {
		return err
	}
	*t = next
	return nil
}
