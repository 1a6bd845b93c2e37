package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
)

func TestDecodeMemberParams_ReadsValidInput(t *testing.T) {
	t.Parallel()
	org, user := domain.NewID[domain.Organization](), domain.NewID[domain.User]()
	p, err := domain.DecodeMemberParams(strings.NewReader(`{"organizationId":"` + org.String() + `","userId":"` + user.String() +
		`","role":"admin,billing","invitedAt":"2026-01-02T15:04:05Z"}`))
	require.NoError(t, err)
	require.Equal(t, org, p.OrganizationID)
	require.Equal(t, domain.Roles("admin,billing"), *p.Role)
	require.Equal(t, 2026, p.InvitedAt.Year())
}

func TestDecodeJSON_NamesTheFieldAndRuleOfEveryBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		want map[string]string
		msg  string
	}{
		{"unknown field", `{"organizationId":"shared_organization__0190f3c2-7b1a-7cc2-9f00-000000000000","userId":"shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000","rol":"admin"}`,
			map[string]string{"rol": "unknown_field"}, "rol is not a field of iam_member input"},
		{"member id where a user id is expected", `{"organizationId":"shared_organization__0190f3c2-7b1a-7cc2-9f00-000000000000","userId":"iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000"}`,
			map[string]string{"userId": "type"}, `userId must be a shared_user id (<table>__<uuid>): prefix is "iam_member", want "shared_user"`},
		{"bad uuid", `{"organizationId":"shared_organization__nope","userId":"shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000"}`,
			map[string]string{"organizationId": "type"}, "uuid"},
		{"wrong types", `{"organizationId":1,"userId":true,"role":["admin"],"invitedAt":"yesterday"}`,
			map[string]string{"organizationId": "type", "userId": "type", "role": "type", "invitedAt": "type"}, "RFC 3339"},
		{"enum value", `{"organizationId":"shared_organization__0190f3c2-7b1a-7cc2-9f00-000000000000","userId":"shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000","status":"away"}`,
			map[string]string{"status": "enum"}, "status must be one of active"},
		{"duplicate key", `{"role":"admin","role":"owner"}`, map[string]string{"role": "duplicate"}, "appears more than once"},
		{"secret-looking field is not input", `{"customRoles":["x"]}`, map[string]string{"customRoles": "unknown_field"}, ""},
		{"not an object", `["a"]`, map[string]string{"": "json_object"}, "one JSON object"},
		{"empty body", ``, map[string]string{"": "json_object"}, ""},
		{"truncated", `{"role":"admin"`, map[string]string{"": "json_syntax"}, ""},
		{"trailing data", `{"role":"admin"} {}`, map[string]string{"": "json_object"}, "nothing after it"},
		{"invalid value", `{"role": tru}`, map[string]string{"role": "json_syntax"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := domain.DecodeMemberParams(strings.NewReader(c.body))
			got := problems(t, err)
			for field, rule := range c.want {
				require.Equal(t, rule, got[field], "field %q in %v", field, err)
			}
			require.Contains(t, err.Error(), c.msg)
		})
	}
}

func TestDecodeJSON_IntegerOverflowAndSecretsAsStrings(t *testing.T) {
	t.Parallel()
	_, err := domain.DecodeAPIKeyParams(strings.NewReader(`{"referenceId":"x","key":42,"rateLimitMax":99999999999}`))
	got := problems(t, err)
	require.Equal(t, "type", got["key"])
	require.Equal(t, "type", got["rateLimitMax"])
	require.Contains(t, err.Error(), "rateLimitMax must be an integer that fits in 32 bits")
	require.Contains(t, err.Error(), "key must be a JSON string")
}

func TestDecodeJSON_RejectsOversizedBodies(t *testing.T) {
	t.Parallel()
	body := `{"name":"` + strings.Repeat("a", domain.MaxJSONInput) + `"}`
	_, err := domain.DecodeUserParams(strings.NewReader(body))
	require.Equal(t, map[string]string{"": "max_size"}, problems(t, err))
}

func TestDecodeUserParams_ValidatesAfterDecoding(t *testing.T) {
	t.Parallel()
	_, err := domain.DecodeUserParams(strings.NewReader(`{"name":"Ada","email":"ada@","phoneNumber":"12"}`))
	require.Equal(t, map[string]string{"email": "email", "phoneNumber": "phone"}, problems(t, err))
	p, err := domain.DecodeUserParams(strings.NewReader(`{"name":"Ada","email":"ADA@example.com","image":null}`))
	require.NoError(t, err)
	require.Nil(t, p.Image)
}

func TestEveryDecoder_RejectsGarbageWithoutPanicking(t *testing.T) {
	t.Parallel()
	decoders := allDecoders()
	// Every entity but the SCIM ones and the client assertions, which only
	// Better Auth writes (domain/scim.go).
	require.Len(t, decoders, 28)
	for _, body := range []string{``, `null`, `{}`, `{"id":"x"}`, `{"__proto__":{}}`, `[]`, `"s"`, `{"a":1e999}`, "\x00\xff"} {
		for name, dec := range decoders {
			require.NotPanics(t, func() { _ = dec(body) }, "%s on %q", name, body)
		}
	}
}

// allDecoders returns every DecodeXxxParams function, keyed by table.
func allDecoders() map[string]func(string) error {
	r := strings.NewReader
	return map[string]func(string) error{
		domain.TableUser:              func(s string) error { _, err := domain.DecodeUserParams(r(s)); return err },
		domain.TableOrganization:      func(s string) error { _, err := domain.DecodeOrganizationParams(r(s)); return err },
		domain.TableTeam:              func(s string) error { _, err := domain.DecodeTeamParams(r(s)); return err },
		domain.TableSession:           func(s string) error { _, err := domain.DecodeSessionParams(r(s)); return err },
		domain.TableFile:              func(s string) error { _, err := domain.DecodeFileParams(r(s)); return err },
		domain.TableFolder:            func(s string) error { _, err := domain.DecodeFolderParams(r(s)); return err },
		domain.TableAccount:           func(s string) error { _, err := domain.DecodeAccountParams(r(s)); return err },
		domain.TableVerification:      func(s string) error { _, err := domain.DecodeVerificationParams(r(s)); return err },
		domain.TableMember:            func(s string) error { _, err := domain.DecodeMemberParams(r(s)); return err },
		domain.TableTeamMember:        func(s string) error { _, err := domain.DecodeTeamMemberParams(r(s)); return err },
		domain.TableInvitation:        func(s string) error { _, err := domain.DecodeInvitationParams(r(s)); return err },
		domain.TableOrganizationRole:  func(s string) error { _, err := domain.DecodeOrganizationRoleParams(r(s)); return err },
		domain.TableTwoFactor:         func(s string) error { _, err := domain.DecodeTwoFactorParams(r(s)); return err },
		domain.TablePasskey:           func(s string) error { _, err := domain.DecodePasskeyParams(r(s)); return err },
		domain.TableAPIKey:            func(s string) error { _, err := domain.DecodeAPIKeyParams(r(s)); return err },
		domain.TableJWKS:              func(s string) error { _, err := domain.DecodeJWKSParams(r(s)); return err },
		domain.TableDeviceCode:        func(s string) error { _, err := domain.DecodeDeviceCodeParams(r(s)); return err },
		domain.TableSSOProvider:       func(s string) error { _, err := domain.DecodeSSOProviderParams(r(s)); return err },
		domain.TableSCIMProvider:      func(s string) error { _, err := domain.DecodeSCIMProviderParams(r(s)); return err },
		domain.TableSubscription:      func(s string) error { _, err := domain.DecodeSubscriptionParams(r(s)); return err },
		domain.TableWalletAddress:     func(s string) error { _, err := domain.DecodeWalletAddressParams(r(s)); return err },
		domain.TableRateLimit:         func(s string) error { _, err := domain.DecodeRateLimitParams(r(s)); return err },
		domain.TableOAuthClient:       func(s string) error { _, err := domain.DecodeOAuthClientParams(r(s)); return err },
		domain.TableOAuthAccessToken:  func(s string) error { _, err := domain.DecodeOAuthAccessTokenParams(r(s)); return err },
		domain.TableOAuthConsent:      func(s string) error { _, err := domain.DecodeOAuthConsentParams(r(s)); return err },
		domain.TableOAuthRefreshToken: func(s string) error { _, err := domain.DecodeOAuthRefreshTokenParams(r(s)); return err },
		domain.TableOAuthResource:     func(s string) error { _, err := domain.DecodeOAuthResourceParams(r(s)); return err },
		domain.TableOAuthClientResource: func(s string) error {
			_, err := domain.DecodeOAuthClientResourceParams(r(s))
			return err
		},
	}
}
