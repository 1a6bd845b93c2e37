package domain

import "time"

// MemberID is the public id of a Member.
type MemberID = ID[Member]

// Member is a user's membership of an organization (iam_member, OrgTable).
// Role is text holding comma-separated roles (built-in owner/admin/member or
// the organization's custom roles), not the seed's enum.
type Member struct {
	Audit[Member]
	OrganizationID OrganizationID `db:"organization_id" json:"organizationId"`
	UserID         UserID         `db:"user_id" json:"userId"`
	Role           Roles          `db:"role" json:"role"`
	Status         MemberStatus   `db:"status" json:"status"`
	InvitedBy      *UserID        `db:"invited_by" json:"invitedBy,omitempty"`
	InvitedAt      *time.Time     `db:"invited_at" json:"invitedAt,omitempty"`
	JoinedAt       *time.Time     `db:"joined_at" json:"joinedAt,omitempty"`
	LastActiveAt   *time.Time     `db:"last_active_at" json:"lastActiveAt,omitempty"`
	Permissions    *string        `db:"permissions" json:"permissions,omitempty"` // JSON as text
}

// TableName implements Entity.
func (Member) TableName() string { return TableMember }
