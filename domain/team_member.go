package domain

// TeamMemberID is the public id of a TeamMember.
type TeamMemberID = ID[TeamMember]

// TeamMember is a user's membership of a team (iam_team_member, OrgTable).
// Better Auth does not write organization_id; the database derives it from
// the team.
type TeamMember struct {
	Audit[TeamMember]
	OrganizationID OrganizationID `db:"organization_id" json:"organizationId"`
	TeamID         TeamID         `db:"team_id" json:"teamId"`
	UserID         UserID         `db:"user_id" json:"userId"`
	// MembershipKey is Better Auth 1.7's unique de-duplication key.
	MembershipKey *string `db:"membership_key" json:"membershipKey,omitempty"`
}

// TableName implements Entity.
func (TeamMember) TableName() string { return TableTeamMember }
