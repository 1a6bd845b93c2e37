package betterauth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
)

// setCookieValue returns name and value of a Set-Cookie header line.
func setCookieValue(t *testing.T, line string) (string, string) {
	t.Helper()
	pair, _, _ := strings.Cut(line, ";")
	name, value, ok := strings.Cut(pair, "=")
	require.True(t, ok, "Set-Cookie without '='")
	return name, value
}

func TestVerifySignedValue_AcceptsCookiesFromLiveBetterAuthServer(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	name, value := setCookieValue(t, lv.SignInSetCookie[0])
	require.Equal(t, a.SessionTokenCookieName(), name)
	tok, err := a.VerifySignedValue(value)
	require.NoError(t, err)
	require.Equal(t, lv.GetSession.Session["token"], tok.Reveal())

	_, value = setCookieValue(t, lv.SignUpSetCookie[0])
	tok, err = a.VerifySignedValue(value)
	require.NoError(t, err)
	require.Len(t, tok.Reveal(), 32)
}

func TestSignCookieValue_EqualsBetterCallOutput(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	a := newAuth(t)
	for _, c := range v.SignedCookies {
		_, want := setCookieValue(t, c.SetCookie)
		require.Equal(t, want, a.SignCookieValue(c.Token), "token %q", c.Token)
		got, err := a.VerifySignedValue(want)
		require.NoError(t, err)
		require.Equal(t, c.Token, got.Reveal())
	}
}

func TestSignCookieValue_RoundTripsArbitraryTokens(t *testing.T) {
	t.Parallel()
	a := newAuth(t)
	for _, tok := range []string{"x", "with.dots.inside", "sp ace+plus/slash=eq%pct", "ünï", strings.Repeat("a", 200)} {
		got, err := a.VerifySignedValue(a.SignCookieValue(tok))
		require.NoError(t, err, "token %q", tok)
		require.Equal(t, tok, got.Reveal())
	}
}

func TestSessionCookie_HasBetterAuthAttributes(t *testing.T) {
	t.Parallel()
	a := newAuth(t, func(c *betterauth.Config) { c.SecureCookies = true })
	c := a.SessionCookie("PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM", betterauth.DefaultSessionMaxAge)
	require.Equal(t, "__Secure-better-auth.session_token", c.Name)
	s := c.String()
	for _, want := range []string{"Path=/", "Max-Age=604800", "HttpOnly", "Secure", "SameSite=Lax",
		"PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM.5IBc%2FLX4SATu04NFxq6HpTlFZXed%2BxOzX4HrUYPoNRQ%3D"} {
		require.Contains(t, s, want)
	}
}

func TestVerifySignedValue_RejectsBadInputWithTypedErrors(t *testing.T) {
	t.Parallel()
	a := newAuth(t)
	good := a.SignCookieValue("PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM")
	tampered := "QSZezV0jQsuSUi9pnegX9Xl6KGhctdIM" + good[32:]
	other := newAuth(t, func(c *betterauth.Config) { c.Secret = domain.NewSecret("another-secret-another-secret-123") })
	cases := []struct {
		name, value, rule string
		sentinel          error
	}{
		{"empty", "", "signed_format", betterauth.ErrMalformed},
		{"no dot", "PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM", "signed_format", betterauth.ErrMalformed},
		{"empty token", ".5IBc/LX4SATu04NFxq6HpTlFZXed+xOzX4HrUYPoNRQ=", "signed_format", betterauth.ErrMalformed},
		{"short signature", "abc.5IBc/LX4SATu04NFxq6HpTlFZXed+xOzX4HrUYPoNRQ", "signature_length", betterauth.ErrMalformed},
		{"no padding", "abc.5IBc/LX4SATu04NFxq6HpTlFZXed+xOzX4HrUYPoNRQx", "signature_length", betterauth.ErrMalformed},
		{"not base64", "abc.5IBc/LX4SATu04NFxq6HpTlFZXed+xOzX4HrUYPoN!Q=", "signature_base64", betterauth.ErrMalformed},
		{"bad escape", "abc%zz.5IBc", "url_encoding", betterauth.ErrMalformed},
		{"too long", strings.Repeat("a", 5000) + ".x", "max_length", betterauth.ErrMalformed},
		{"tampered token", tampered, "hmac", betterauth.ErrInvalidSignature},
		{"other secret", other.SignCookieValue("PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM"), "hmac", betterauth.ErrInvalidSignature},
	}
	for _, c := range cases {
		_, err := a.VerifySignedValue(c.value)
		require.ErrorIs(t, err, c.sentinel, c.name)
		var ie *betterauth.InputError
		require.True(t, errors.As(err, &ie), c.name)
		require.Equal(t, "session_token", ie.Field, c.name)
		require.Equal(t, c.rule, ie.Rule, c.name)
		require.NotContains(t, err.Error(), "PSZezV0j", c.name)
	}
}

func TestSessionToken_ReadsLiveCookieHeader(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "theme=dark; "+lv.CookieHeader)
	tok, err := a.SessionToken(r)
	require.NoError(t, err)
	require.Equal(t, lv.GetSession.Session["token"], tok.Reveal())
}

func TestSessionToken_AcceptsSignedBearerEncodedOrNot(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	a := newAuth(t)
	c := v.SignedCookies[0]
	for _, h := range []string{
		"Bearer " + c.Token + "." + c.Signature,
		"bearer  " + a.SignCookieValue(c.Token) + " ",
		"BEARER " + c.Token + "." + c.Signature,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", h)
		tok, err := a.SessionToken(r)
		require.NoError(t, err, h)
		require.Equal(t, c.Token, tok.Reveal())
	}
}

func TestSessionToken_UnsignedBearerOnlyWhenConfigured(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM")

	_, err := newAuth(t).SessionToken(r)
	require.ErrorIs(t, err, betterauth.ErrMalformed)

	tok, err := newAuth(t, func(c *betterauth.Config) { c.AllowUnsignedBearer = true }).SessionToken(r)
	require.NoError(t, err)
	require.Equal(t, "PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM", tok.Reveal())
}

func TestSessionToken_InvalidBearerFallsBackToCookie(t *testing.T) {
	t.Parallel()
	a := newAuth(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer nope.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	r.Header.Set("Cookie", a.SessionTokenCookieName()+"="+a.SignCookieValue("cookie-token"))
	tok, err := a.SessionToken(r)
	require.NoError(t, err)
	require.Equal(t, "cookie-token", tok.Reveal())

	r.Header.Del("Cookie")
	_, err = a.SessionToken(r)
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
}

func TestSessionToken_NoCredentials(t *testing.T) {
	t.Parallel()
	a := newAuth(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	r.Header.Set("Cookie", "better-auth.session_tokenx=1; other=2")
	_, err := a.SessionToken(r)
	require.ErrorIs(t, err, betterauth.ErrNoCredentials)
}

func TestSessionToken_SecureCookieNameIsExact(t *testing.T) {
	t.Parallel()
	a := newAuth(t, func(c *betterauth.Config) { c.SecureCookies = true })
	value := a.SignCookieValue("tok")
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "better-auth.session_token="+value)
	_, err := a.SessionToken(r)
	require.ErrorIs(t, err, betterauth.ErrNoCredentials, "a non-secure name must not satisfy a secure config")

	r.Header.Set("Cookie", "__Secure-better-auth.session_token=\""+value+"\"")
	tok, err := a.SessionToken(r)
	require.NoError(t, err)
	require.Equal(t, "tok", tok.Reveal())
}

func TestConfig_CookieNamesFollowPrefixAndOverrides(t *testing.T) {
	t.Parallel()
	a := newAuth(t, func(c *betterauth.Config) { c.CookiePrefix = "myapp" })
	require.Equal(t, "myapp.session_token", a.SessionTokenCookieName())
	require.Equal(t, "myapp.session_data", a.SessionDataCookieName())
	require.Equal(t, "myapp.dont_remember", a.DontRememberCookieName())

	a = newAuth(t, func(c *betterauth.Config) {
		c.SessionTokenCookie, c.SessionDataCookie, c.SecureCookies = "sid", "sdata", true
	})
	require.Equal(t, "__Secure-sid", a.SessionTokenCookieName())
	require.Equal(t, "__Secure-sdata", a.SessionDataCookieName())
}

func TestConfig_RotationSignsCookiesWithFirstSecretOnly(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	rot := rotationAuth(t, v)
	current := newAuth(t, func(c *betterauth.Config) { c.Secret = domain.NewSecret(v.Rotation[0].Value) })
	require.Equal(t, current.SignCookieValue("tok"), rot.SignCookieValue("tok"))
	_, err := rot.VerifySignedValue(newAuth(t).SignCookieValue("tok"))
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature, "the legacy secret does not sign cookies")
}

func TestConfig_RejectsUnusableConfigWithoutLeakingSecrets(t *testing.T) {
	t.Parallel()
	bad := []betterauth.Config{
		{},
		{Secrets: []betterauth.SecretVersion{{Version: -1, Value: domain.NewSecret("s3cr3t-value")}}},
		{Secrets: []betterauth.SecretVersion{{Version: 1}}},
		{Secrets: []betterauth.SecretVersion{{Version: 1, Value: domain.NewSecret("s3cr3t-value")}, {Version: 1, Value: domain.NewSecret("s3cr3t-value")}}},
		{Secret: domain.NewSecret("s3cr3t-value"), CookiePrefix: "bad prefix;"},
	}
	for i, cfg := range bad {
		_, err := betterauth.New(cfg)
		require.ErrorIs(t, err, betterauth.ErrConfig, "config %d", i)
		require.NotContains(t, err.Error(), "s3cr3t", "config %d", i)
	}
}

func TestConfigFromEnv_ParsesRotationAndLegacySecret(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"BETTER_AUTH_SECRETS": " 2:new-secret-value , 1: old-secret-value",
		"AUTH_SECRET":         "legacy-secret-value",
	}
	cfg, err := betterauth.ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Len(t, cfg.Secrets, 2)
	require.Equal(t, 2, cfg.Secrets[0].Version)
	require.Equal(t, "new-secret-value", cfg.Secrets[0].Value.Reveal())
	require.Equal(t, "old-secret-value", cfg.Secrets[1].Value.Reveal())
	require.Equal(t, "legacy-secret-value", cfg.Secret.Reveal())
	require.False(t, cfg.SecureCookies)

	for _, c := range []struct {
		env    map[string]string
		secure bool
	}{
		{map[string]string{"BETTER_AUTH_URL": "https://app.example.com"}, true},
		{map[string]string{"BETTER_AUTH_URL": "http://localhost:3000", "NODE_ENV": "production"}, false},
		{map[string]string{"NODE_ENV": "production"}, true},
	} {
		cfg, err := betterauth.ConfigFromEnv(func(k string) string { return c.env[k] })
		require.NoError(t, err)
		require.Equal(t, c.secure, cfg.SecureCookies, c.env)
	}

	for _, s := range []string{"nocolon", "x:val", "-1:val", "1:", "1:a,,2:b"} {
		_, err := betterauth.ParseSecrets(s)
		require.ErrorIs(t, err, betterauth.ErrConfig, s)
	}
}

func TestAuth_PrintsNoSecret(t *testing.T) {
	t.Parallel()
	a := newAuth(t)
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		require.NotContains(t, sprintf(f, a), "test-secret")
	}
}
