package domain

// OAuthConsentID is the public id of an OAuthConsent.
type OAuthConsentID = ID[OAuthConsent]

// OAuthConsent records a user's consent to a client's scopes
// (iam_oauth_consent, optional tenant; Better Auth ≤ 1.6 shape).
type OAuthConsent struct {
	Audit[OAuthConsent]
	OrganizationID *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	ClientID       string          `db:"client_id" json:"clientId"`
	UserID         UserID          `db:"user_id" json:"userId"`
	Scopes         string          `db:"scopes" json:"scopes"` // space-separated
	ConsentGiven   bool            `db:"consent_given" json:"consentGiven"`
}

// TableName implements Entity.
func (OAuthConsent) TableName() string { return TableOAuthConsent }
