package domain

import (
	"strings"
)

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
