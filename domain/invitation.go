package domain

import (
	"strings"
)

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

// finish validates the patched invitation; its status may change only while
// it is pending.
func (p InvitationPatch) finish(old Invitation, next *Invitation) error {
	v := NewValidator(TableInvitation)
	v.Merge("", next.Validate())
	if p.Status != nil && *p.Status != old.Status && old.Status != InvitationStatusPending {
		v.Add("status", "transition", "status can change only from %s, not from %s", InvitationStatusPending, old.Status)
	}
	return v.Err()
}
