package schema

import "github.com/beep/iam/domain"

// Invitation is iam_invitation, an invitation to an organization (and
// optionally a team).
var Invitation = NewOrgTable(domain.TableInvitation,
	Field(ColOrganizationID, "organizationId"), Field(ColCreatedAt, "createdAt"),
	Text("email").Required().BA("email").Param(),
	Text("role").BA("role").GoType("Roles").Param(),
	Text("team_id").BA("teamId").
		Describe("one team id or a comma-separated list (Better Auth's multi-team invitations); checked by trigger iam_invitation_check_teams, not a foreign key").
		Param(),
	Enum("status", enumInvitationStatus).Required().DefaultText("pending").BA("status").Patch(),
	Timestamptz("expires_at").Required().BA("expiresAt").Input(),
	Text("inviter_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("inviterId").Param(),

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
).Model("invitation").Describe("Invitations to organizations (Better Auth invitation).").
	GoFinish().
	GoDoc("invites an email address into an organization (iam_invitation, OrgTable: Better Auth always writes the organization).\n\nThe email is plain, not a secret: the inviting admin's API lists it (the seed's M.Sensitive hid it from every JSON view). TeamID is text, not a typed id, because Better Auth may store several comma-separated team ids.").
	GoInputDocs("is the input that creates an Invitation. Role may name custom roles of the organization; the store refuses the invitation when one is not a role of the organization.", "lists what an update of an invitation may change: its status (accept, reject, cancel) and expiry (resend).")
