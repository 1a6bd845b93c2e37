package betterauth_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
)

// liveNow is a moment inside the live cookie cache's 5-minute lifetime.
var liveNow = time.Date(2026, 11, 23, 17, 13, 0, 0, time.UTC)

func liveSessionData(t *testing.T, lv *live) string {
	t.Helper()
	name, value := setCookieValue(t, lv.SignInSetCookie[1])
	require.Equal(t, "better-auth.session_data", name)
	return value
}

func TestVerifyCookieCache_AcceptsLiveBetterAuthCookie(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	c, err := a.VerifyCookieCache(liveSessionData(t, lv), liveNow)
	require.NoError(t, err)

	gs := lv.GetSession
	require.Equal(t, gs.Session["id"], c.Session.ID)
	require.Equal(t, gs.Session["token"], c.Session.Token.Reveal())
	require.Equal(t, gs.Session["userId"], c.Session.UserID)
	require.Equal(t, gs.Session["expiresAt"], c.Session.ExpiresAt.Format("2006-01-02T15:04:05.000Z"))
	require.Equal(t, "", *c.Session.IPAddress)
	require.Nil(t, c.Session.ActiveOrganizationID)
	require.Equal(t, gs.User["id"], c.User.ID)
	require.Equal(t, gs.User["email"], c.User.Email)
	require.Equal(t, gs.User["name"], c.User.Name)
	require.False(t, c.User.EmailVerified)
	require.Equal(t, "user", *c.User.Role)
	require.False(t, *c.User.TwoFactorEnabled)
	require.Nil(t, c.User.BanExpires)
	require.Equal(t, "1", c.Version)
	require.Equal(t, int64(1795454228439), c.ExpiresAt.UnixMilli())
	require.Equal(t, int64(1795453928439), c.UpdatedAt.UnixMilli())

	_, value := setCookieValue(t, lv.SignUpSetCookie[1])
	_, err = a.VerifyCookieCache(value, liveNow)
	require.NoError(t, err)
}

func TestVerifyCookieCache_DecodesEscapedStringsLikeJavaScript(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	c, err := newAuth(t).VerifyCookieCache(v.CookieCache.Value, liveNow)
	require.NoError(t, err)
	require.Equal(t, "Zoë 🚀 \u2028", c.User.Name)
	require.Equal(t, `curl/8 "quoted" <tag>`, *c.Session.UserAgent)
	require.Equal(t, "org1", *c.Session.ActiveOrganizationID)
	require.True(t, c.User.EmailVerified)
	require.Equal(t, v.CookieCache.ExpiresAt, c.ExpiresAt.UnixMilli())

	var payload map[string]any
	require.NoError(t, json.Unmarshal([]byte(c.Payload.Reveal()), &payload))
	require.Equal(t, "1", payload["version"])
}

func TestSignCookieCache_EqualsBetterAuthOutput(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	a := newAuth(t)
	c, err := a.VerifyCookieCache(v.CookieCache.Value, liveNow)
	require.NoError(t, err)
	got, err := a.SignCookieCache(c.Payload.Reveal(), time.UnixMilli(v.CookieCache.ExpiresAt))
	require.NoError(t, err)
	require.Equal(t, v.CookieCache.Value, got)

	_, err = a.SignCookieCache(`{"session":`, time.Now())
	require.ErrorIs(t, err, betterauth.ErrMalformed)
}

func TestVerifyCookieCache_RejectsExpiredCacheAndSession(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	value := liveSessionData(t, lv)
	// The cache expires at 17:17:08.439, five minutes after it was written.
	_, err := a.VerifyCookieCache(value, time.UnixMilli(1795454228439))
	require.NoError(t, err, "valid up to and including its expiry millisecond")
	_, err = a.VerifyCookieCache(value, time.UnixMilli(1795454228440))
	require.ErrorIs(t, err, betterauth.ErrExpired)

	// A cache that outlives its session: re-sign the live payload far out.
	c, err := a.VerifyCookieCache(value, liveNow)
	require.NoError(t, err)
	long, err := a.SignCookieCache(c.Payload.Reveal(), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	_, err = a.VerifyCookieCache(long, c.Session.ExpiresAt)
	require.NoError(t, err)
	_, err = a.VerifyCookieCache(long, c.Session.ExpiresAt.Add(time.Millisecond))
	require.ErrorIs(t, err, betterauth.ErrExpired)
}

func TestVerifyCookieCache_RejectsTamperingAndOtherSecrets(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	raw, err := base64.RawURLEncoding.DecodeString(liveSessionData(t, lv))
	require.NoError(t, err)
	js := string(raw)

	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cases := map[string]string{
		"role escalated":     strings.Replace(js, `"role":"user"`, `"role":"admin"`, 1),
		"expiry extended":    strings.Replace(js, `"expiresAt":1795454228439`, `"expiresAt":1895454228439`, 1),
		"whitespace changed": strings.Replace(js, `"role":"user"`, `"role": "user"`, 1),
	}
	for name, s := range cases {
		require.NotEqual(t, js, s, name)
		_, err := a.VerifyCookieCache(enc(s), liveNow)
		require.ErrorIs(t, err, betterauth.ErrInvalidSignature, name)
	}
	_, err = newAuth(t, func(c *betterauth.Config) { c.Secret = secretOf("some-other-secret-0123456789abcdef") }).
		VerifyCookieCache(enc(js), liveNow)
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
}

func TestVerifyCookieCache_RejectsMalformedInput(t *testing.T) {
	t.Parallel()
	a := newAuth(t)
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	sig := strings.Repeat("A", 43)
	for name, value := range map[string]string{
		"empty":              "",
		"not base64":         "***",
		"not json":           enc("hello"),
		"array":              enc(`[1,2]`),
		"no signature":       enc(`{"session":{},"expiresAt":1}`),
		"session not object": enc(`{"session":[],"expiresAt":1,"signature":"` + sig + `"}`),
		"float expiry":       enc(`{"session":{},"expiresAt":1.5,"signature":"` + sig + `"}`),
		"short signature":    enc(`{"session":{},"expiresAt":1,"signature":"abc"}`),
		"long signature":     enc(`{"session":{},"expiresAt":1,"signature":"` + strings.Repeat("A", 250) + `"}`),
		"bad signature char": enc(`{"session":{},"expiresAt":1,"signature":"` + strings.Repeat("*", 43) + `"}`),
		"duplicate key":      enc(`{"session":{},"session":{},"expiresAt":1,"signature":"` + sig + `"}`),
		"trailing data":      enc(`{"session":{},"expiresAt":1,"signature":"` + sig + `"}x`),
		"deep nesting":       enc(`{"session":{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `},"expiresAt":1,"signature":"` + sig + `"}`),
		"too long":           strings.Repeat("A", 70000),
	} {
		_, err := a.VerifyCookieCache(value, liveNow)
		require.ErrorIs(t, err, betterauth.ErrMalformed, name)
	}
}

func TestVerifyCookieCache_RequiresBetterAuthSchema(t *testing.T) {
	t.Parallel()
	a := newAuth(t)
	exp := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	sess := `"session":{"id":"s","token":"t","userId":"u","expiresAt":"2100-01-01T00:00:00.000Z"}`
	user := `"user":{"id":"u","email":"A@Example.COM","name":"A"}`
	ok, err := a.SignCookieCache(`{`+sess+`,`+user+`,"updatedAt":1}`, exp)
	require.NoError(t, err)
	c, err := a.VerifyCookieCache(ok, liveNow)
	require.NoError(t, err)
	require.Equal(t, "a@example.com", c.User.Email, "emails are lower-cased like Better Auth's schema")
	require.Equal(t, "1", c.Version)

	for name, payload := range map[string]string{
		"no user":          `{` + sess + `,"updatedAt":1}`,
		"no updatedAt":     `{` + sess + `,` + user + `}`,
		"no token":         `{"session":{"id":"s","userId":"u","expiresAt":"2100-01-01T00:00:00.000Z"},` + user + `,"updatedAt":1}`,
		"no user name":     `{` + sess + `,"user":{"id":"u","email":"e"},"updatedAt":1}`,
		"bad date":         `{"session":{"id":"s","token":"t","userId":"u","expiresAt":"2100-02-30T00:00:00.000Z"},` + user + `,"updatedAt":1}`,
		"bool as string":   `{` + sess + `,"user":{"id":"u","email":"e","name":"n","emailVerified":"yes"},"updatedAt":1}`,
		"version not text": `{` + sess + `,` + user + `,"updatedAt":1,"version":1}`,
	} {
		v, err := a.SignCookieCache(payload, exp)
		require.NoError(t, err, name)
		_, err = a.VerifyCookieCache(v, liveNow)
		require.ErrorIs(t, err, betterauth.ErrMalformed, name)
	}
}

func TestSessionFromCookieCache_ReadsLiveRequestWithoutDatabase(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", lv.CookieHeader)
	c, err := a.SessionFromCookieCache(r, liveNow)
	require.NoError(t, err)
	require.Equal(t, lv.GetSession.Session["token"], c.Session.Token.Reveal())
}

func TestSessionFromCookieCache_RejectsCacheOfAnotherSession(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	// The sign-up session's cookie with the sign-in session's cache.
	_, tok := setCookieValue(t, lv.SignUpSetCookie[0])
	r.Header.Set("Cookie", "better-auth.session_token="+tok+"; better-auth.session_data="+liveSessionData(t, lv))
	_, err := a.SessionFromCookieCache(r, liveNow)
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
}

func TestSessionFromCookieCache_ChecksVersionAndPresence(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", lv.CookieHeader)
	_, err := newAuth(t, func(c *betterauth.Config) { c.CookieCacheVersion = "2" }).SessionFromCookieCache(r, liveNow)
	require.ErrorIs(t, err, betterauth.ErrExpired)

	_, tok := setCookieValue(t, lv.SignInSetCookie[0])
	r.Header.Set("Cookie", "better-auth.session_token="+tok)
	_, err = newAuth(t).SessionFromCookieCache(r, liveNow)
	require.ErrorIs(t, err, betterauth.ErrNoCredentials)
}

func TestSessionFromCookieCache_JoinsChunkedCookies(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	_, tok := setCookieValue(t, lv.SignInSetCookie[0])
	data := liveSessionData(t, lv)
	third := len(data) / 3
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "better-auth.session_data.2="+data[2*third:]+"; better-auth.session_token="+tok+
		"; better-auth.session_data.0="+data[:third]+"; better-auth.session_data.1="+data[third:2*third])
	v, ok := a.CookieCacheValue(r)
	require.True(t, ok)
	require.Equal(t, data, v)
	_, err := a.SessionFromCookieCache(r, liveNow)
	require.NoError(t, err)
}

func TestCookieCache_PrintsNoTokenOrPersonalData(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	c, err := newAuth(t).VerifyCookieCache(liveSessionData(t, lv), liveNow)
	require.NoError(t, err)
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, x := range []any{c, *c} {
			out := sprintf(f, x)
			require.NotContains(t, out, "PSZezV0j", f)
			require.NotContains(t, out, "alice", f)
		}
	}
	b, err := json.Marshal(c)
	require.NoError(t, err)
	require.NotContains(t, string(b), "PSZezV0j")
}
