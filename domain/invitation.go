package domain

import "time"

// InvitationID is the public id of an Invitation.
type InvitationID = ID[Invitation]

// Invitation invites an email address into an organization (iam_invitation,
// OrgTable: Better Auth always writes the organization).
//
// The email is plain, not a secret: the inviting admin's API lists it (the
// seed's M.Sensitive hid it from every JSON view). TeamID is text, not a
// typed id, because Better Auth may store several comma-separated team ids.
type Invitation struct {
	Audit[Invitation]
	OrganizationID OrganizationID   `db:"organization_id" json:"organizationId"`
	Email          string           `db:"email" json:"email"`
	Role           *Roles           `db:"role" json:"role,omitempty"`
	TeamID         *string          `db:"team_id" json:"teamId,omitempty"`
	Status         InvitationStatus `db:"status" json:"status"`
	ExpiresAt      time.Time        `db:"expires_at" json:"expiresAt"`
	InviterID      UserID           `db:"inviter_id" json:"inviterId"`
}

// TableName implements Entity.
func (Invitation) TableName() string { return TableInvitation }
