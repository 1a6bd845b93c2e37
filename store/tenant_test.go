package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

// TestStore_ScopesMatchSchema: every table the schema declares as
// organization-owned is reachable only through the Org handle, and every
// table is mapped.
func TestStore_ScopesMatchSchema(t *testing.T) {
	t.Parallel()
	scopes := store.TableScopes()
	for _, tb := range schema.Tables() {
		scoped, ok := scopes[tb.Name]
		require.True(t, ok, "table %s has no store repository", tb.Name)
		require.Equal(t, tb.Tenancy != schema.Global, scoped, "table %s: store scoping disagrees with schema tenancy %s", tb.Name, tb.Tenancy)
	}
	require.Len(t, scopes, len(schema.Tables()))
}

// tenantFixture is two organizations with one user each.
type tenantFixture struct {
	s          *store.Store
	url        string
	a, b       *store.Org
	userA      domain.User
	orgA, orgB domain.Organization
}

func newTenantFixture(t *testing.T) tenantFixture {
	s, url := openStore(t)
	ua := newUser(t, s, "alice")
	ub := newUser(t, s, "bob")
	orgA, _ := newOrg(t, s, ua, "org-a")
	orgB, _ := newOrg(t, s, ub, "org-b")
	return tenantFixture{s: s, url: url, a: s.Org(orgA.ID), b: s.Org(orgB.ID), userA: ua, orgA: orgA, orgB: orgB}
}

// crossTenant runs every generic method of an organization-scoped repository
// through the other organization's handle and checks each is ErrNotFound
// (or an empty list) and that the row in its own organization is unchanged.
func crossTenant[E domain.Entity](t *testing.T, own, other store.OrgRepo[E], row E) {
	ctx := context.Background()
	id := reflect.ValueOf(row).FieldByName("ID").Interface().(domain.ID[E])
	before, err := own.Get(ctx, id)
	require.NoError(t, err)

	_, err = other.Get(ctx, id)
	require.ErrorIs(t, err, store.ErrNotFound, "Get")
	_, err = other.Update(ctx, before)
	require.ErrorIs(t, err, store.ErrNotFound, "Update")
	require.ErrorIs(t, other.Delete(ctx, id), store.ErrNotFound, "Delete")
	_, err = other.Restore(ctx, id)
	require.ErrorIs(t, err, store.ErrNotFound, "Restore")
	require.ErrorIs(t, other.Purge(ctx, id), store.ErrNotFound, "Purge")
	list, _, err := other.List(ctx, store.Page{Limit: 1000})
	require.NoError(t, err)
	for _, r := range list {
		require.NotEqual(t, id, reflect.ValueOf(r).FieldByName("ID").Interface(), "List of the other organization shows the row")
	}

	after, err := own.Get(ctx, id)
	require.NoError(t, err)
	require.Equal(t, before, after, "the row changed through the other organization's handle")

	// The own handle can soft-delete, restore and purge it: the other
	// handle's refusals were about the tenant, not the row.
	require.NoError(t, own.Delete(ctx, id))
	_, err = own.Restore(ctx, id)
	require.NoError(t, err)
}

// TestOrgRepos_OtherTenantCannotReach covers every organization-scoped
// repository; a table without a case fails the test.
func TestOrgRepos_OtherTenantCannotReach(t *testing.T) {
	t.Parallel()
	fx := newTenantFixture(t)
	ctx := context.Background()
	orgA := fx.orgA.ID
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	team, err := domain.NewTeam(domain.TeamParams{OrganizationID: orgA, Name: "core"})
	must(err)
	team, err = fx.a.Teams().Create(ctx, team)
	must(err)
	folder, err := domain.NewFolder(domain.FolderParams{OrganizationID: orgA, UserID: fx.userA.ID, Name: "docs"})
	must(err)
	folder, err = fx.a.Folders().Create(ctx, folder)
	must(err)

	app, err := domain.NewOAuthClient(domain.OAuthClientParams{OrganizationID: &orgA, ClientID: "client-a", ClientSecret: domain.SecretPtr("s3cret"), RedirectURIs: []string{"https://app.example.com/cb"}})
	must(err)
	app, err = fx.a.OAuthClients().Create(ctx, app)
	must(err)

	cases := map[string]func(t *testing.T){
		domain.TableTeam: func(t *testing.T) { crossTenant(t, fx.a.Teams().OrgRepo, fx.b.Teams().OrgRepo, team) },
		domain.TableMember: func(t *testing.T) {
			m, err := fx.a.Members().GetByUser(ctx, fx.userA.ID)
			require.NoError(t, err)
			crossTenant(t, fx.a.Members().OrgRepo, fx.b.Members().OrgRepo, m)
			_, err = fx.b.Members().GetByUser(ctx, fx.userA.ID)
			require.ErrorIs(t, err, store.ErrNotFound)
			require.ErrorIs(t, fx.b.RemoveMember(ctx, m.ID), store.ErrNotFound)
			_, err = fx.b.ChangeRole(ctx, m.ID, "admin")
			require.ErrorIs(t, err, store.ErrNotFound)
		},
		domain.TableTeamMember: func(t *testing.T) {
			tm, err := domain.NewTeamMember(domain.TeamMemberParams{OrganizationID: orgA, TeamID: team.ID, UserID: fx.userA.ID})
			require.NoError(t, err)
			tm, err = fx.a.TeamMembers().Create(ctx, tm)
			require.NoError(t, err)
			crossTenant(t, fx.a.TeamMembers().OrgRepo, fx.b.TeamMembers().OrgRepo, tm)
			_, err = fx.b.TeamMembers().GetByTeamUser(ctx, team.ID, fx.userA.ID)
			require.ErrorIs(t, err, store.ErrNotFound)
		},
		domain.TableInvitation: func(t *testing.T) {
			inv, err := fx.a.Invite(ctx, domain.InvitationParams{Email: "x@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: fx.userA.ID})
			require.NoError(t, err)
			crossTenant(t, fx.a.Invitations().OrgRepo, fx.b.Invitations().OrgRepo, inv)
			_, err = fx.b.AcceptInvitation(ctx, inv.ID, fx.userA.ID)
			require.ErrorIs(t, err, store.ErrNotFound)
			require.ErrorIs(t, fx.b.CancelInvitation(ctx, inv.ID), store.ErrNotFound)
			require.ErrorIs(t, fx.b.RejectInvitation(ctx, inv.ID), store.ErrNotFound)
			_, err = fx.b.Invitations().GetPendingByEmail(ctx, "x@example.com")
			require.ErrorIs(t, err, store.ErrNotFound)
		},
		domain.TableOrganizationRole: func(t *testing.T) {
			r, err := domain.NewOrganizationRole(domain.OrganizationRoleParams{OrganizationID: orgA, Role: "auditor", Permission: `{"member":["read"]}`})
			require.NoError(t, err)
			r, err = fx.a.Roles().Create(ctx, r)
			require.NoError(t, err)
			crossTenant(t, fx.a.Roles().OrgRepo, fx.b.Roles().OrgRepo, r)
		},
		domain.TableFolder: func(t *testing.T) { crossTenant(t, fx.a.Folders().OrgRepo, fx.b.Folders().OrgRepo, folder) },
		domain.TableFile: func(t *testing.T) {
			f, err := domain.NewFile(domain.FileParams{OrganizationID: orgA, Key: "k/1", URL: "https://files.example.com/1", Name: "a.txt", Size: 3, MimeType: "text/plain", UserID: fx.userA.ID, FolderID: folder.ID})
			require.NoError(t, err)
			f, err = fx.a.Files().Create(ctx, f)
			require.NoError(t, err)
			crossTenant(t, fx.a.Files().OrgRepo, fx.b.Files().OrgRepo, f)
		},
		domain.TableAPIKey: func(t *testing.T) {
			k, err := fx.a.CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "ba_"})
			require.NoError(t, err)
			crossTenant(t, fx.a.APIKeys().OrgRepo, fx.b.APIKeys().OrgRepo, k.Key)
		},
		domain.TableSSOProvider: func(t *testing.T) {
			p, err := domain.NewSSOProvider(domain.SSOProviderParams{OrganizationID: &orgA, Issuer: "https://idp.example.com", UserID: &fx.userA.ID, ProviderID: "acme-sso", Domain: "example.com"})
			require.NoError(t, err)
			p, err = fx.a.SSOProviders().Create(ctx, p)
			require.NoError(t, err)
			crossTenant(t, fx.a.SSOProviders().OrgRepo, fx.b.SSOProviders().OrgRepo, p)
			_, err = fx.b.SSOProviders().GetByProviderID(ctx, "acme-sso")
			require.ErrorIs(t, err, store.ErrNotFound)
		},
		domain.TableSCIMProvider: func(t *testing.T) {
			p, err := domain.NewSCIMProvider(domain.SCIMProviderParams{OrganizationID: &orgA, ProviderID: "acme-scim", SCIMToken: domain.NewSecret("scim-token-1")})
			require.NoError(t, err)
			p, err = fx.a.SCIMProviders().Create(ctx, p)
			require.NoError(t, err)
			crossTenant(t, fx.a.SCIMProviders().OrgRepo, fx.b.SCIMProviders().OrgRepo, p)
		},
		domain.TableSubscription: func(t *testing.T) {
			sub, err := domain.NewSubscription(domain.SubscriptionParams{Plan: "pro", ReferenceID: orgA.String()})
			require.NoError(t, err)
			sub, err = fx.a.Subscriptions().Create(ctx, sub)
			require.NoError(t, err)
			crossTenant(t, fx.a.Subscriptions().OrgRepo, fx.b.Subscriptions().OrgRepo, sub)
		},
		domain.TableOAuthClient: func(t *testing.T) {
			require.Equal(t, orgA.String(), *app.ReferenceID)
			crossTenant(t, fx.a.OAuthClients().OrgRepo, fx.b.OAuthClients().OrgRepo, app)
			_, err = fx.b.OAuthClients().GetByClientID(ctx, "client-a")
			require.ErrorIs(t, err, store.ErrNotFound)
		},
		domain.TableOAuthAccessToken: func(t *testing.T) {
			rt, err := domain.NewOAuthRefreshToken(domain.OAuthRefreshTokenParams{OrganizationID: &orgA, Token: domain.NewSecret("rt-1"),
				ExpiresAt: time.Now().Add(24 * time.Hour), ClientID: "client-a", UserID: fx.userA.ID, Scopes: []string{"openid", "offline_access"}})
			require.NoError(t, err)
			rt, err = fx.a.OAuthRefreshTokens().Create(ctx, rt)
			require.NoError(t, err)
			tok, err := domain.NewOAuthAccessToken(domain.OAuthAccessTokenParams{OrganizationID: &orgA, Token: domain.NewSecret("at-1"), RefreshID: &rt.ID,
				ExpiresAt: time.Now().Add(time.Hour), ClientID: "client-a", UserID: &fx.userA.ID, Scopes: []string{"openid"}})
			require.NoError(t, err)
			tok, err = fx.a.OAuthAccessTokens().Create(ctx, tok)
			require.NoError(t, err)
			crossTenant(t, fx.a.OAuthAccessTokens().OrgRepo, fx.b.OAuthAccessTokens().OrgRepo, tok)
		},
		domain.TableOAuthConsent: func(t *testing.T) {
			c, err := domain.NewOAuthConsent(domain.OAuthConsentParams{OrganizationID: &orgA, ClientID: "client-a", UserID: &fx.userA.ID, Scopes: []string{"openid"}})
			require.NoError(t, err)
			c, err = fx.a.OAuthConsents().Create(ctx, c)
			require.NoError(t, err)
			crossTenant(t, fx.a.OAuthConsents().OrgRepo, fx.b.OAuthConsents().OrgRepo, c)
		},
		domain.TableOAuthRefreshToken: func(t *testing.T) {
			rt, err := domain.NewOAuthRefreshToken(domain.OAuthRefreshTokenParams{OrganizationID: &orgA, Token: domain.NewSecret("rt-2"),
				ExpiresAt: time.Now().Add(24 * time.Hour), ClientID: "client-a", UserID: fx.userA.ID, Scopes: []string{"openid"}})
			require.NoError(t, err)
			rt, err = fx.a.OAuthRefreshTokens().Create(ctx, rt)
			require.NoError(t, err)
			crossTenant(t, fx.a.OAuthRefreshTokens().OrgRepo, fx.b.OAuthRefreshTokens().OrgRepo, rt)
			l, _, err := fx.b.OAuthRefreshTokens().ListByUser(ctx, fx.userA.ID, store.Page{})
			require.NoError(t, err)
			require.Empty(t, l)
		},
		domain.TableOAuthClientResource: func(t *testing.T) {
			res, err := domain.NewOAuthResource(domain.OAuthResourceParams{Identifier: "https://api.example.com", Name: "API"})
			require.NoError(t, err)
			_, err = fx.s.OAuthResources().Create(ctx, res)
			require.NoError(t, err)
			cr, err := domain.NewOAuthClientResource(domain.OAuthClientResourceParams{OrganizationID: &orgA, ClientID: "client-a", ResourceID: "https://api.example.com"})
			require.NoError(t, err)
			cr, err = fx.a.OAuthClientResources().Create(ctx, cr)
			require.NoError(t, err)
			crossTenant(t, fx.a.OAuthClientResources().OrgRepo, fx.b.OAuthClientResources().OrgRepo, cr)
		},
	}
	for table, scoped := range store.TableScopes() {
		if !scoped {
			continue
		}
		c, ok := cases[table]
		require.True(t, ok, "organization-scoped table %s has no cross-tenant case", table)
		require.True(t, t.Run(table, c), "cross-tenant case %s", table)
	}
	require.Len(t, cases, 16)
}
