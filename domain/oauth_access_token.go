package domain

import "time"

// OAuthAccessTokenID is the public id of an OAuthAccessToken.
type OAuthAccessTokenID = ID[OAuthAccessToken]

// OAuthAccessToken is an issued access/refresh token pair
// (iam_oauth_access_token, optional tenant; Better Auth ≤ 1.6 shape). Both
// tokens are secrets left out of JSON.
type OAuthAccessToken struct {
	Audit[OAuthAccessToken]
	OrganizationID        *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	AccessToken           Secret          `db:"access_token" json:"-"`
	RefreshToken          Secret          `db:"refresh_token" json:"-"`
	AccessTokenExpiresAt  time.Time       `db:"access_token_expires_at" json:"accessTokenExpiresAt"`
	RefreshTokenExpiresAt time.Time       `db:"refresh_token_expires_at" json:"refreshTokenExpiresAt"`
	ClientID              string          `db:"client_id" json:"clientId"`
	UserID                *UserID         `db:"user_id" json:"userId,omitempty"` // nil for client-credentials tokens
	Scopes                string          `db:"scopes" json:"scopes"`            // space-separated
}

// TableName implements Entity.
func (OAuthAccessToken) TableName() string { return TableOAuthAccessToken }
