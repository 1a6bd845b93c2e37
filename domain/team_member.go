package domain

// Validate checks every rule of a team member row and reports all failures.
func (t TeamMember) Validate() error {
	v := NewValidator(TableTeamMember)
	v.requiredID("organizationId", t.OrganizationID)
	v.requiredID("teamId", t.TeamID)
	v.requiredID("userId", t.UserID)
	v.optText("membershipKey", t.MembershipKey, MaxNameLength)
	return v.Err()
}

// NewTeamMember validates p and returns a new team membership.
func NewTeamMember(p TeamMemberParams) (TeamMember, error) {
	t := TeamMember{Audit: NewAudit[TeamMember](), OrganizationID: p.OrganizationID, TeamID: p.TeamID, UserID: p.UserID}
	if err := t.Validate(); err != nil {
		return TeamMember{}, err
	}
	return t, nil
}
