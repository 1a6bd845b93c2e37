package domain

// SCIMProviderID is the public id of a SCIMProvider.
type SCIMProviderID = ID[SCIMProvider]

// SCIMProvider is a SCIM provisioning endpoint (iam_scim_provider, optional
// tenant; the @better-auth/scim ≤ 1.6 shape). The SCIM token is a bearer
// secret left out of JSON.
type SCIMProvider struct {
	Audit[SCIMProvider]
	OrganizationID *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	ProviderID     string          `db:"provider_id" json:"providerId"`
	SCIMToken      Secret          `db:"scim_token" json:"-"`
	UserID         *UserID         `db:"user_id" json:"userId,omitempty"` // only with providerOwnership
}

// TableName implements Entity.
func (SCIMProvider) TableName() string { return TableSCIMProvider }
