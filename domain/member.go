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
// the organization's custom roles), not the seed's enum. The domain checks
// the roles' form; that a custom role exists in the organization is checked
// by the store, in the transaction that writes the member.
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

// Validate checks every rule of a member row. Role must be owner, admin,
// member or well-formed custom role names (ParseOrganizationRoles); whether
// the organization has those custom roles only the database knows, so the
// store checks it when it writes the row.
func (m Member) Validate() error {
	v := NewValidator(TableMember)
	v.requiredID("organizationId", m.OrganizationID)
	v.requiredID("userId", m.UserID)
	v.orgRoles("role", m.Role)
	enumCheck(v, "status", m.Status, MemberStatusValues)
	v.jsonRaw("permissions", m.Permissions)
	v.notBefore("joinedAt", m.JoinedAt, m.InvitedAt, "invitedAt")
	return v.Err()
}

// MemberParams is the input that creates a Member. Role may name custom
// roles of the organization; the store refuses the member when one is not a
// role of the organization.
type MemberParams struct {
	OrganizationID OrganizationID  `json:"organizationId"`
	UserID         UserID          `json:"userId"`
	Role           *Roles          `json:"role"`   // default "member"
	Status         *MemberStatus   `json:"status"` // default active
	InvitedBy      *UserID         `json:"invitedBy"`
	InvitedAt      *time.Time      `json:"invitedAt"`
	JoinedAt       *time.Time      `json:"joinedAt"`
	Permissions    json.RawMessage `json:"permissions"`
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
	if err := m.Validate(); err != nil {
		return Member{}, err
	}
	return m, nil
}

// DecodeMemberParams decodes and validates a JSON MemberParams (custom role
// names are checked by form only; the store checks them against the
// organization).
func DecodeMemberParams(r io.Reader) (MemberParams, error) {
	return decodeParams(TableMember, r, NewMember)
}

// MemberPatch lists what an update of a member may change.
type MemberPatch struct {
	Role         *Roles          `json:"role"`
	Status       *MemberStatus   `json:"status"`
	JoinedAt     *time.Time      `json:"joinedAt"`
	LastActiveAt *time.Time      `json:"lastActiveAt"`
	Permissions  json.RawMessage `json:"permissions"`
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
	if err := next.Validate(); err != nil {
		return err
	}
	*m = next
	return nil
}
