package schema

import "github.com/beep/iam/domain"

// Session is shared_session, Better Auth's session with the organization and
// admin fields.
var Session = NewTable(domain.TableSession,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Timestamptz("expires_at").Required().BA("expiresAt"),
	Text("token").Required().UniqueKey().BA("token").Describe("plain session token (the cookie carries it signed)"),
	Text("ip_address").BA("ipAddress"),
	Text("user_agent").BA("userAgent"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Text("impersonated_by").References(domain.TableUser, ColID, SetNull, Cascade).BA("impersonatedBy"),
	Text("active_organization_id").References(domain.TableOrganization, ColID, SetNull, Cascade).BA("activeOrganizationId"),
	Text("active_team_id").References(domain.TableTeam, ColID, SetNull, Cascade).BA("activeTeamId"),

	Chk("session_expires_after_created_check", "(expires_at > created_at)"),
	Idx("session_token_idx", "token"),
	Idx("session_user_id_idx", "user_id"),
	Idx("session_expires_at_idx", "expires_at"),
	Idx("session_user_expires_idx", "user_id", "expires_at"),
	Idx("session_active_org_idx", "active_organization_id"),
	Idx("session_active_team_idx", "active_team_id"),
	Idx("session_impersonated_by_idx", "impersonated_by"),
	Idx("session_user_org_active_idx", "user_id", "active_organization_id", "expires_at"),
	NewTrigger(sessionActiveOrg.Name, "BEFORE", sessionActiveOrg.Name, "INSERT"),
	NewTrigger(sessionActiveOrg.Name+"_on_update", "BEFORE", sessionActiveOrg.Name, "UPDATE").
		OnlyWhen(Changed("active_organization_id", "user_id")),
	NewTrigger(NotifyTrigger, "AFTER", notifySessionChange.Name, "DELETE", "UPDATE"),

	One("user", domain.TableUser, "user_id"),
	One("impersonator", domain.TableUser, "impersonated_by"),
	One("activeOrganization", domain.TableOrganization, "active_organization_id"),
	One("activeTeam", domain.TableTeam, "active_team_id"),
).Model("session").Describe("Login sessions (Better Auth session).")
