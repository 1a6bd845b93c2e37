package domain

import "encoding/json"

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
