package domain

// TeamID is the public id of a Team.
type TeamID = ID[Team]

// Team is a group of members inside an organization (shared_team, OrgTable).
type Team struct {
	Audit[Team]
	OrganizationID OrganizationID `db:"organization_id" json:"organizationId"`
	Name           string         `db:"name" json:"name"`
	Description    *string        `db:"description" json:"description,omitempty"`
	// Slug is optional: Better Auth creates teams without one (the seed's NOT
	// NULL would break it). When set it is unique per organization.
	Slug     *string `db:"slug" json:"slug,omitempty"`
	Metadata *string `db:"metadata" json:"metadata,omitempty"` // JSON as text
	Logo     *string `db:"logo" json:"logo,omitempty"`
	// MemberCount is maintained by Better Auth 1.7 (returned:false there).
	MemberCount int32 `db:"member_count" json:"memberCount"`
}

// TableName implements Entity.
func (Team) TableName() string { return TableTeam }
