package schema

import (
	"fmt"

	"github.com/beep/iam/domain"
)

// Organization is shared_organization, Better Auth's organization.
var Organization = NewTable(domain.TableOrganization,
	Field(ColCreatedAt, "createdAt"),
	Text("name").Required().BA("name").Input().Norm(NormTrim),
	Text("slug").Required().UniqueKey().BA("slug").Input().Norm(NormTrim),
	Text("logo").BA("logo").Input().Norm(NormTrim),
	Text("metadata").BA("metadata").Describe("JSON text written by Better Auth").
		GoComment("JSON as text (Better Auth writes a string)").Input(),
	Enum("type", enumOrganizationType).Required().DefaultText("individual").
		ParamDefault("default individual").Patch(),
	Text("owner_user_id").References(domain.TableUser, ColID, SetNull, Cascade).
		Describe("creator; ownership proper is member.role = owner, so deleting the user keeps the organization").
		GoComment("OwnerUserID is nullable (ON DELETE SET NULL, schema.md \u00a73): deleting a user must not delete the organizations they own; ownership proper lives in member.role = owner, and Better Auth does not write this column.").Input(),
	Bool("is_personal").Required().DefaultBool(false).Param(),
	Int("max_members").Input(),
	JSONB("features").GoComment("jsonb; nil = NULL").Input(),
	JSONB("settings").GoComment("jsonb; nil = NULL").Input(),
	Enum("subscription_tier", enumSubscriptionTier).Required().DefaultText("free").
		ParamDefault("default free").Patch(),
	Enum("subscription_status", enumSubscriptionStatus).Required().DefaultText("active").
		ParamDefault("default active").Patch(),
	Text("stripe_customer_id").BA("stripeCustomerId").Patch(),

	Idx("organization_name_idx", "name"),
	Idx("organization_slug_idx", "slug"),
	Idx("organization_type_idx", "type"),
	Idx("organization_owner_idx", "owner_user_id"),
	Idx("organization_personal_idx", "is_personal").Partial("(is_personal = true)"),
	Idx("organization_subscription_idx", "subscription_tier", "subscription_status"),
	Chk("organization_max_members_check", "((max_members IS NULL) OR (max_members >= 0))"),

	// Every organization may be read and created; a handle bound to an
	// organization may change or delete that organization only (deleting
	// one cascades into all its rows, past their tenant policies).
	ExtraPolicy("organization_select", "SELECT", "true", ""),
	ExtraPolicy("organization_insert", "INSERT", "", "true"),
	ExtraPolicy("organization_update", "UPDATE", organizationOwnOrNoTenant, organizationOwnOrNoTenant),
	ExtraPolicy("organization_delete", "DELETE", organizationOwnOrNoTenant, ""),

	One("owner", domain.TableUser, "owner_user_id"),
	Many("members", domain.TableMember, ColOrganizationID),
	Many("teams", domain.TableTeam, ColOrganizationID),
	Many("teamMembers", domain.TableTeamMember, ColOrganizationID),
	Many("invitations", domain.TableInvitation, ColOrganizationID),
	Many("organizationRoles", domain.TableOrganizationRole, ColOrganizationID),
	Many("subscriptions", domain.TableSubscription, ColOrganizationID),
	Many("apiKeys", domain.TableAPIKey, ColOrganizationID),
	Many("ssoProviders", domain.TableSSOProvider, ColOrganizationID),
	Many("scimProviders", domain.TableSCIMProvider, ColOrganizationID),
	Many("oauthClients", domain.TableOAuthClient, ColOrganizationID),
	Many("oauthAccessTokens", domain.TableOAuthAccessToken, ColOrganizationID),
	Many("oauthConsents", domain.TableOAuthConsent, ColOrganizationID),
	Many("files", domain.TableFile, ColOrganizationID),
	Many("folders", domain.TableFolder, ColOrganizationID),
	Many("activeSessions", domain.TableSession, "active_organization_id"),
).Model("organization").Describe("Organizations, the tenants (Better Auth organization).").
	GoDoc("is a tenant (shared_organization): Better Auth's organization model plus the stripe plugin's customer id and the seed's columns.").
	GoInputDocs("is the input that creates an Organization.", "lists what an update of an organization may change.")

// organizationOwnOrNoTenant admits the tenant's own organization, or any
// where no tenant is set.
var organizationOwnOrNoTenant = fmt.Sprintf("(%s OR (id = current_setting('%s'::text, true)))", NoTenantExpr, TenantSetting)
