package schema

import "github.com/beep/iam/domain"

// Team is shared_team, Better Auth's team (organization plugin, teams enabled).
var Team = NewOrgTable(domain.TableTeam,
	Field(ColOrganizationID, "organizationId"), Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("name").Required().BA("name").Input().Norm(NormTrim),
	Text("description").Input(),
	Text("slug").Describe("unique per organization; nullable because Better Auth does not write it").
		GoComment("Slug is optional: Better Auth creates teams without one (the seed's NOT NULL would break it). When set it is unique per organization.").Input().Norm(NormTrim),
	Text("metadata").GoComment("JSON as text").Input(),
	Text("logo").Input().Norm(NormTrim),
	Int("member_count").Required().DefaultInt(0).BA("memberCount").
		GoComment("MemberCount is maintained by Better Auth 1.7 (returned:false there).").Patch(),

	UniqueIdx("team_org_name_unique_idx", ColOrganizationID, "name"),
	UniqueIdx("team_org_slug_unique_idx", ColOrganizationID, "slug"),
	Idx("team_name_idx", "name"),
	Chk("team_member_count_check", "(member_count >= 0)"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	Many("teamMembers", domain.TableTeamMember, "team_id"),
	Many("activeSessions", domain.TableSession, "active_team_id"),
).Model("team").Describe("Teams inside an organization (Better Auth team).").
	GoDoc("is a group of members inside an organization (shared_team, OrgTable).").
	GoInputDocs("is the input that creates a Team.", "lists what an update of a team may change.")
