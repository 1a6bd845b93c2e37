package domain

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
