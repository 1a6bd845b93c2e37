package domain

import (
	"io"
	"strings"
)

// OAuthConsentID is the public id of an OAuthConsent.
type OAuthConsentID = ID[OAuthConsent]

// OAuthConsent records a user's consent to a client's scopes
// (iam_oauth_consent, optional tenant; Better Auth ≤ 1.6 shape).
type OAuthConsent struct {
	Audit[OAuthConsent]
	OrganizationID *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	ClientID       string          `db:"client_id" json:"clientId"`
	UserID         *UserID         `db:"user_id" json:"userId,omitempty"`
	Scopes         string          `db:"scopes" json:"scopes"` // space-separated
	ConsentGiven   bool            `db:"consent_given" json:"consentGiven"`
}

// TableName implements Entity.
func (OAuthConsent) TableName() string { return TableOAuthConsent }

// Validate checks every rule of a consent row and reports all failures.
func (c OAuthConsent) Validate() error {
	v := NewValidator(TableOAuthConsent)
	v.text("clientId", c.ClientID, 1, MaxNameLength)
	v.Check(c.UserID != nil && !c.UserID.IsZero(), "userId", "required", "userId is required")
	v.text("scopes", c.Scopes, 1, MaxTextLength)
	return v.Err()
}

// OAuthConsentParams is the input that creates an OAuthConsent.
type OAuthConsentParams struct {
	OrganizationID *OrganizationID `json:"organizationId"`
	ClientID       string          `json:"clientId"`
	UserID         *UserID         `json:"userId"`
	Scopes         string          `json:"scopes"`
	ConsentGiven   bool            `json:"consentGiven"`
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

// DecodeOAuthConsentParams decodes and validates a JSON OAuthConsentParams.
func DecodeOAuthConsentParams(r io.Reader) (OAuthConsentParams, error) {
	return decodeParams(TableOAuthConsent, r, NewOAuthConsent)
}

// OAuthConsentPatch lists what an update of a consent may change.
type OAuthConsentPatch struct {
	Scopes       *string `json:"scopes"`
	ConsentGiven *bool   `json:"consentGiven"`
}

// Apply applies the patch to c when the result is valid; on error c is
// unchanged.
func (p OAuthConsentPatch) Apply(c *OAuthConsent) error {
	next := *c
	if p.Scopes != nil {
		next.Scopes = strings.Join(strings.Fields(*p.Scopes), " ")
	}
	set(&next.ConsentGiven, p.ConsentGiven)
	if err := next.Validate(); err != nil {
		return err
	}
	*c = next
	return nil
}
