package domain

import "io"

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

// Validate checks every rule of a team member row and reports all failures.
func (t TeamMember) Validate() error {
	v := NewValidator(TableTeamMember)
	v.requiredID("organizationId", t.OrganizationID)
	v.requiredID("teamId", t.TeamID)
	v.requiredID("userId", t.UserID)
	v.optText("membershipKey", t.MembershipKey, MaxNameLength)
	return v.Err()
}

// TeamMemberParams is the input that creates a TeamMember. OrganizationID
// must be the team's organization (the database enforces it).
type TeamMemberParams struct {
	OrganizationID OrganizationID `json:"organizationId"`
	TeamID         TeamID         `json:"teamId"`
	UserID         UserID         `json:"userId"`
}

// NewTeamMember validates p and returns a new team membership.
func NewTeamMember(p TeamMemberParams) (TeamMember, error) {
	t := TeamMember{Audit: NewAudit[TeamMember](), OrganizationID: p.OrganizationID, TeamID: p.TeamID, UserID: p.UserID}
	if err := t.Validate(); err != nil {
		return TeamMember{}, err
	}
	return t, nil
}

// DecodeTeamMemberParams decodes and validates a JSON TeamMemberParams.
func DecodeTeamMemberParams(r io.Reader) (TeamMemberParams, error) {
	return decodeParams(TableTeamMember, r, NewTeamMember)
}

// TeamMemberPatch is empty: a team membership is created or deleted, never
// changed. It exists so every entity has the same three variants.
type TeamMemberPatch struct{}

// Apply validates t and changes nothing.
func (TeamMemberPatch) Apply(t *TeamMember) error { return t.Validate() }
