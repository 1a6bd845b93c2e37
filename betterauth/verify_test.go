package betterauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

type verifyFixture struct {
	s    *store.Store
	url  string
	auth *betterauth.Auth
	user domain.User
	org  domain.Organization
}

func newVerifyFixture(t testing.TB) verifyFixture {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := store.Open(ctx, url, store.Options{MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	a, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret(testSecret)})
	require.NoError(t, err)
	u, err := domain.NewUser(domain.UserParams{Name: "Vera", Email: "vera@example.com"})
	require.NoError(t, err)
	u, err = s.Users().Create(ctx, u)
	require.NoError(t, err)
	org, _, err := s.CreateOrganization(ctx, domain.OrganizationParams{Name: "Verify", Slug: "verify"}, u.ID)
	require.NoError(t, err)
	return verifyFixture{s: s, url: url, auth: a, user: u, org: org}
}

func (fx verifyFixture) request(cookieValue string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "better-auth.session_token="+cookieValue)
	return r
}

func TestAuthenticate_CookieToSessionUserAndMembership(t *testing.T) {
	t.Parallel()
	fx := newVerifyFixture(t)
	ctx := context.Background()
	sess, err := fx.s.CreateSession(ctx, fx.user.ID, time.Hour, "203.0.113.7", "test")
	require.NoError(t, err)
	_, err = fx.s.SetActiveOrganization(ctx, sess.ID, fx.org.ID)
	require.NoError(t, err)
	value := fx.auth.SignCookieValue(sess.Token.Reveal())

	info, err := fx.auth.Authenticate(ctx, fx.request(value), fx.s)
	require.NoError(t, err)
	require.Equal(t, sess.ID, info.Session.ID)
	require.Equal(t, fx.user.ID, info.User.ID)
	require.NotNil(t, info.Member)
	require.True(t, info.Member.Role.Has("owner"))

	// The same signed value as a bearer token.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+value)
	info, err = fx.auth.Authenticate(ctx, r, fx.s)
	require.NoError(t, err)
	require.Equal(t, sess.ID, info.Session.ID)

	t.Run("tampered", func(t *testing.T) {
		tampered := strings.Replace(value, sess.Token.Reveal()[:4], "AAAA", 1)
		_, err := fx.auth.Authenticate(ctx, fx.request(tampered), fx.s)
		require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
	})
	t.Run("another secret", func(t *testing.T) {
		other, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret("another-secret-another-secret-another")})
		require.NoError(t, err)
		_, err = fx.auth.Authenticate(ctx, fx.request(other.SignCookieValue(sess.Token.Reveal())), fx.s)
		require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
	})
	t.Run("no credentials", func(t *testing.T) {
		_, err := fx.auth.Authenticate(ctx, httptest.NewRequest(http.MethodGet, "/", nil), fx.s)
		require.ErrorIs(t, err, betterauth.ErrNoCredentials)
	})
	t.Run("expired", func(t *testing.T) {
		old, err := fx.s.CreateSession(ctx, fx.user.ID, time.Hour, "", "")
		require.NoError(t, err)
		// The domain refuses an expiry before creation; write it raw.
		_, err = fx.s.Pool().Exec(ctx, "UPDATE shared_session SET expires_at = now() - interval '1 second', created_at = now() - interval '1 hour' WHERE id = $1", old.ID.String())
		require.NoError(t, err)
		_, err = fx.auth.Authenticate(ctx, fx.request(fx.auth.SignCookieValue(old.Token.Reveal())), fx.s)
		require.ErrorIs(t, err, store.ErrExpired)
	})
	t.Run("revoked", func(t *testing.T) {
		gone, err := fx.s.CreateSession(ctx, fx.user.ID, time.Hour, "", "")
		require.NoError(t, err)
		require.NoError(t, fx.s.RevokeSession(ctx, gone.ID))
		_, err = fx.auth.Authenticate(ctx, fx.request(fx.auth.SignCookieValue(gone.Token.Reveal())), fx.s)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("banned user", func(t *testing.T) {
		u, err := domain.NewUser(domain.UserParams{Name: "Mallory", Email: "mallory@example.com"})
		require.NoError(t, err)
		u, err = fx.s.Users().Create(ctx, u)
		require.NoError(t, err)
		ms, err := fx.s.CreateSession(ctx, u.ID, time.Hour, "", "")
		require.NoError(t, err)
		value := fx.auth.SignCookieValue(ms.Token.Reveal())
		require.NoError(t, fx.s.BanUser(ctx, u.ID, "spam", nil))
		_, err = fx.auth.Authenticate(ctx, fx.request(value), fx.s)
		require.ErrorIs(t, err, store.ErrNotFound, "banning deletes the user's sessions")
	})
}

func TestVerifyAPIKey_ThroughTheStore(t *testing.T) {
	t.Parallel()
	fx := newVerifyFixture(t)
	ctx := context.Background()
	one := int32(1)
	k, err := fx.s.Org(fx.org.ID).CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "ba_", Remaining: &one})
	require.NoError(t, err)
	format := betterauth.APIKeyFormat{Prefix: "ba_"}

	row, err := betterauth.VerifyAPIKey(ctx, fx.s, format, k.Plain.Reveal(), "")
	require.NoError(t, err)
	require.Equal(t, k.Key.ID, row.ID)

	_, err = betterauth.VerifyAPIKey(ctx, fx.s, format, k.Plain.Reveal(), "")
	var refused *betterauth.APIKeyRefusedError
	require.ErrorAs(t, err, &refused)
	require.ErrorIs(t, err, betterauth.ErrAPIKeyRefused)
	require.Equal(t, "USAGE_EXCEEDED", refused.Code())
	require.NotContains(t, err.Error(), k.Plain.Reveal())

	_, err = betterauth.VerifyAPIKey(ctx, fx.s, format, betterauth.GenerateAPIKey("ba_"), "")
	require.ErrorIs(t, err, betterauth.ErrInvalidAPIKey)

	for _, bad := range []string{"", "ba_", "xx_" + strings.Repeat("a", 64), "ba_" + strings.Repeat("1", 64), "ba_" + strings.Repeat("a", 63)} {
		_, err = betterauth.VerifyAPIKey(ctx, fx.s, format, bad, "")
		require.ErrorIs(t, err, betterauth.ErrMalformed, "%q", bad)
	}
}
