package schema_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

func TestIAM_HasThe25TablesOfTheSpecInOrder(t *testing.T) {
	t.Parallel()
	names := []string{}
	for _, tb := range schema.Tables() {
		names = append(names, tb.Name)
	}
	require.ElementsMatch(t, []string{
		domain.TableUser, domain.TableOrganization, domain.TableTeam, domain.TableSession, domain.TableFile, domain.TableFolder,
		domain.TableAccount, domain.TableVerification, domain.TableMember, domain.TableTeamMember, domain.TableInvitation,
		domain.TableOrganizationRole, domain.TableTwoFactor, domain.TablePasskey, domain.TableAPIKey, domain.TableJWKS,
		domain.TableDeviceCode, domain.TableSSOProvider, domain.TableSCIMProvider, domain.TableSubscription,
		domain.TableWalletAddress, domain.TableRateLimit, domain.TableOAuthClient, domain.TableOAuthAccessToken,
		domain.TableOAuthConsent, domain.TableOAuthRefreshToken, domain.TableOAuthResource, domain.TableOAuthClientResource,
		domain.TableOAuthClientAssertion, domain.TableSCIMManagedConnection, domain.TableSCIMManagedCredential,
		domain.TableSCIMManagedConnectionEvent, domain.TableSCIMConnectionBinding, domain.TableSCIMIdentityTombstone,
		domain.TableSCIMSubject, domain.TableSCIMUser, domain.TableSCIMProjectionGrant, domain.TableSCIMGroup, domain.TableSCIMGroupMember,
	}, names)
	require.NoError(t, schema.IAM().Validate())
}

func TestIAM_TenancyFollowsTheSpec(t *testing.T) {
	t.Parallel()
	want := map[string]schema.Tenancy{
		"shared_team": schema.TenantRequired, "shared_file": schema.TenantRequired, "shared_folder": schema.TenantRequired,
		"iam_member": schema.TenantRequired, "iam_team_member": schema.TenantRequired, "iam_invitation": schema.TenantRequired,
		"iam_organization_role": schema.TenantRequired,
		"iam_apikey":            schema.TenantOptional, "iam_sso_provider": schema.TenantOptional, "iam_scim_provider": schema.TenantOptional,
		"iam_subscription": schema.TenantOptional, "iam_oauth_client": schema.TenantOptional,
		"iam_oauth_refresh_token": schema.TenantOptional, "iam_oauth_client_resource": schema.TenantOptional,
		"iam_oauth_access_token": schema.TenantOptional, "iam_oauth_consent": schema.TenantOptional,
	}
	for _, tb := range schema.Tables() {
		require.Equal(t, want[tb.Name], tb.Tenancy, tb.Name) // missing = Global
		org := tb.Column(schema.ColOrganizationID)
		switch tb.Tenancy {
		case schema.Global:
			// shared_organization: policies for its own tenant only (no tenant policy).
			require.Equal(t, tb.Name == domain.TableOrganization, tb.RLS(), tb.Name)
		case schema.TenantRequired:
			require.True(t, org.NotNull, tb.Name)
			require.True(t, tb.RLS(), tb.Name)
		case schema.TenantOptional:
			require.False(t, org.NotNull, tb.Name)
			require.Contains(t, tb.Policies[0].Using, "organization_id IS NULL", tb.Name)
		}
		if org != nil {
			require.Equal(t, &schema.Reference{Table: domain.TableOrganization, Column: "id", OnDelete: schema.Cascade, OnUpdate: schema.Cascade}, org.Ref, tb.Name)
		}
		// The global columns and the touch trigger are on every table.
		for _, c := range []string{"id", "_row_id", "created_at", "updated_at", "deleted_at", "created_by", "updated_by", "deleted_by", "version", "source"} {
			require.NotNil(t, tb.Column(c), "%s.%s", tb.Name, c)
		}
		require.Equal(t, schema.TouchTrigger, tb.Triggers[0].Name, tb.Name)
	}
}

func TestIAM_EveryForeignKeyHasAnIndex(t *testing.T) {
	t.Parallel()
	for _, tb := range schema.Tables() {
		for _, c := range tb.ForeignKeys() {
			found := false
			for _, ix := range tb.AllIndexes() {
				// A partial index "WHERE col IS NOT NULL" serves the equality
				// lookups of ON DELETE/UPDATE actions too.
				usable := ix.Where == "" || ix.Where == "("+c.Name+" IS NOT NULL)"
				if usable && ix.Columns[0] == c.Name {
					found = true
				}
			}
			require.True(t, found, "%s.%s: foreign key without an index leading with it", tb.Name, c.Name)
		}
	}
}

func TestIAM_EnumsComeFromTheDomain(t *testing.T) {
	t.Parallel()
	require.Equal(t, domain.Enums(), schema.IAM().Enums)
	status := schema.TableByName(domain.TableInvitation).Column("status")
	require.Equal(t, []string{"pending", "accepted", "rejected", "canceled"}, status.Enum.Values)
}

func TestRelations_AreNavigable(t *testing.T) {
	t.Parallel()
	user := schema.TableByName(domain.TableUser)
	sessions := user.Relation("sessions")
	require.NotNil(t, sessions)
	require.Equal(t, schema.RelMany, sessions.Kind)
	require.Equal(t, domain.TableSession, sessions.TargetTable().Name)
	require.Equal(t, "user_id", sessions.ForeignKey().Name)
	require.Equal(t, domain.TableSession, sessions.ForeignKey().Table().Name)

	members := schema.TableByName(domain.TableOrganization).Relation("members")
	require.Equal(t, domain.TableMember, members.TargetTable().Name)

	invitedBy := schema.TableByName(domain.TableMember).Relation("invitedByUser")
	require.Equal(t, schema.RelOne, invitedBy.Kind)
	require.Equal(t, domain.TableUser, invitedBy.TargetTable().Name)
	require.Equal(t, "invited_by", invitedBy.ForeignKey().Name)
	require.Equal(t, schema.SetNull, invitedBy.ForeignKey().Ref.OnDelete)

	// member.user -> user.memberships -> back to member.
	back := invitedBy.TargetTable().Relation("memberships").TargetTable()
	require.Equal(t, domain.TableMember, back.Name)
}

// TestDeclaration_MalformedPanicsNamingTableAndColumn: a broken declaration
// is a programmer error caught at start-up, with a message that says where.
func TestDeclaration_MalformedPanicsNamingTableAndColumn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		table func() *schema.Table
		want  string
	}{
		{"foreign key to unknown table", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("owner_id").References("nowhere", "id", schema.Cascade, schema.Cascade))
		}, "table app_thing: column owner_id: foreign key to unknown table nowhere"},
		{"foreign key to unknown column", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("owner_id").References(domain.TableUser, "uid", schema.Cascade, schema.Cascade))
		}, "table app_thing: column owner_id: foreign key to unknown column shared_user.uid"},
		{"foreign key to a column that is not unique", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("owner_name").References(domain.TableUser, "name", schema.Cascade, schema.Cascade))
		}, "table app_thing: column owner_name: foreign key to shared_user.name, which is not unique"},
		{"duplicate column", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("name"), schema.Int("name"))
		}, "table app_thing: column name: duplicate column"},
		{"column colliding with a global column", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("version"))
		}, "table app_thing: column version: duplicate column"},
		{"index on unknown column", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("name"), schema.Idx("app_thing_nmae_idx", "nmae"))
		}, "table app_thing: index app_thing_nmae_idx: unknown column nmae"},
		{"index name used twice", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("name"), schema.Idx("user_email_idx", "name"))
		}, "table app_thing: index user_email_idx: name already used on table shared_user"},
		{"relation without foreign key", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("user_id"), schema.One("user", domain.TableUser, "user_id"))
		}, "table app_thing: relation user: column user_id has no foreign key to shared_user"},
		{"NOT NULL with SET NULL", func() *schema.Table {
			return schema.NewTable("app_thing", schema.Text("user_id").Required().References(domain.TableUser, "id", schema.SetNull, schema.Cascade))
		}, "table app_thing: column user_id: NOT NULL with ON DELETE SET NULL"},
		{"enum default that is not a value", func() *schema.Table {
			e, _ := domain.EnumByName("member_status_enum")
			return schema.NewTable("app_thing", schema.Enum("status", e).DefaultText("archived"))
		}, "table app_thing: column status: default 'archived'::member_status_enum is not a value of enum member_status_enum"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.PanicsWithError(t, "schema app: "+tc.want, func() {
				schema.MustNew("app", schema.IAM(), schema.WithTables(tc.table()))
			})
		})
	}
}
