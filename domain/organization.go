package domain

import (
	"strings"
)

// Validate checks every rule of an organization row and reports all failures.
func (o Organization) Validate() error {
	v := NewValidator(TableOrganization)
	v.text("name", o.Name, 1, MaxNameLength)
	v.slug("slug", o.Slug)
	v.httpURL("logo", o.Logo)
	v.jsonText("metadata", o.Metadata)
	enumCheck(v, "type", o.Type, OrganizationTypeValues)
	v.optPositive("maxMembers", o.MaxMembers)
	v.jsonRaw("features", o.Features)
	v.jsonRaw("settings", o.Settings)
	enumCheck(v, "subscriptionTier", o.SubscriptionTier, SubscriptionTierValues)
	enumCheck(v, "subscriptionStatus", o.SubscriptionStatus, SubscriptionStatusValues)
	v.optText("stripeCustomerId", o.StripeCustomerID, MaxNameLength)
	return v.Err()
}

// NewOrganization validates p and returns a new organization: type
// individual, tier free, status active unless given.
func NewOrganization(p OrganizationParams) (Organization, error) {
	o := Organization{
		Audit:              NewAudit[Organization](),
		Name:               strings.TrimSpace(p.Name),
		Slug:               strings.TrimSpace(p.Slug),
		Logo:               trimPtr(p.Logo),
		Metadata:           p.Metadata,
		Type:               or(p.Type, OrganizationTypeIndividual),
		OwnerUserID:        p.OwnerUserID,
		IsPersonal:         p.IsPersonal,
		MaxMembers:         p.MaxMembers,
		Features:           nullRaw(p.Features),
		Settings:           nullRaw(p.Settings),
		SubscriptionTier:   or(p.SubscriptionTier, SubscriptionTierFree),
		SubscriptionStatus: or(p.SubscriptionStatus, SubscriptionStatusActive),
	}
	if err := o.Validate(); err != nil {
		return Organization{}, err
	}
	return o, nil
}
