package domain_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
)

// Far from now in both directions, so that no assertion depends on the clock.
var (
	future = time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)
	past   = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
)

func problems(t *testing.T, err error) map[string]string {
	t.Helper()
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, domain.ErrValidation)
	out := map[string]string{}
	for _, p := range ve.Problems {
		out[p.Field] = p.Rule
	}
	return out
}

func TestNewMember_DefaultsToRoleMemberStatusActiveAndAFreshID(t *testing.T) {
	t.Parallel()
	org, user := domain.NewID[domain.Organization](), domain.NewID[domain.User]()
	m, err := domain.NewMember(domain.MemberParams{OrganizationID: org, UserID: user})
	require.NoError(t, err)
	require.Equal(t, domain.Roles("member"), m.Role)
	require.Equal(t, domain.MemberStatusActive, m.Status)
	require.True(t, strings.HasPrefix(m.ID.String(), "iam_member__"))
	require.Equal(t, int32(1), m.Version)
	require.Equal(t, org, m.OrganizationID)
}

func TestNewMember_ChecksTheFormOfCustomRolesAndLeavesTheirExistenceToTheStore(t *testing.T) {
	t.Parallel()
	p := domain.MemberParams{OrganizationID: domain.NewID[domain.Organization](), UserID: domain.NewID[domain.User](),
		Role: ptr(domain.Roles("admin, billing"))}
	m, err := domain.NewMember(p)
	require.NoError(t, err, "a well-formed custom role name is for the store to check against the organization")
	require.Equal(t, domain.Roles("admin,billing"), m.Role)
	require.Equal(t, []string{"billing"}, m.Role.Custom())
	for _, bad := range []string{"admin,bill ing", "admin,,billing", "billing,billing", ""} {
		p.Role = ptr(domain.Roles(bad))
		_, err = domain.NewMember(p)
		require.Error(t, err, bad)
		require.Contains(t, []string{"role", "required"}, problems(t, err)["role"], bad)
	}
	inv, err := domain.NewInvitation(domain.InvitationParams{OrganizationID: p.OrganizationID, Email: "a@example.com",
		Role: ptr(domain.Roles("auditor")), ExpiresAt: time.Now().Add(time.Hour), InviterID: p.UserID})
	require.NoError(t, err)
	require.Equal(t, []string{"auditor"}, inv.Role.Custom())
	_, err = domain.NewInvitation(domain.InvitationParams{OrganizationID: p.OrganizationID, Email: "a@example.com",
		Role: ptr(domain.Roles("audi\ttor")), ExpiresAt: time.Now().Add(time.Hour), InviterID: p.UserID})
	require.Equal(t, map[string]string{"role": "role"}, problems(t, err))
}

func TestNewMember_ReportsEveryFailingFieldAtOnce(t *testing.T) {
	t.Parallel()
	_, err := domain.NewMember(domain.MemberParams{Role: ptr(domain.Roles("king,king")), Status: ptr(domain.MemberStatus("away")),
		Permissions: json.RawMessage("{not json")})
	require.Equal(t, map[string]string{
		"organizationId": "required", "userId": "required", "role": "role", "status": "enum", "permissions": "json",
	}, problems(t, err))
	require.Contains(t, err.Error(), "invalid iam_member: ")
	require.Contains(t, err.Error(), "status must be one of active, inactive, offline, suspended, deleted, invited")
}

func TestNewAPIKey_AppliesTheSeedDefaultsAndDerivesTheOwner(t *testing.T) {
	t.Parallel()
	user := domain.NewID[domain.User]()
	k, err := domain.NewAPIKey(domain.APIKeyParams{ReferenceID: user.String(), Key: domain.NewSecret("hash")})
	require.NoError(t, err)
	require.True(t, k.Enabled)
	require.True(t, k.RateLimitEnabled)
	require.Equal(t, int32(86_400_000), k.RateLimitTimeWindow)
	require.Equal(t, int32(10), k.RateLimitMax)
	require.Equal(t, int32(0), *k.RequestCount)
	require.Equal(t, "default", k.ConfigID)
	require.Equal(t, &user, k.UserID)
	require.Nil(t, k.OrganizationID)

	org := domain.NewID[domain.Organization]()
	k, err = domain.NewAPIKey(domain.APIKeyParams{ReferenceID: org.String(), Key: domain.NewSecret("hash")})
	require.NoError(t, err)
	require.Equal(t, &org, k.OrganizationID)
	require.Nil(t, k.UserID)
}

func TestNewAPIKey_RejectsNonPositiveWindowsAndNegativeCounters(t *testing.T) {
	t.Parallel()
	_, err := domain.NewAPIKey(domain.APIKeyParams{
		ReferenceID:         "iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000",
		RateLimitTimeWindow: ptr(int32(0)),
		RateLimitMax:        ptr(int32(-1)),
		RefillInterval:      ptr(int32(0)),
		Remaining:           ptr(int32(-5)),
		ExpiresAt:           &past,
	})
	require.Equal(t, map[string]string{
		"referenceId": "reference", "key": "required", "rateLimitTimeWindow": "positive", "rateLimitMax": "positive",
		"refillInterval": "positive", "refillAmount": "together", "remaining": "non_negative", "expiresAt": "after_created",
	}, problems(t, err))
}

func TestAPIKeyPatch_RejectsANegativeRequestCountAndLeavesTheKeyUnchanged(t *testing.T) {
	t.Parallel()
	k, err := domain.NewAPIKey(domain.APIKeyParams{ReferenceID: domain.NewID[domain.User]().String(), Key: domain.NewSecret("h")})
	require.NoError(t, err)
	before := k
	err = domain.APIKeyPatch{RequestCount: ptr(int32(-1)), Name: ptr("renamed")}.Apply(&k)
	require.Equal(t, map[string]string{"requestCount": "non_negative"}, problems(t, err))
	require.Equal(t, before, k)
	require.NoError(t, domain.APIKeyPatch{RequestCount: ptr(int32(3)), Name: ptr("renamed")}.Apply(&k))
	require.Equal(t, int32(3), *k.RequestCount)
	require.Equal(t, "renamed", *k.Name)
}

func TestNewOrganization_DefaultsAndSlugRule(t *testing.T) {
	t.Parallel()
	o, err := domain.NewOrganization(domain.OrganizationParams{Name: " Acme ", Slug: "acme", Features: []byte("null")})
	require.NoError(t, err)
	require.Equal(t, "Acme", o.Name)
	require.Equal(t, domain.OrganizationTypeIndividual, o.Type)
	require.Equal(t, domain.SubscriptionTierFree, o.SubscriptionTier)
	require.Equal(t, domain.SubscriptionStatusActive, o.SubscriptionStatus)
	require.False(t, o.IsPersonal)
	require.Nil(t, o.Features, "a JSON null is stored as SQL NULL")

	_, err = domain.NewOrganization(domain.OrganizationParams{Name: "", Slug: "Acme Corp", Logo: ptr("ftp://x/y"),
		Type: ptr(domain.OrganizationType("galaxy")), Features: []byte("{")})
	require.Equal(t, map[string]string{"name": "required", "slug": "slug", "logo": "url", "type": "enum", "features": "json"},
		problems(t, err))
}

func TestNewUser_NormalizesEmailAndUsernameAndDefaultsRoleUser(t *testing.T) {
	t.Parallel()
	u, err := domain.NewUser(domain.UserParams{Name: "Ada", Email: "  Ada@Example.COM ", Username: ptr("Ada_L")})
	require.NoError(t, err)
	require.Equal(t, "ada@example.com", u.Email)
	require.Equal(t, "ada_l", *u.Username)
	require.Equal(t, "Ada_L", *u.DisplayUsername)
	require.Equal(t, domain.Roles("user"), u.Role)
	require.Equal(t, int32(domain.DefaultUploadLimit), u.UploadLimit)
	require.False(t, u.Banned || u.EmailVerified || u.TwoFactorEnabled || u.IsAnonymous || u.PhoneNumberVerified)

	_, err = domain.NewUser(domain.UserParams{Email: "ada", PhoneNumber: ptr("555-1234"), Role: ptr(domain.Roles("owner")),
		UploadLimit: ptr(int32(-1)), Image: ptr("data:image/png;base64,xx")})
	require.Equal(t, map[string]string{"name": "required", "email": "email", "phoneNumber": "phone", "role": "role",
		"uploadLimit": "non_negative", "image": "url"}, problems(t, err))
}

func TestUserPatch_BansAndChecksTheNewEmail(t *testing.T) {
	t.Parallel()
	u, err := domain.NewUser(domain.UserParams{Name: "Ada", Email: "ada@example.com"})
	require.NoError(t, err)
	require.NoError(t, domain.UserPatch{Banned: ptr(true), BanReason: ptr("spam"), BanExpires: &future}.Apply(&u))
	require.True(t, u.Banned)
	err = domain.UserPatch{Email: ptr("not-an-email")}.Apply(&u)
	require.Equal(t, map[string]string{"email": "email"}, problems(t, err))
	require.Equal(t, "ada@example.com", u.Email)
}

func TestNewInvitation_IsPendingWithANormalizedEmailAndAFutureExpiry(t *testing.T) {
	t.Parallel()
	p := domain.InvitationParams{OrganizationID: domain.NewID[domain.Organization](), Email: "Bob@Example.com",
		ExpiresAt: future, InviterID: domain.NewID[domain.User](), Role: ptr(domain.Roles("admin"))}
	i, err := domain.NewInvitation(p)
	require.NoError(t, err)
	require.Equal(t, domain.InvitationStatusPending, i.Status)
	require.Equal(t, "bob@example.com", i.Email)

	p.ExpiresAt = past
	p.TeamID = ptr("shared_team__0190f3c2-7b1a-7cc2-9f00-000000000000,iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000")
	_, err = domain.NewInvitation(p)
	require.Equal(t, map[string]string{"expiresAt": "after_created", "teamId": "id"}, problems(t, err))
}

func TestInvitationPatch_OnlyAPendingInvitationChangesStatus(t *testing.T) {
	t.Parallel()
	i, err := domain.NewInvitation(domain.InvitationParams{OrganizationID: domain.NewID[domain.Organization](),
		Email: "bob@example.com", ExpiresAt: future, InviterID: domain.NewID[domain.User]()})
	require.NoError(t, err)
	require.NoError(t, domain.InvitationPatch{Status: ptr(domain.InvitationStatusCanceled)}.Apply(&i))
	err = domain.InvitationPatch{Status: ptr(domain.InvitationStatusAccepted)}.Apply(&i)
	require.Equal(t, map[string]string{"status": "transition"}, problems(t, err))
	require.Equal(t, domain.InvitationStatusCanceled, i.Status)
}

func TestExpiry_IsCheckedAgainstCreatedAtForStoredRows(t *testing.T) {
	t.Parallel()
	s := domain.Session{Token: domain.NewSecret("t"), UserID: domain.NewID[domain.User](), ExpiresAt: past}
	s.CreatedAt = past.Add(-time.Hour)
	require.NoError(t, s.Validate(), "an expired but well-formed stored session is valid")
	s.CreatedAt = past.Add(time.Hour)
	require.Equal(t, map[string]string{"expiresAt": "after_created"}, problems(t, s.Validate()))
}

func TestNewSession_RequiresTokenUserAndAValidIP(t *testing.T) {
	t.Parallel()
	_, err := domain.NewSession(domain.SessionParams{ExpiresAt: past, IPAddress: domain.SecretPtr("999.1.1.1")})
	require.Equal(t, map[string]string{"expiresAt": "after_created", "token": "required", "userId": "required", "ipAddress": "ip"},
		problems(t, err))
	s, err := domain.NewSession(domain.SessionParams{ExpiresAt: future, Token: domain.NewSecret("tok"),
		UserID: domain.NewID[domain.User](), IPAddress: domain.SecretPtr("2001:db8::1")})
	require.NoError(t, err)
	require.Equal(t, "tok", s.Token.Reveal())
}

func TestAccount_CredentialAccountNeedsAPasswordHashButNoStrengthRules(t *testing.T) {
	t.Parallel()
	user := domain.NewID[domain.User]()
	_, err := domain.NewAccount(domain.AccountParams{AccountID: user.String(), ProviderID: domain.ProviderCredential, UserID: user})
	require.Equal(t, map[string]string{"password": "required"}, problems(t, err))
	// A scrypt hash is lower-case hex with a colon: it would fail the plain
	// password rules, and must not be checked by them.
	hash := domain.SecretPtr("0123456789abcdef0123456789abcdef:" + strings.Repeat("ab", 64))
	a, err := domain.NewAccount(domain.AccountParams{AccountID: user.String(), ProviderID: domain.ProviderCredential,
		UserID: user, Password: hash})
	require.NoError(t, err)
	require.Equal(t, hash.Reveal(), a.Password.Reveal())
}

func TestNewDeviceCode_IsPendingAndApprovalNeedsAUser(t *testing.T) {
	t.Parallel()
	d, err := domain.NewDeviceCode(domain.DeviceCodeParams{DeviceCode: domain.NewSecret("dc"), UserCode: domain.NewSecret("ABCD-EFGH"),
		ExpiresAt: future, PollingInterval: ptr(int32(5))})
	require.NoError(t, err)
	require.Equal(t, domain.DeviceCodeStatusPending, d.Status)
	err = domain.DeviceCodePatch{Status: ptr(domain.DeviceCodeStatusApproved)}.Apply(&d)
	require.Equal(t, map[string]string{"userId": "required"}, problems(t, err))
	user := domain.NewID[domain.User]()
	require.NoError(t, domain.DeviceCodePatch{Status: ptr(domain.DeviceCodeStatusApproved), UserID: &user}.Apply(&d))
	err = domain.DeviceCodePatch{Status: ptr(domain.DeviceCodeStatusDenied)}.Apply(&d)
	require.Equal(t, map[string]string{"status": "transition"}, problems(t, err))
}

func TestPasskeyPatch_CounterNeverDecreases(t *testing.T) {
	t.Parallel()
	k, err := domain.NewPasskey(domain.PasskeyParams{PublicKey: domain.NewSecret("pk"), CredentialID: domain.NewSecret("cid"),
		UserID: domain.NewID[domain.User](), Counter: 5, DeviceType: domain.PasskeyDeviceMulti})
	require.NoError(t, err)
	require.NoError(t, domain.PasskeyPatch{Counter: ptr(int32(6))}.Apply(&k))
	err = domain.PasskeyPatch{Counter: ptr(int32(2))}.Apply(&k)
	require.Equal(t, map[string]string{"counter": "monotonic"}, problems(t, err))
	require.Equal(t, int32(6), k.Counter)
	_, err = domain.NewPasskey(domain.PasskeyParams{UserID: domain.NewID[domain.User](), Counter: -1, DeviceType: "phone"})
	require.Equal(t, map[string]string{"publicKey": "required", "credentialId": "required", "counter": "non_negative",
		"deviceType": "enum"}, problems(t, err))
}

func TestOrganizationRole_RejectsBuiltInNamesAndMalformedPermissions(t *testing.T) {
	t.Parallel()
	org := domain.NewID[domain.Organization]()
	_, err := domain.NewOrganizationRole(domain.OrganizationRoleParams{OrganizationID: org, Role: "admin", Permission: `["x"]`})
	require.Equal(t, map[string]string{"role": "builtin", "permission": "permission"}, problems(t, err))
	_, err = domain.NewOrganizationRole(domain.OrganizationRoleParams{OrganizationID: org, Role: "a,b", Permission: `{"project":["read"]}`})
	require.Equal(t, map[string]string{"role": "role_name"}, problems(t, err))
	r, err := domain.NewOrganizationRole(domain.OrganizationRoleParams{OrganizationID: org, Role: "billing", Permission: `{"invoice":["read","pay"]}`})
	require.NoError(t, err)
	require.Equal(t, "billing", r.Role)
}

func TestOAuthClient_SecretClientsNeedASecretAndRedirectsMustBeAbsolute(t *testing.T) {
	t.Parallel()
	_, err := domain.NewOAuthClient(domain.OAuthClientParams{ClientID: "c1", RedirectURIs: []string{"/callback"}, Scopes: []string{"open id"}})
	require.Equal(t, map[string]string{"clientSecret": "required", "redirectUris": "url", "scopes": "scope"}, problems(t, err))
	_, err = domain.NewOAuthClient(domain.OAuthClientParams{ClientID: "c1", ClientSecret: domain.SecretPtr("h"), ApplicationType: ptr("spa"),
		RedirectURIs: []string{"https://a.example.com/cb"}})
	require.Equal(t, map[string]string{"applicationType": "enum"}, problems(t, err))
	org := domain.NewID[domain.Organization]()
	c, err := domain.NewOAuthClient(domain.OAuthClientParams{OrganizationID: &org, ClientID: "c1", TokenEndpointAuthMethod: ptr(domain.OAuthAuthNone),
		RedirectURIs: []string{"https://app.example.com/cb", "com.example.app:/oauth"}})
	require.NoError(t, err)
	require.Equal(t, []string{"https://app.example.com/cb", "com.example.app:/oauth"}, domain.StringList(c.RedirectURIs))
	require.Equal(t, []string{"authorization_code", "refresh_token"}, domain.StringList(c.GrantTypes))
	require.Equal(t, org.String(), *c.ReferenceID, "an organization's client references it")
	require.True(t, c.IsPublic())
	require.False(t, c.Disabled)
	other := "shared_organization__0190a0a0-0000-7000-8000-000000000000"
	c.ReferenceID = &other
	require.Equal(t, map[string]string{"referenceId": "owner"}, problems(t, c.Validate()))
}

func TestSubscription_DefaultsToIncompleteAndDerivesTheTenant(t *testing.T) {
	t.Parallel()
	org := domain.NewID[domain.Organization]()
	s, err := domain.NewSubscription(domain.SubscriptionParams{Plan: "pro", ReferenceID: org.String()})
	require.NoError(t, err)
	require.Equal(t, "incomplete", s.Status)
	require.Equal(t, &org, s.OrganizationID)
	_, err = domain.NewSubscription(domain.SubscriptionParams{Plan: "pro", ReferenceID: "nobody", PeriodStart: &future, PeriodEnd: &past,
		Seats: ptr(int32(-1))})
	require.Equal(t, map[string]string{"referenceId": "reference", "periodEnd": "after_start", "seats": "non_negative"}, problems(t, err))
}

func TestSmallEntities_ValidateTheirRules(t *testing.T) {
	t.Parallel()
	user, org := domain.NewID[domain.User](), domain.NewID[domain.Organization]()
	cases := []struct {
		name string
		err  error
		want map[string]string
	}{
		{"team", second(domain.NewTeam(domain.TeamParams{Slug: ptr("Bad Slug")})),
			map[string]string{"organizationId": "required", "name": "required", "slug": "slug"}},
		{"file", second(domain.NewFile(domain.FileParams{OrganizationID: org, Size: -1, MimeType: "png", URL: "x", Metadata: json.RawMessage("{")})),
			map[string]string{"key": "required", "url": "url", "name": "required", "size": "non_negative", "mimeType": "mime_type",
				"userId": "required", "folderId": "required", "uploadedByUserId": "required", "metadata": "json"}},
		{"folder", second(domain.NewFolder(domain.FolderParams{})),
			map[string]string{"organizationId": "required", "userId": "required", "name": "required"}},
		{"verification", second(domain.NewVerification(domain.VerificationParams{ExpiresAt: past})),
			map[string]string{"identifier": "required", "value": "required", "expiresAt": "after_created"}},
		{"team member", second(domain.NewTeamMember(domain.TeamMemberParams{OrganizationID: org})),
			map[string]string{"teamId": "required", "userId": "required"}},
		{"two factor", second(domain.NewTwoFactor(domain.TwoFactorParams{UserID: user})),
			map[string]string{"secret": "required", "backupCodes": "required"}},
		{"jwks", second(domain.NewJWKS(domain.JWKSParams{ExpiresAt: &past})),
			map[string]string{"publicKey": "required", "privateKey": "required", "expiresAt": "after_created"}},
		{"sso", second(domain.NewSSOProvider(domain.SSOProviderParams{Issuer: "not a url", Domain: "exa mple.com", OIDCConfig: ptr("{")})),
			map[string]string{"issuer": "url", "domain": "hostname", "oidcConfig": "json", "userId": "required", "providerId": "required"}},
		{"scim", second(domain.NewSCIMProvider(domain.SCIMProviderParams{})),
			map[string]string{"providerId": "required", "scimToken": "required"}},
		{"wallet", second(domain.NewWalletAddress(domain.WalletAddressParams{UserID: user, Address: "0x123", ChainID: 0})),
			map[string]string{"address": "wallet_address", "chainId": "positive"}},
		{"rate limit", second(domain.NewRateLimit(domain.RateLimitParams{Count: -1, LastRequest: -1})),
			map[string]string{"key": "required", "count": "non_negative", "lastRequest": "non_negative"}},
		{"access token", second(domain.NewOAuthAccessToken(domain.OAuthAccessTokenParams{ExpiresAt: past, Resources: []string{"not a url"}})),
			map[string]string{"token": "required", "expiresAt": "after_created", "clientId": "required", "resources": "url"}},
		{"refresh token", second(domain.NewOAuthRefreshToken(domain.OAuthRefreshTokenParams{ExpiresAt: future})),
			map[string]string{"token": "required", "clientId": "required", "userId": "required"}},
		{"consent", second(domain.NewOAuthConsent(domain.OAuthConsentParams{Scopes: []string{"   "}})),
			map[string]string{"clientId": "required", "userId": "required", "scopes": "required"}},
		{"resource", second(domain.NewOAuthResource(domain.OAuthResourceParams{Identifier: "api", AccessTokenTTL: ptr(int32(0))})),
			map[string]string{"identifier": "url", "name": "required", "accessTokenTtl": "positive"}},
		{"client resource", second(domain.NewOAuthClientResource(domain.OAuthClientResourceParams{Metadata: json.RawMessage("{")})),
			map[string]string{"clientId": "required", "resourceId": "required", "metadata": "json"}},
		{"scim user", domain.SCIMUser{Active: true}.Validate(),
			map[string]string{"connectionId": "required", "provisioningDomainId": "required", "userId": "required",
				"connectionUserKey": "required", "userName": "required", "userNameKey": "required", "primaryEmail": "required",
				"displayName": "required", "formattedName": "required", "serializedEmails": "required", "orderKey": "required"}},
		{"scim credential", domain.SCIMManagedCredential{}.Validate(),
			map[string]string{"connectionRecordId": "required", "credentialId": "required", "tokenDigest": "required",
				"hashVersion": "required", "activeSlotKey": "required", "status": "required", "serializedScopes": "required", "expiresAt": "required"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, c.want, problems(t, c.err))
		})
	}
}

func TestValidationError_NeverContainsTheRejectedValue(t *testing.T) {
	t.Parallel()
	const personal = "Very.Private+Person@@example"
	_, err := domain.NewUser(domain.UserParams{Name: "x", Email: personal, PhoneNumber: ptr("+00-personal-phone")})
	require.Error(t, err)
	require.NotContains(t, strings.ToLower(err.Error()), strings.ToLower(personal))
	require.NotContains(t, err.Error(), "personal-phone")
	require.True(t, errors.Is(err, domain.ErrValidation))
}

func second[T any](_ T, err error) error { return err }

func ptr[T any](v T) *T { return &v }
