package domain

import (
	"encoding/json"
	"strings"
)

// Validate checks every rule of a refresh token row and reports all failures.
func (t OAuthRefreshToken) Validate() error {
	v := NewValidator(TableOAuthRefreshToken)
	v.secret("token", t.Token)
	v.text("clientId", t.ClientID, 1, MaxNameLength)
	v.requiredID("userId", t.UserID)
	v.expiresAfter("expiresAt", t.ExpiresAt, t.CreatedAt)
	v.scopeList("scopes", t.Scopes, true)
	v.urlList("resources", t.Resources, false)
	v.stringList("requestedUserInfoClaims", t.RequestedUserInfoClaims, false, MaxNameLength)
	v.jsonRaw("confirmation", t.Confirmation)
	v.optText("referenceId", t.ReferenceID, MaxNameLength)
	return v.Err()
}

// NewOAuthRefreshToken validates p and returns a new refresh token.
func NewOAuthRefreshToken(p OAuthRefreshTokenParams) (OAuthRefreshToken, error) {
	t := OAuthRefreshToken{Audit: NewAudit[OAuthRefreshToken](), OrganizationID: p.OrganizationID, Token: p.Token,
		ClientID: strings.TrimSpace(p.ClientID), SessionID: p.SessionID, UserID: p.UserID, ReferenceID: trimPtr(p.ReferenceID),
		Resources: StringListJSON(trimmedList(p.Resources)), ExpiresAt: p.ExpiresAt, Scopes: scopesJSON(p.Scopes)}
	if err := t.Validate(); err != nil {
		return OAuthRefreshToken{}, err
	}
	return t, nil
}

// Validate checks every rule of an access token row and reports all failures.
func (t OAuthAccessToken) Validate() error {
	v := NewValidator(TableOAuthAccessToken)
	v.secret("token", t.Token)
	v.text("clientId", t.ClientID, 1, MaxNameLength)
	v.expiresAfter("expiresAt", t.ExpiresAt, t.CreatedAt)
	v.scopeList("scopes", t.Scopes, true)
	v.urlList("resources", t.Resources, false)
	v.stringList("requestedUserInfoClaims", t.RequestedUserInfoClaims, false, MaxNameLength)
	v.jsonRaw("confirmation", t.Confirmation)
	v.optText("referenceId", t.ReferenceID, MaxNameLength)
	return v.Err()
}

// NewOAuthAccessToken validates p and returns a new access token; the
// expiry must be in the future.
func NewOAuthAccessToken(p OAuthAccessTokenParams) (OAuthAccessToken, error) {
	t := OAuthAccessToken{Audit: NewAudit[OAuthAccessToken](), OrganizationID: p.OrganizationID, Token: p.Token,
		ClientID: strings.TrimSpace(p.ClientID), SessionID: p.SessionID, UserID: p.UserID, ReferenceID: trimPtr(p.ReferenceID),
		Resources: StringListJSON(trimmedList(p.Resources)), RefreshID: p.RefreshID, ExpiresAt: p.ExpiresAt, Scopes: scopesJSON(p.Scopes)}
	if err := t.Validate(); err != nil {
		return OAuthAccessToken{}, err
	}
	return t, nil
}

// scopesJSON encodes a scope list, splitting items at spaces (a "openid
// profile" string is two scopes); nil is an empty list.
func scopesJSON(scopes []string) json.RawMessage {
	out := []string{}
	for _, s := range scopes {
		out = append(out, strings.Fields(s)...)
	}
	return StringListJSON(out)
}

// Validate checks every rule of a consent row and reports all failures.
func (c OAuthConsent) Validate() error {
	v := NewValidator(TableOAuthConsent)
	v.text("clientId", c.ClientID, 1, MaxNameLength)
	v.Check(c.UserID != nil && !c.UserID.IsZero(), "userId", "required", "userId is required")
	v.scopeList("scopes", c.Scopes, true)
	if len(StringList(c.Scopes)) == 0 && c.Scopes != nil {
		v.Add("scopes", "required", "scopes needs at least one scope")
	}
	v.urlList("resources", c.Resources, false)
	v.stringList("requestedUserInfoClaims", c.RequestedUserInfoClaims, false, MaxNameLength)
	v.optText("referenceId", c.ReferenceID, MaxNameLength)
	return v.Err()
}

// NewOAuthConsent validates p and returns a new consent record.
func NewOAuthConsent(p OAuthConsentParams) (OAuthConsent, error) {
	c := OAuthConsent{Audit: NewAudit[OAuthConsent](), OrganizationID: p.OrganizationID, ClientID: strings.TrimSpace(p.ClientID),
		UserID: p.UserID, ReferenceID: trimPtr(p.ReferenceID), Resources: StringListJSON(trimmedList(p.Resources)), Scopes: scopesJSON(p.Scopes)}
	if err := c.Validate(); err != nil {
		return OAuthConsent{}, err
	}
	return c, nil
}

// finish stores the patched scopes and resources as jsonb lists and
// validates the patched consent.
func (p OAuthConsentPatch) finish(_ OAuthConsent, next *OAuthConsent) error {
	if p.Scopes != nil {
		next.Scopes = scopesJSON(p.Scopes)
	}
	if p.Resources != nil {
		next.Resources = StringListJSON(trimmedList(p.Resources))
	}
	return next.Validate()
}
