package domain

import (
	"io"
	"strings"
	"time"
)

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

// Validate checks every rule of an invitation row. Role, when set, must be
// owner, admin, member or well-formed custom role names
// (ParseOrganizationRoles); the store checks the custom names against the
// organization's roles when it writes the row.
func (i Invitation) Validate() error {
	v := NewValidator(TableInvitation)
	v.requiredID("organizationId", i.OrganizationID)
	v.email("email", i.Email)
	if i.Role != nil {
		v.orgRoles("role", *i.Role)
	}
	if i.TeamID != nil {
		for _, id := range strings.Split(*i.TeamID, ",") {
			if _, err := ParseID[Team](strings.TrimSpace(id)); err != nil {
				v.Add("teamId", "id", "teamId must be comma-separated %s ids", TableTeam)
				break
			}
		}
	}
	enumCheck(v, "status", i.Status, InvitationStatusValues)
	v.expiresAfter("expiresAt", i.ExpiresAt, i.CreatedAt)
	v.requiredID("inviterId", i.InviterID)
	return v.Err()
}

// InvitationParams is the input that creates an Invitation. Role may name
// custom roles of the organization; the store refuses the invitation when one
// is not a role of the organization.
type InvitationParams struct {
	OrganizationID OrganizationID `json:"organizationId"`
	Email          string         `json:"email"`
	Role           *Roles         `json:"role"`
	TeamID         *string        `json:"teamId"`
	ExpiresAt      time.Time      `json:"expiresAt"`
	InviterID      UserID         `json:"inviterId"`
}

// NewInvitation validates p and returns a pending invitation; the email is
// normalized and expiresAt must be in the future.
func NewInvitation(p InvitationParams) (Invitation, error) {
	i := Invitation{
		Audit:          NewAudit[Invitation](),
		OrganizationID: p.OrganizationID,
		Email:          normalizeEmailLoose(p.Email),
		Role:           canonRolesPtr(p.Role),
		TeamID:         p.TeamID,
		Status:         InvitationStatusPending,
		ExpiresAt:      p.ExpiresAt,
		InviterID:      p.InviterID,
	}
	if err := i.Validate(); err != nil {
		return Invitation{}, err
	}
	return i, nil
}

// DecodeInvitationParams decodes and validates a JSON InvitationParams
// (custom role names are checked by form only; the store checks them against
// the organization).
func DecodeInvitationParams(r io.Reader) (InvitationParams, error) {
	return decodeParams(TableInvitation, r, NewInvitation)
}

// InvitationPatch lists what an update of an invitation may change: its
// status (accept, reject, cancel) and expiry (resend).
type InvitationPatch struct {
	Status    *InvitationStatus `json:"status"`
	ExpiresAt *time.Time        `json:"expiresAt"`
}

// Apply applies the patch to i when the result is valid; on error i is
// unchanged. Only a pending invitation changes status.
func (p InvitationPatch) Apply(i *Invitation) error {
	next := *i
	set(&next.Status, p.Status)
	set(&next.ExpiresAt, p.ExpiresAt)
	err := next.Validate()
	if p.Status != nil && *p.Status != i.Status && i.Status != InvitationStatusPending {
		v := NewValidator(TableInvitation)
		v.Merge("", err)
		v.Add("status", "transition", "status can change only from %s, not from %s", InvitationStatusPending, i.Status)
		err = v.Err()
	}
	if err != nil {
		return err
	}
	*i = next
	return nil
}
