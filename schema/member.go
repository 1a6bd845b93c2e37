package schema

import "github.com/beep/iam/domain"

// Member is iam_member, a user's membership of an organization.
var Member = NewOrgTable(domain.TableMember,
	Field(ColOrganizationID, "organizationId"), Field(ColCreatedAt, "createdAt"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId").Param(),
	Text("role").Required().DefaultText("member").BA("role").
		Describe("comma-separated roles: owner/admin/member or custom roles of iam_organization_role").
		GoType("Roles").ParamDefault("default \"member\"").Patch().Norm(NormRoles),
	Enum("status", enumMemberStatus).Required().DefaultText("active").
		ParamDefault("default active").Patch(),
	Text("invited_by").References(domain.TableUser, ColID, SetNull, Cascade).Param(),
	Timestamptz("invited_at").Param(),
	Timestamptz("joined_at").Input(),
	Timestamptz("last_active_at").Patch(),
	JSONB("permissions").Describe("extra permissions, {resource: [actions]}").
		GoComment("jsonb {resource: [actions]}; nil = NULL").Input(),

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
).Model("member").Describe("Memberships of users in organizations (Better Auth member).").
	GoDoc("is a user's membership of an organization (iam_member, OrgTable). Role is text holding comma-separated roles (built-in owner/admin/member or the organization's custom roles), not the seed's enum. The domain checks the roles' form; that a custom role exists in the organization is checked by the store, in the transaction that writes the member.").
	GoInputDocs("is the input that creates a Member. Role may name custom roles of the organization; the store refuses the member when one is not a role of the organization.", "lists what an update of a member may change.")
