package domain

import (
	"encoding/json"
	"io"
	"strings"
)

// OrganizationID is the public id of an Organization.
type OrganizationID = ID[Organization]

// Organization is a tenant (shared_organization): Better Auth's organization
// model plus the stripe plugin's customer id and the seed's columns.
type Organization struct {
	Audit[Organization]
	Name     string           `db:"name" json:"name"`
	Slug     string           `db:"slug" json:"slug"`
	Logo     *string          `db:"logo" json:"logo,omitempty"`
	Metadata *string          `db:"metadata" json:"metadata,omitempty"` // JSON as text (Better Auth writes a string)
	Type     OrganizationType `db:"type" json:"type"`
	// OwnerUserID is nullable (ON DELETE SET NULL, schema.md §3): deleting a
	// user must not delete the organizations they own; ownership proper lives
	// in member.role = owner, and Better Auth does not write this column.
	OwnerUserID        *UserID            `db:"owner_user_id" json:"ownerUserId,omitempty"`
	IsPersonal         bool               `db:"is_personal" json:"isPersonal"`
	MaxMembers         *int32             `db:"max_members" json:"maxMembers,omitempty"`
	Features           json.RawMessage    `db:"features" json:"features,omitempty"` // jsonb; nil = NULL
	Settings           json.RawMessage    `db:"settings" json:"settings,omitempty"` // jsonb; nil = NULL
	SubscriptionTier   SubscriptionTier   `db:"subscription_tier" json:"subscriptionTier"`
	SubscriptionStatus SubscriptionStatus `db:"subscription_status" json:"subscriptionStatus"`
	StripeCustomerID   *string            `db:"stripe_customer_id" json:"stripeCustomerId,omitempty"`
}

// TableName implements Entity.
func (Organization) TableName() string { return TableOrganization }

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

// OrganizationParams is the input that creates an Organization.
type OrganizationParams struct {
	Name               string              `json:"name"`
	Slug               string              `json:"slug"`
	Logo               *string             `json:"logo"`
	Metadata           *string             `json:"metadata"`
	Type               *OrganizationType   `json:"type"` // default individual
	OwnerUserID        *UserID             `json:"ownerUserId"`
	IsPersonal         bool                `json:"isPersonal"`
	MaxMembers         *int32              `json:"maxMembers"`
	Features           json.RawMessage     `json:"features"`
	Settings           json.RawMessage     `json:"settings"`
	SubscriptionTier   *SubscriptionTier   `json:"subscriptionTier"`   // default free
	SubscriptionStatus *SubscriptionStatus `json:"subscriptionStatus"` // default active
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

// DecodeOrganizationParams decodes and validates a JSON OrganizationParams.
func DecodeOrganizationParams(r io.Reader) (OrganizationParams, error) {
	return decodeParams(TableOrganization, r, NewOrganization)
}

// OrganizationPatch lists what an update of an organization may change.
type OrganizationPatch struct {
	Name               *string             `json:"name"`
	Slug               *string             `json:"slug"`
	Logo               *string             `json:"logo"`
	Metadata           *string             `json:"metadata"`
	Type               *OrganizationType   `json:"type"`
	OwnerUserID        *UserID             `json:"ownerUserId"`
	MaxMembers         *int32              `json:"maxMembers"`
	Features           json.RawMessage     `json:"features"`
	Settings           json.RawMessage     `json:"settings"`
	SubscriptionTier   *SubscriptionTier   `json:"subscriptionTier"`
	SubscriptionStatus *SubscriptionStatus `json:"subscriptionStatus"`
	StripeCustomerID   *string             `json:"stripeCustomerId"`
}

// Apply applies the patch to o when the result is valid; on error o is
// unchanged. A JSON null for features or settings clears them.
func (p OrganizationPatch) Apply(o *Organization) error {
	next := *o
	set(&next.Name, trimPtr(p.Name))
	set(&next.Slug, trimPtr(p.Slug))
	setOpt(&next.Logo, trimPtr(p.Logo))
	setOpt(&next.Metadata, p.Metadata)
	set(&next.Type, p.Type)
	setOpt(&next.OwnerUserID, p.OwnerUserID)
	setOpt(&next.MaxMembers, p.MaxMembers)
	if p.Features != nil {
		next.Features = nullRaw(p.Features)
	}
	if p.Settings != nil {
		next.Settings = nullRaw(p.Settings)
	}
	set(&next.SubscriptionTier, p.SubscriptionTier)
	set(&next.SubscriptionStatus, p.SubscriptionStatus)
	setOpt(&next.StripeCustomerID, p.StripeCustomerID)
	if err := next.Validate(); err != nil {
		return err
	}
	*o = next
	return nil
}
