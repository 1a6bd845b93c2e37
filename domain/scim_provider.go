package domain

import (
	"strings"
)

// Validate checks every rule of a SCIM provider row and reports all failures.
func (s SCIMProvider) Validate() error {
	v := NewValidator(TableSCIMProvider)
	v.text("providerId", s.ProviderID, 1, MaxNameLength)
	v.secret("scimToken", s.SCIMToken)
	return v.Err()
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
