package domain

import (
	"strings"
)

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
