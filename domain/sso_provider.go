package domain

import (
	"strings"
)

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

// finish applies a new domain, which must be verified again (unless the
// patch says it is), and validates the patched provider.
func (p SSOProviderPatch) finish(old SSOProvider, next *SSOProvider) error {
	if d := lowerPtr(p.Domain); d != nil && *d != old.Domain {
		next.Domain = *d
		if p.DomainVerified == nil {
			next.DomainVerified = ptr(false)
		}
	}
	return next.Validate()
}
