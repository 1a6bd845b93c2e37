package domain

import (
	"io"
	"strings"
	"time"
)

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

// ProviderCredential is the provider id of email/password accounts; their
// account id is the user id and Password holds the hash.
const ProviderCredential = "credential"

// Validate checks every rule of an account row and reports all failures. The
// password hash is opaque: only its presence is checked (a credential account
// must have one).
func (a Account) Validate() error {
	v := NewValidator(TableAccount)
	v.text("accountId", a.AccountID, 1, MaxNameLength)
	v.text("providerId", a.ProviderID, 1, 64)
	v.requiredID("userId", a.UserID)
	v.optSecret("accessToken", a.AccessToken)
	v.optSecret("refreshToken", a.RefreshToken)
	v.optSecret("idToken", a.IDToken)
	v.optText("scope", a.Scope, MaxTextLength)
	if a.ProviderID == ProviderCredential {
		v.Check(a.Password != nil && !a.Password.IsEmpty(), "password", "required",
			"password (the hash) is required for a %q account", ProviderCredential)
	} else {
		v.optSecret("password", a.Password)
	}
	return v.Err()
}

// AccountParams is the input that creates an Account. Password is the hash
// (Better Auth's scrypt format), never a plain password: check a plain
// password with ValidatePassword before hashing it.
type AccountParams struct {
	AccountID             string     `json:"accountId"`
	ProviderID            string     `json:"providerId"`
	UserID                UserID     `json:"userId"`
	AccessToken           *Secret    `json:"accessToken"`
	RefreshToken          *Secret    `json:"refreshToken"`
	IDToken               *Secret    `json:"idToken"`
	AccessTokenExpiresAt  *time.Time `json:"accessTokenExpiresAt"`
	RefreshTokenExpiresAt *time.Time `json:"refreshTokenExpiresAt"`
	Scope                 *string    `json:"scope"`
	Password              *Secret    `json:"password"`
}

// NewAccount validates p and returns a new account.
func NewAccount(p AccountParams) (Account, error) {
	a := Account{
		Audit:                 NewAudit[Account](),
		AccountID:             strings.TrimSpace(p.AccountID),
		ProviderID:            strings.TrimSpace(p.ProviderID),
		UserID:                p.UserID,
		AccessToken:           p.AccessToken,
		RefreshToken:          p.RefreshToken,
		IDToken:               p.IDToken,
		AccessTokenExpiresAt:  p.AccessTokenExpiresAt,
		RefreshTokenExpiresAt: p.RefreshTokenExpiresAt,
		Scope:                 p.Scope,
		Password:              p.Password,
	}
	if err := a.Validate(); err != nil {
		return Account{}, err
	}
	return a, nil
}

// DecodeAccountParams decodes and validates a JSON AccountParams.
func DecodeAccountParams(r io.Reader) (AccountParams, error) {
	return decodeParams(TableAccount, r, NewAccount)
}

// AccountPatch lists what an update of an account may change: the provider's
// tokens (refresh) and the password hash (password change).
type AccountPatch struct {
	AccessToken           *Secret    `json:"accessToken"`
	RefreshToken          *Secret    `json:"refreshToken"`
	IDToken               *Secret    `json:"idToken"`
	AccessTokenExpiresAt  *time.Time `json:"accessTokenExpiresAt"`
	RefreshTokenExpiresAt *time.Time `json:"refreshTokenExpiresAt"`
	Scope                 *string    `json:"scope"`
	Password              *Secret    `json:"password"`
}

// Apply applies the patch to a when the result is valid; on error a is
// unchanged.
func (p AccountPatch) Apply(a *Account) error {
	next := *a
	setOpt(&next.AccessToken, p.AccessToken)
	setOpt(&next.RefreshToken, p.RefreshToken)
	setOpt(&next.IDToken, p.IDToken)
	setOpt(&next.AccessTokenExpiresAt, p.AccessTokenExpiresAt)
	setOpt(&next.RefreshTokenExpiresAt, p.RefreshTokenExpiresAt)
	setOpt(&next.Scope, p.Scope)
	setOpt(&next.Password, p.Password)
	if err := next.Validate(); err != nil {
		return err
	}
	*a = next
	return nil
}
