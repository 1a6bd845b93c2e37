package schema

import "github.com/beep/iam/domain"

// Member is iam_member, a user's membership of an organization.
var Member = NewOrgTable(domain.TableMember,
	Field(ColOrganizationID, "organizationId"), Field(ColCreatedAt, "createdAt"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Text("role").Required().DefaultText("member").BA("role").
		Describe("comma-separated roles: owner/admin/member or custom roles of iam_organization_role"),
	Enum("status", enumMemberStatus).Required().DefaultText("active"),
	Text("invited_by").References(domain.TableUser, ColID, SetNull, Cascade),
	Timestamptz("invited_at"),
	Timestamptz("joined_at"),
	Timestamptz("last_active_at"),
	JSONB("permissions").Describe("extra permissions, {resource: [actions]}"),

	Idx("member_user_id_idx", "user_id"),
	UniqueIdx("member_org_user_unique_idx", ColOrganizationID, "user_id"),
	Idx("member_org_role_idx", ColOrganizationID, "role"),
	Idx("member_role_idx", "role"),
	Idx("member_status_idx", "status"),
	Idx("member_org_status_idx", ColOrganizationID, "status"),
	Idx("member_invited_by_idx", "invited_by"),
	Idx("member_last_active_idx", "last_active_at"),
	NewTrigger(NotifyTrigger, "AFTER", notifyMemberChange.Name, "INSERT", "DELETE", "UPDATE"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
	One("invitedByUser", domain.TableUser, "invited_by"),
).Model("member").Describe("Memberships of users in organizations (Better Auth member).")
