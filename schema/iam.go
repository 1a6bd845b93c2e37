package schema

import "github.com/beep/iam/domain"

// Enum types of the IAM schema, taken from domain (never retyped here).
var (
	enumOrganizationType   = mustEnum("organization_type_enum")
	enumSubscriptionTier   = mustEnum("subscription_tier_enum")
	enumSubscriptionStatus = mustEnum("subscription_status_enum")
	enumDeviceCodeStatus   = mustEnum("device_code_status_enum")
	enumInvitationStatus   = mustEnum("invitation_status_enum")
	enumMemberStatus       = mustEnum("member_status_enum")
)

func mustEnum(name string) domain.EnumType {
	e, ok := domain.EnumByName(name)
	if !ok {
		panic("schema: domain has no enum " + name)
	}
	return e
}

// Role names created by migration 0001.
const (
	// AppRole is the role the Go store works as (SET ROLE iam_app, or log in
	// as a member of it). It does not bypass row level security.
	AppRole = "iam_app"
	// AuthRole is for Better Auth's own connection, which reads and writes
	// every organization's rows: it bypasses row level security.
	AuthRole = "iam_auth"
)

// iam is the built-in schema, validated when the program starts. Its table
// list is the one list of entities: go generate renders domain's table names
// and AllEntities and the store's repositories from it (internal/gen).
//
//go:generate go run ../cmd/iam-gen
var iam = MustNew("iam", nil,
	WithEnums(domain.Enums()...),
	WithFunctions(touchRow, teamMemberOrg, invitationTeams, apikeyOwner, subscriptionOwner,
		tenantGuard, sameTenant, sessionActiveOrg, notifySessionChange, notifyMemberChange, syncReferenceOrg),
	WithTables(
		User, Organization, Team, Session, Folder, File,
		Account, Verification, Member, TeamMember, Invitation, OrganizationRole,
		TwoFactor, Passkey, APIKey, JWKS, DeviceCode, SSOProvider, SCIMProvider,
		Subscription, WalletAddress, RateLimit,
		OAuthClient, OAuthResource, OAuthClientResource, OAuthRefreshToken, OAuthAccessToken, OAuthConsent,
		OAuthClientAssertion,
		SCIMManagedConnection, SCIMManagedCredential, SCIMManagedConnectionEvent, SCIMConnectionBinding,
		SCIMIdentityTombstone, SCIMSubject, SCIMUser, SCIMProjectionGrant, SCIMGroup, SCIMGroupMember,
	),
	WithRoles(
		&Role{Name: AppRole, Doc: "the Go store's role: DML on every table, subject to row level security"},
		&Role{Name: AuthRole, BypassRLS: true, Doc: "Better Auth's connection: DML on every table, bypasses row level security"},
	),
	WithGrants(AppRole, AuthRole),
)

// IAM returns the built-in schema: the 39 tables of the IAM slice (the
// seed's 25 less iam_oauth_application, and 15 added by migration 0005).
func IAM() *Schema { return iam }

// Tables returns the built-in tables in creation order.
func Tables() []*Table { return iam.Tables }

// TableByName returns the built-in table named name, or nil.
func TableByName(name string) *Table { return iam.Table(name) }
