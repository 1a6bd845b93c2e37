package domain

import (
	"strings"
)

// Validate checks every rule of a consent row and reports all failures.
func (c OAuthConsent) Validate() error {
	v := NewValidator(TableOAuthConsent)
	v.text("clientId", c.ClientID, 1, MaxNameLength)
	v.Check(c.UserID != nil && !c.UserID.IsZero(), "userId", "required", "userId is required")
	v.text("scopes", c.Scopes, 1, MaxTextLength)
	return v.Err()
}

// NewOAuthConsent validates p and returns a new consent record.
func NewOAuthConsent(p OAuthConsentParams) (OAuthConsent, error) {
	c := OAuthConsent{Audit: NewAudit[OAuthConsent](), OrganizationID: p.OrganizationID, ClientID: p.ClientID,
		UserID: p.UserID, Scopes: strings.Join(strings.Fields(p.Scopes), " "), ConsentGiven: p.ConsentGiven}
	if err := c.Validate(); err != nil {
		return OAuthConsent{}, err
	}
	return c, nil
}

// finish stores the scopes single-space-separated and validates the patched
// consent.
func (p OAuthConsentPatch) finish(_ OAuthConsent, next *OAuthConsent) error {
	if p.Scopes != nil {
		next.Scopes = strings.Join(strings.Fields(*p.Scopes), " ")
	}
	return next.Validate()
}
