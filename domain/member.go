package domain

import (
	"encoding/json"
	"io"
	"time"
)

// MemberID is the public id of a Member.
type MemberID = ID[Member]

// Member is a user's membership of an organization (iam_member, OrgTable).
// Role is text holding comma-separated roles (built-in owner/admin/member or
// the organization's custom roles), not the seed's enum.
type Member struct {
	Audit[Member]
	OrganizationID OrganizationID  `db:"organization_id" json:"organizationId"`
	UserID         UserID          `db:"user_id" json:"userId"`
	Role           Roles           `db:"role" json:"role"`
	Status         MemberStatus    `db:"status" json:"status"`
	InvitedBy      *UserID         `db:"invited_by" json:"invitedBy,omitempty"`
	InvitedAt      *time.Time      `db:"invited_at" json:"invitedAt,omitempty"`
	JoinedAt       *time.Time      `db:"joined_at" json:"joinedAt,omitempty"`
	LastActiveAt   *time.Time      `db:"last_active_at" json:"lastActiveAt,omitempty"`
	Permissions    json.RawMessage `db:"permissions" json:"permissions,omitempty"` // jsonb {resource: [actions]}; nil = NULL
}

// TableName implements Entity.
func (Member) TableName() string { return TableMember }

// Validate checks a member row with the built-in roles only; use
// ValidateWithRoles when the organization has custom roles.
func (m Member) Validate() error { return m.ValidateWithRoles(nil) }

// ValidateWithRoles checks every rule of a member row, accepting the
// organization's custom role names besides owner, admin and member.
func (m Member) ValidateWithRoles(customRoles []string) error {
	v := NewValidator(TableMember)
	v.requiredID("organizationId", m.OrganizationID)
	v.requiredID("userId", m.UserID)
	v.roles("role", m.Role, OrganizationRoleValues, customRoles)
	enumCheck(v, "status", m.Status, MemberStatusValues)
	v.jsonRaw("permissions", m.Permissions)
	v.notBefore("joinedAt", m.JoinedAt, m.InvitedAt, "invitedAt")
	return v.Err()
}

// MemberParams is the input that creates a Member. CustomRoles (not part of
// JSON input) are the organization's custom role names the caller loaded;
// Role may use them.
type MemberParams struct {
	OrganizationID OrganizationID  `json:"organizationId"`
	UserID         UserID          `json:"userId"`
	Role           *Roles          `json:"role"`   // default "member"
	Status         *MemberStatus   `json:"status"` // default active
	InvitedBy      *UserID         `json:"invitedBy"`
	InvitedAt      *time.Time      `json:"invitedAt"`
	JoinedAt       *time.Time      `json:"joinedAt"`
	Permissions    json.RawMessage `json:"permissions"`
	CustomRoles    []string        `json:"-"`
}

// NewMember validates p and returns a new member: role member and status
// active unless given (the seed's domain default "inactive" contradicted its
// own database default; active is what Better Auth expects).
func NewMember(p MemberParams) (Member, error) {
	m := Member{
		Audit:          NewAudit[Member](),
		OrganizationID: p.OrganizationID,
		UserID:         p.UserID,
		Role:           or(p.Role, Roles(RoleMember)).canonical(),
		Status:         or(p.Status, MemberStatusActive),
		InvitedBy:      p.InvitedBy,
		InvitedAt:      p.InvitedAt,
		JoinedAt:       p.JoinedAt,
		Permissions:    nullRaw(p.Permissions),
	}
	if err := m.ValidateWithRoles(p.CustomRoles); err != nil {
		return Member{}, err
	}
	return m, nil
}

// DecodeMemberParams decodes and validates a JSON MemberParams, accepting the
// given custom role names.
func DecodeMemberParams(r io.Reader, customRoles ...string) (MemberParams, error) {
	return decodeParams(TableMember, r, func(p MemberParams) (Member, error) {
		p.CustomRoles = customRoles
		return NewMember(p)
	})
}

// MemberPatch lists what an update of a member may change. CustomRoles are
// the organization's custom role names, as for MemberParams.
type MemberPatch struct {
	Role         *Roles          `json:"role"`
	Status       *MemberStatus   `json:"status"`
	JoinedAt     *time.Time      `json:"joinedAt"`
	LastActiveAt *time.Time      `json:"lastActiveAt"`
	Permissions  json.RawMessage `json:"permissions"`
	CustomRoles  []string        `json:"-"`
}

// Apply applies the patch to m when the result is valid; on error m is
// unchanged.
func (p MemberPatch) Apply(m *Member) error {
	next := *m
	set(&next.Role, canonRolesPtr(p.Role))
	set(&next.Status, p.Status)
	setOpt(&next.JoinedAt, p.JoinedAt)
	setOpt(&next.LastActiveAt, p.LastActiveAt)
	if p.Permissions != nil {
		next.Permissions = nullRaw(p.Permissions)
	}
	if err := next.ValidateWithRoles(p.CustomRoles); err != nil {
		return err
	}
	*m = next
	return nil
}
