package schema

import "github.com/beep/iam/domain"

// Invitation is iam_invitation, an invitation to an organization (and
// optionally a team).
var Invitation = NewOrgTable(domain.TableInvitation,
	Field(ColOrganizationID, "organizationId"), Field(ColCreatedAt, "createdAt"),
	Text("email").Required().BA("email"),
	Text("role").BA("role"),
	Text("team_id").BA("teamId").
		Describe("one team id or a comma-separated list (Better Auth's multi-team invitations); checked by trigger iam_invitation_check_teams, not a foreign key"),
	Enum("status", enumInvitationStatus).Required().DefaultText("pending").BA("status"),
	Timestamptz("expires_at").Required().BA("expiresAt"),
	Text("inviter_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("inviterId"),

	Idx("invitation_inviter_id_idx", "inviter_id"),
	Idx("invitation_email_idx", "email"),
	UniqueIdx("invitation_org_email_unique_idx", ColOrganizationID, "email").Partial("(status = 'pending'::invitation_status_enum)"),
	Idx("invitation_status_idx", "status"),
	Idx("invitation_expires_at_idx", "expires_at"),
	Idx("invitation_pending_idx", ColOrganizationID, "status", "expires_at").Partial("(status = 'pending'::invitation_status_enum)"),
	Idx("invitation_team_id_idx", "team_id").Partial("(team_id IS NOT NULL)"),

	NewTrigger("iam_invitation_check_teams", "BEFORE", invitationTeams.Name, "INSERT", "UPDATE"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("inviter", domain.TableUser, "inviter_id"),
).Model("invitation").Describe("Invitations to organizations (Better Auth invitation).")
