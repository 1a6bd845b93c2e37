package domain

import (
	"io"
	"strings"
)

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

// Validate checks every rule of a SCIM provider row and reports all failures.
func (s SCIMProvider) Validate() error {
	v := NewValidator(TableSCIMProvider)
	v.text("providerId", s.ProviderID, 1, MaxNameLength)
	v.secret("scimToken", s.SCIMToken)
	return v.Err()
}

// SCIMProviderParams is the input that creates a SCIMProvider. SCIMToken is
// the stored form of the base token (plain, hashed or encrypted, as the
// scim plugin is configured).
type SCIMProviderParams struct {
	OrganizationID *OrganizationID `json:"organizationId"`
	ProviderID     string          `json:"providerId"`
	SCIMToken      Secret          `json:"scimToken"`
	UserID         *UserID         `json:"userId"`
}

// NewSCIMProvider validates p and returns a new SCIM provider.
func NewSCIMProvider(p SCIMProviderParams) (SCIMProvider, error) {
	s := SCIMProvider{Audit: NewAudit[SCIMProvider](), OrganizationID: p.OrganizationID,
		ProviderID: strings.TrimSpace(p.ProviderID), SCIMToken: p.SCIMToken, UserID: p.UserID}
	if err := s.Validate(); err != nil {
		return SCIMProvider{}, err
	}
	return s, nil
}

// DecodeSCIMProviderParams decodes and validates a JSON SCIMProviderParams.
func DecodeSCIMProviderParams(r io.Reader) (SCIMProviderParams, error) {
	return decodeParams(TableSCIMProvider, r, NewSCIMProvider)
}

// SCIMProviderPatch lists what an update of a SCIM provider may change: its
// token (rotation).
type SCIMProviderPatch struct {
	SCIMToken *Secret `json:"scimToken"`
}

// Apply applies the patch to s when the result is valid; on error s is
// unchanged.
func (p SCIMProviderPatch) Apply(s *SCIMProvider) error {
	next := *s
	set(&next.SCIMToken, p.SCIMToken)
	if err := next.Validate(); err != nil {
		return err
	}
	*s = next
	return nil
}
