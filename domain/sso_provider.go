package domain

// SSOProviderID is the public id of an SSOProvider.
type SSOProviderID = ID[SSOProvider]

// SSOProvider is an OIDC or SAML identity provider (iam_sso_provider,
// optional tenant). UserID is required because Better Auth always writes it.
type SSOProvider struct {
	Audit[SSOProvider]
	OrganizationID *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	Issuer         string          `db:"issuer" json:"issuer"`
	OIDCConfig     *string         `db:"oidc_config" json:"oidcConfig,omitempty"` // JSON as text
	SAMLConfig     *string         `db:"saml_config" json:"samlConfig,omitempty"` // JSON as text
	UserID         UserID          `db:"user_id" json:"userId"`
	ProviderID     string          `db:"provider_id" json:"providerId"`
	Domain         string          `db:"domain" json:"domain"`
	DomainVerified *bool           `db:"domain_verified" json:"domainVerified,omitempty"`
}

// TableName implements Entity.
func (SSOProvider) TableName() string { return TableSSOProvider }
