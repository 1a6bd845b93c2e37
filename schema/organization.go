package schema

import (
	"fmt"

	"github.com/beep/iam/domain"
)

// Organization is shared_organization, Better Auth's organization.
var Organization = NewTable(domain.TableOrganization,
	Field(ColCreatedAt, "createdAt"),
	Text("name").Required().BA("name"),
	Text("slug").Required().UniqueKey().BA("slug"),
	Text("logo").BA("logo"),
	Text("metadata").BA("metadata").Describe("JSON text written by Better Auth"),
	Enum("type", enumOrganizationType).Required().DefaultText("individual"),
	Text("owner_user_id").References(domain.TableUser, ColID, SetNull, Cascade).
		Describe("creator; ownership proper is member.role = owner, so deleting the user keeps the organization"),
	Bool("is_personal").Required().DefaultBool(false),
	Int("max_members"),
	JSONB("features"),
	JSONB("settings"),
	Enum("subscription_tier", enumSubscriptionTier).Required().DefaultText("free"),
	Enum("subscription_status", enumSubscriptionStatus).Required().DefaultText("active"),
	Text("stripe_customer_id").BA("stripeCustomerId"),

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
	Many("oauthApplications", domain.TableOAuthApplication, ColOrganizationID),
	Many("oauthAccessTokens", domain.TableOAuthAccessToken, ColOrganizationID),
	Many("oauthConsents", domain.TableOAuthConsent, ColOrganizationID),
	Many("files", domain.TableFile, ColOrganizationID),
	Many("folders", domain.TableFolder, ColOrganizationID),
	Many("activeSessions", domain.TableSession, "active_organization_id"),
).Model("organization").Describe("Organizations, the tenants (Better Auth organization).")

// organizationOwnOrNoTenant admits the tenant's own organization, or any
// where no tenant is set.
var organizationOwnOrNoTenant = fmt.Sprintf("(%s OR (id = current_setting('%s'::text, true)))", NoTenantExpr, TenantSetting)
