package schema

import "github.com/beep/iam/domain"

// TeamMember is iam_team_member, a user's membership of a team. Better Auth
// does not write organization_id: a trigger copies it from the team.
var TeamMember = NewOrgTable(domain.TableTeamMember,
	Derived(ColOrganizationID, "copied from the team by trigger iam_team_member_derive_org"),
	Field(ColCreatedAt, "createdAt"),
	Text("team_id").Required().References(domain.TableTeam, ColID, Cascade, Cascade).BA("teamId").Param(),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId").Param(),
	Text("membership_key").UniqueKey().BA("membershipKey").
		GoComment("MembershipKey is Better Auth 1.7's unique de-duplication key."),

	Idx("team_member_team_id_idx", "team_id"),
	Idx("team_member_user_id_idx", "user_id"),
	UniqueIdx("team_member_team_user_unique_idx", "team_id", "user_id"),
	NewTrigger("iam_team_member_derive_org", "BEFORE", teamMemberOrg.Name, "INSERT", "UPDATE"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("team", domain.TableTeam, "team_id"),
	One("user", domain.TableUser, "user_id"),
).Model("teamMember").Describe("Memberships of users in teams (Better Auth teamMember).").
	GoDoc("is a user's membership of a team (iam_team_member, OrgTable). Better Auth does not write organization_id; the database derives it from the team.").
	GoInputDocs("is the input that creates a TeamMember. OrganizationID must be the team's organization (the database enforces it).", "")
