package domain

import (
	"io"
	"strings"
)

// SSOProviderID is the public id of an SSOProvider.
type SSOProviderID = ID[SSOProvider]

// SSOProvider is an OIDC or SAML identity provider (iam_sso_provider,
// optional tenant). UserID is nullable as in the seed (the schema keeps the
// seed's nullability), but Better Auth always writes it and NewSSOProvider
// requires it.
type SSOProvider struct {
	Audit[SSOProvider]
	OrganizationID *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	Issuer         string          `db:"issuer" json:"issuer"`
	OIDCConfig     *string         `db:"oidc_config" json:"oidcConfig,omitempty"` // JSON as text
	SAMLConfig     *string         `db:"saml_config" json:"samlConfig,omitempty"` // JSON as text
	UserID         *UserID         `db:"user_id" json:"userId,omitempty"`
	ProviderID     string          `db:"provider_id" json:"providerId"`
	Domain         string          `db:"domain" json:"domain"`
	DomainVerified *bool           `db:"domain_verified" json:"domainVerified,omitempty"`
}

// TableName implements Entity.
func (SSOProvider) TableName() string { return TableSSOProvider }

// Validate checks every rule of an SSO provider row and reports all failures.
func (s SSOProvider) Validate() error {
	v := NewValidator(TableSSOProvider)
	if s.Issuer == "" {
		v.Add("issuer", "required", "issuer is required")
	} else {
		v.httpURL("issuer", &s.Issuer)
	}
	v.jsonText("oidcConfig", s.OIDCConfig)
	v.jsonText("samlConfig", s.SAMLConfig)
	v.Check(s.UserID != nil && !s.UserID.IsZero(), "userId", "required", "userId is required")
	v.text("providerId", s.ProviderID, 1, MaxNameLength)
	v.hostname("domain", s.Domain)
	return v.Err()
}

// SSOProviderParams is the input that creates an SSOProvider.
type SSOProviderParams struct {
	OrganizationID *OrganizationID `json:"organizationId"`
	Issuer         string          `json:"issuer"`
	OIDCConfig     *string         `json:"oidcConfig"`
	SAMLConfig     *string         `json:"samlConfig"`
	UserID         *UserID         `json:"userId"`
	ProviderID     string          `json:"providerId"`
	Domain         string          `json:"domain"`
}

// NewSSOProvider validates p and returns a new provider, its domain not yet
// verified.
func NewSSOProvider(p SSOProviderParams) (SSOProvider, error) {
	s := SSOProvider{
		Audit:          NewAudit[SSOProvider](),
		OrganizationID: p.OrganizationID,
		Issuer:         strings.TrimSpace(p.Issuer),
		OIDCConfig:     p.OIDCConfig,
		SAMLConfig:     p.SAMLConfig,
		UserID:         p.UserID,
		ProviderID:     strings.TrimSpace(p.ProviderID),
		Domain:         strings.ToLower(strings.TrimSpace(p.Domain)),
		DomainVerified: ptr(false),
	}
	if err := s.Validate(); err != nil {
		return SSOProvider{}, err
	}
	return s, nil
}

// DecodeSSOProviderParams decodes and validates a JSON SSOProviderParams.
func DecodeSSOProviderParams(r io.Reader) (SSOProviderParams, error) {
	return decodeParams(TableSSOProvider, r, NewSSOProvider)
}

// SSOProviderPatch lists what an update of an SSO provider may change.
type SSOProviderPatch struct {
	Issuer         *string `json:"issuer"`
	OIDCConfig     *string `json:"oidcConfig"`
	SAMLConfig     *string `json:"samlConfig"`
	Domain         *string `json:"domain"`
	DomainVerified *bool   `json:"domainVerified"`
}

// Apply applies the patch to s when the result is valid; on error s is
// unchanged. Changing the domain resets its verification.
func (p SSOProviderPatch) Apply(s *SSOProvider) error {
	next := *s
	set(&next.Issuer, trimPtr(p.Issuer))
	setOpt(&next.OIDCConfig, p.OIDCConfig)
	setOpt(&next.SAMLConfig, p.SAMLConfig)
	if d := lowerPtr(p.Domain); d != nil && *d != s.Domain {
		next.Domain = *d
		next.DomainVerified = ptr(false)
	}
	setOpt(&next.DomainVerified, p.DomainVerified)
	if err := next.Validate(); err != nil {
		return err
	}
	*s = next
	return nil
}
