package domain

import "time"

// AccountID is the public id of an Account.
type AccountID = ID[Account]

// Account links a user to a sign-in method (iam_account): provider
// "credential" with a password hash, or an OAuth provider with its tokens.
//
// Password holds Better Auth's scrypt hash, an opaque secret left out of JSON
// (plain-password strength rules belong to ValidatePassword, at the moment a
// plain password enters, never to the stored hash). The OAuth tokens are
// present in JSON but redacted, as in the seed, so a client sees which are set.
type Account struct {
	Audit[Account]
	AccountID             string     `db:"account_id" json:"accountId"`
	ProviderID            string     `db:"provider_id" json:"providerId"`
	UserID                UserID     `db:"user_id" json:"userId"`
	AccessToken           *Secret    `db:"access_token" json:"accessToken,omitempty"`
	RefreshToken          *Secret    `db:"refresh_token" json:"refreshToken,omitempty"`
	IDToken               *Secret    `db:"id_token" json:"idToken,omitempty"`
	AccessTokenExpiresAt  *time.Time `db:"access_token_expires_at" json:"accessTokenExpiresAt,omitempty"`
	RefreshTokenExpiresAt *time.Time `db:"refresh_token_expires_at" json:"refreshTokenExpiresAt,omitempty"`
	Scope                 *string    `db:"scope" json:"scope,omitempty"`
	Password              *Secret    `db:"password" json:"-"`
}

// TableName implements Entity.
func (Account) TableName() string { return TableAccount }
