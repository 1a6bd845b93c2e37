package domain

import (
	"fmt"
	"slices"
	"strings"
)

// EnumType describes a Postgres enum whose values come from this package: the
// schema package renders CREATE TYPE from it, and the checker compares a live
// database against it. Values are in declaration order (Postgres enum order).
type EnumType struct {
	Name   string   // Postgres type name, e.g. "member_status_enum"
	Values []string // in order
}

// Enum value lists. These are the single source of the Postgres enums.
var (
	// OrganizationTypeValues lists OrganizationType values in order.
	OrganizationTypeValues = []OrganizationType{OrganizationTypeIndividual, OrganizationTypeTeam, OrganizationTypeEnterprise}
	// SubscriptionTierValues lists SubscriptionTier values in order.
	SubscriptionTierValues = []SubscriptionTier{SubscriptionTierFree, SubscriptionTierPlus, SubscriptionTierPro, SubscriptionTierEnterprise}
	// SubscriptionStatusValues lists SubscriptionStatus values in order.
	SubscriptionStatusValues = []SubscriptionStatus{SubscriptionStatusActive, SubscriptionStatusCanceled}
	// DeviceCodeStatusValues lists DeviceCodeStatus values in order.
	DeviceCodeStatusValues = []DeviceCodeStatus{DeviceCodeStatusPending, DeviceCodeStatusApproved, DeviceCodeStatusDenied}
	// InvitationStatusValues lists InvitationStatus values in order. The
	// spelling "canceled" is Better Auth's (the seed's "cancelled" would make
	// Better Auth's cancel fail).
	InvitationStatusValues = []InvitationStatus{InvitationStatusPending, InvitationStatusAccepted, InvitationStatusRejected, InvitationStatusCanceled}
	// MemberStatusValues lists MemberStatus values in order.
	MemberStatusValues = []MemberStatus{MemberStatusActive, MemberStatusInactive, MemberStatusOffline, MemberStatusSuspended, MemberStatusDeleted, MemberStatusInvited}
)

// Enums returns every Postgres enum of the IAM slice, in creation order.
func Enums() []EnumType {
	return []EnumType{
		enumType("organization_type_enum", OrganizationTypeValues),
		enumType("subscription_tier_enum", SubscriptionTierValues),
		enumType("subscription_status_enum", SubscriptionStatusValues),
		enumType("device_code_status_enum", DeviceCodeStatusValues),
		enumType("invitation_status_enum", InvitationStatusValues),
		enumType("member_status_enum", MemberStatusValues),
	}
}

// EnumByName returns the enum type named name (e.g. "member_status_enum").
func EnumByName(name string) (EnumType, bool) {
	for _, e := range Enums() {
		if e.Name == name {
			return e, true
		}
	}
	return EnumType{}, false
}

func enumType[T ~string](name string, values []T) EnumType {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return EnumType{Name: name, Values: out}
}

// parseEnum is the shared Parse of every enum type.
func parseEnum[T ~string](kind string, s string, values []T) (T, error) {
	if slices.Contains(values, T(s)) {
		return T(s), nil
	}
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return "", fmt.Errorf("invalid %s %q: must be one of %s", kind, truncate(s, 40), strings.Join(names, ", "))
}

// OrganizationType is the kind of an organization.
type OrganizationType string

// OrganizationType values.
const (
	OrganizationTypeIndividual OrganizationType = "individual"
	OrganizationTypeTeam       OrganizationType = "team"
	OrganizationTypeEnterprise OrganizationType = "enterprise"
)

// ParseOrganizationType parses s, naming the allowed values on error.
func ParseOrganizationType(s string) (OrganizationType, error) {
	return parseEnum("organization type", s, OrganizationTypeValues)
}

// Valid reports whether t is one of OrganizationTypeValues.
func (t OrganizationType) Valid() bool { return slices.Contains(OrganizationTypeValues, t) }

// SubscriptionTier is an organization's plan tier.
type SubscriptionTier string

// SubscriptionTier values.
const (
	SubscriptionTierFree       SubscriptionTier = "free"
	SubscriptionTierPlus       SubscriptionTier = "plus"
	SubscriptionTierPro        SubscriptionTier = "pro"
	SubscriptionTierEnterprise SubscriptionTier = "enterprise"
)

// ParseSubscriptionTier parses s, naming the allowed values on error.
func ParseSubscriptionTier(s string) (SubscriptionTier, error) {
	return parseEnum("subscription tier", s, SubscriptionTierValues)
}

// Valid reports whether t is one of SubscriptionTierValues.
func (t SubscriptionTier) Valid() bool { return slices.Contains(SubscriptionTierValues, t) }

// SubscriptionStatus is the billing status kept on shared_organization (not
// the Stripe status of iam_subscription, which is free text).
type SubscriptionStatus string

// SubscriptionStatus values.
const (
	SubscriptionStatusActive   SubscriptionStatus = "active"
	SubscriptionStatusCanceled SubscriptionStatus = "canceled"
)

// ParseSubscriptionStatus parses s, naming the allowed values on error.
func ParseSubscriptionStatus(s string) (SubscriptionStatus, error) {
	return parseEnum("subscription status", s, SubscriptionStatusValues)
}

// Valid reports whether s is one of SubscriptionStatusValues.
func (s SubscriptionStatus) Valid() bool { return slices.Contains(SubscriptionStatusValues, s) }

// DeviceCodeStatus is the state of an OAuth device authorization.
type DeviceCodeStatus string

// DeviceCodeStatus values.
const (
	DeviceCodeStatusPending  DeviceCodeStatus = "pending"
	DeviceCodeStatusApproved DeviceCodeStatus = "approved"
	DeviceCodeStatusDenied   DeviceCodeStatus = "denied"
)

// ParseDeviceCodeStatus parses s, naming the allowed values on error.
func ParseDeviceCodeStatus(s string) (DeviceCodeStatus, error) {
	return parseEnum("device code status", s, DeviceCodeStatusValues)
}

// Valid reports whether s is one of DeviceCodeStatusValues.
func (s DeviceCodeStatus) Valid() bool { return slices.Contains(DeviceCodeStatusValues, s) }

// InvitationStatus is the state of an invitation.
type InvitationStatus string

// InvitationStatus values.
const (
	InvitationStatusPending  InvitationStatus = "pending"
	InvitationStatusAccepted InvitationStatus = "accepted"
	InvitationStatusRejected InvitationStatus = "rejected"
	InvitationStatusCanceled InvitationStatus = "canceled"
)

// ParseInvitationStatus parses s, naming the allowed values on error.
func ParseInvitationStatus(s string) (InvitationStatus, error) {
	return parseEnum("invitation status", s, InvitationStatusValues)
}

// Valid reports whether s is one of InvitationStatusValues.
func (s InvitationStatus) Valid() bool { return slices.Contains(InvitationStatusValues, s) }

// MemberStatus is the state of an organization membership.
type MemberStatus string

// MemberStatus values.
const (
	MemberStatusActive    MemberStatus = "active"
	MemberStatusInactive  MemberStatus = "inactive"
	MemberStatusOffline   MemberStatus = "offline"
	MemberStatusSuspended MemberStatus = "suspended"
	MemberStatusDeleted   MemberStatus = "deleted"
	MemberStatusInvited   MemberStatus = "invited"
)

// ParseMemberStatus parses s, naming the allowed values on error.
func ParseMemberStatus(s string) (MemberStatus, error) {
	return parseEnum("member status", s, MemberStatusValues)
}

// Valid reports whether s is one of MemberStatusValues.
func (s MemberStatus) Valid() bool { return slices.Contains(MemberStatusValues, s) }
