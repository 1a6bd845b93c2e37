package domain

import (
	"io"
	"strings"
)

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

// Validate checks every rule of a team row and reports all failures.
func (t Team) Validate() error {
	v := NewValidator(TableTeam)
	v.requiredID("organizationId", t.OrganizationID)
	v.text("name", t.Name, 1, MaxNameLength)
	v.optText("description", t.Description, MaxTextLength)
	if t.Slug != nil {
		v.slug("slug", *t.Slug)
	}
	v.jsonText("metadata", t.Metadata)
	v.httpURL("logo", t.Logo)
	v.nonNegative("memberCount", int64(t.MemberCount))
	return v.Err()
}

// TeamParams is the input that creates a Team.
type TeamParams struct {
	OrganizationID OrganizationID `json:"organizationId"`
	Name           string         `json:"name"`
	Description    *string        `json:"description"`
	Slug           *string        `json:"slug"`
	Metadata       *string        `json:"metadata"`
	Logo           *string        `json:"logo"`
}

// NewTeam validates p and returns a new team with no members.
func NewTeam(p TeamParams) (Team, error) {
	t := Team{
		Audit:          NewAudit[Team](),
		OrganizationID: p.OrganizationID,
		Name:           strings.TrimSpace(p.Name),
		Description:    p.Description,
		Slug:           trimPtr(p.Slug),
		Metadata:       p.Metadata,
		Logo:           trimPtr(p.Logo),
	}
	if err := t.Validate(); err != nil {
		return Team{}, err
	}
	return t, nil
}

// DecodeTeamParams decodes and validates a JSON TeamParams.
func DecodeTeamParams(r io.Reader) (TeamParams, error) {
	return decodeParams(TableTeam, r, NewTeam)
}

// TeamPatch lists what an update of a team may change.
type TeamPatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Slug        *string `json:"slug"`
	Metadata    *string `json:"metadata"`
	Logo        *string `json:"logo"`
	MemberCount *int32  `json:"memberCount"`
}

// Apply applies the patch to t when the result is valid; on error t is
// unchanged.
func (p TeamPatch) Apply(t *Team) error {
	next := *t
	set(&next.Name, trimPtr(p.Name))
	setOpt(&next.Description, p.Description)
	setOpt(&next.Slug, trimPtr(p.Slug))
	setOpt(&next.Metadata, p.Metadata)
	setOpt(&next.Logo, trimPtr(p.Logo))
	set(&next.MemberCount, p.MemberCount)
	if err := next.Validate(); err != nil {
		return err
	}
	*t = next
	return nil
}
