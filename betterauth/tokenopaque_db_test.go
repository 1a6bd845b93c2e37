package betterauth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// oauthFixture is a migrated database with two organizations, each with a
// client, and a session of the fixture's user: what Better Auth's
// oauth-provider writes, written through the store (as iam_app).
type oauthFixture struct {
	verifyFixture
	orgB             domain.Organization
	clientA, clientB domain.OAuthClient
	session          domain.Session
	now              time.Time
}

func newOAuthFixture(t testing.TB) oauthFixture {
	t.Helper()
	ctx := context.Background()
	fx := oauthFixture{verifyFixture: newVerifyFixture(t), now: time.Now().Truncate(time.Millisecond)}
	var err error
	fx.orgB, _, err = fx.s.CreateOrganization(ctx, domain.OrganizationParams{Name: "Other", Slug: "other"}, fx.user.ID)
	require.NoError(t, err)
	newClient := func(org domain.Organization, id string) domain.OAuthClient {
		c, err := domain.NewOAuthClient(clientParams(id))
		require.NoError(t, err)
		c, err = fx.s.Org(org.ID).OAuthClients().Create(ctx, c)
		require.NoError(t, err)
		return c
	}
	fx.clientA = newClient(fx.org, "client-a")
	fx.clientB = newClient(fx.orgB, "client-b")
	fx.session, err = fx.s.CreateSession(ctx, fx.user.ID, time.Hour, "203.0.113.9", "test")
	require.NoError(t, err)
	return fx
}

// clientParams is a confidential web client as dynamic registration makes
// it (the secret stored hashed).
func clientParams(id string) domain.OAuthClientParams {
	secret := domain.NewSecret(betterauth.HashOAuthToken("secret-of-" + id))
	return domain.OAuthClientParams{ClientID: id, ClientSecret: &secret, RedirectURIs: []string{"https://rp.example.com/cb"}}
}

// issue writes an opaque access token row of client c as Better Auth does
// (the hash of the token) and returns the token.
func (fx oauthFixture) issue(t testing.TB, c domain.OAuthClient, edit func(*domain.OAuthAccessTokenParams)) (string, domain.OAuthAccessToken) {
	t.Helper()
	token := betterauth.OAuthTokenFormat{}.Generate()
	uid, sid := fx.user.ID, fx.session.ID
	p := domain.OAuthAccessTokenParams{
		Token: domain.NewSecret(betterauth.HashOAuthToken(token)), ClientID: c.ClientID, UserID: &uid, SessionID: &sid,
		Resources: []string{apiAudience}, Scopes: []string{"openid", "read"}, ExpiresAt: fx.now.Add(time.Hour),
	}
	if edit != nil {
		edit(&p)
	}
	row, err := domain.NewOAuthAccessToken(p)
	require.NoError(t, err)
	row, err = fx.s.Org(*c.OrganizationID).OAuthAccessTokens().Create(context.Background(), row)
	require.NoError(t, err)
	return token, row
}

func (fx oauthFixture) verifier(t testing.TB, mutate ...func(*betterauth.TokenVerifierConfig)) *betterauth.TokenVerifier {
	t.Helper()
	return newVerifier(t, nil, append([]func(*betterauth.TokenVerifierConfig){func(c *betterauth.TokenVerifierConfig) {
		c.Store = fx.s
		c.Now = func() time.Time { return fx.now }
	}}, mutate...)...)
}

// requireRefusal checks a refusal: the sentinel, the rule, and that the
// token is nowhere in the error.
func requireRefusal(t *testing.T, err error, token string, sentinel error, rule string) {
	t.Helper()
	require.ErrorIs(t, err, betterauth.ErrInvalidToken)
	require.ErrorIs(t, err, sentinel)
	var te *betterauth.TokenError
	require.ErrorAs(t, err, &te)
	require.Equal(t, rule, te.Rule)
	require.NotContains(t, err.Error(), token)
	require.NotContains(t, err.Error(), betterauth.HashOAuthToken(token))
}

// TestTokenVerifier_OpaqueTokensByTheirRow verifies opaque access tokens
// against rows on a real database (migration 0006), each rule of Better
// Auth's introspection refusing with its typed error.
func TestTokenVerifier_OpaqueTokensByTheirRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newOAuthFixture(t)
	v := fx.verifier(t)

	t.Run("a user's token", func(t *testing.T) {
		tok, row := fx.issue(t, fx.clientA, nil)
		at, err := v.Verify(ctx, tok)
		require.NoError(t, err)
		require.Equal(t, betterauth.TokenOpaque, at.Kind)
		require.Equal(t, fx.user.ID.String(), at.UserID)
		require.Equal(t, fx.user.ID.String(), at.Subject)
		require.Equal(t, "client-a", at.ClientID)
		require.Equal(t, []string{"openid", "read"}, at.Scopes)
		require.Equal(t, []string{apiAudience}, at.Audience)
		require.Equal(t, fx.session.ID.String(), at.SessionID)
		require.Equal(t, fx.org.ID.String(), at.OrganizationID)
		require.Equal(t, row.ID.String(), at.ID)
		require.Equal(t, testIssuer, at.Issuer)
		require.True(t, at.ExpiresAt.Equal(fx.now.Add(time.Hour)))
		require.Nil(t, at.Claims)
		require.NoError(t, at.RequireScopes("read"))
	})

	t.Run("a machine token (client credentials)", func(t *testing.T) {
		tok, _ := fx.issue(t, fx.clientB, func(p *domain.OAuthAccessTokenParams) { p.UserID, p.SessionID = nil, nil })
		at, err := v.Verify(ctx, tok)
		require.NoError(t, err)
		require.Equal(t, "", at.UserID)
		require.Equal(t, "client-b", at.Subject)
		require.Equal(t, fx.orgB.ID.String(), at.OrganizationID)
	})

	t.Run("refusals", func(t *testing.T) {
		never := betterauth.OAuthTokenFormat{}.Generate()
		_, err := v.Verify(ctx, never)
		requireRefusal(t, err, never, betterauth.ErrUnknownToken, "known_token")

		_, err = v.Verify(ctx, "short")
		requireRefusal(t, err, "short", betterauth.ErrMalformed, "length")

		expired, _ := fx.issue(t, fx.clientA, nil)
		afterExpiry := func(c *betterauth.TokenVerifierConfig) {
			c.Now = func() time.Time { return fx.now.Add(time.Hour + time.Second) }
		}
		_, err = fx.verifier(t, afterExpiry).Verify(ctx, expired)
		requireRefusal(t, err, expired, betterauth.ErrExpired, "expired")
		lenient := fx.verifier(t, afterExpiry, func(c *betterauth.TokenVerifierConfig) { c.Leeway = 5 * time.Second })
		_, err = lenient.Verify(ctx, expired)
		require.NoError(t, err, "within the leeway")

		revoked, row := fx.issue(t, fx.clientA, nil)
		when := fx.now
		_, err = fx.s.Org(fx.org.ID).OAuthAccessTokens().Update(ctx, mustApply(t, row, domain.OAuthAccessTokenPatch{Revoked: &when}))
		require.NoError(t, err)
		_, err = v.Verify(ctx, revoked)
		requireRefusal(t, err, revoked, betterauth.ErrRevoked, "not_revoked")

		other, _ := fx.issue(t, fx.clientA, func(p *domain.OAuthAccessTokenParams) { p.Resources = []string{"https://other.example.com"} })
		_, err = v.Verify(ctx, other)
		requireRefusal(t, err, other, betterauth.ErrWrongAudience, "accepted_audience")

		none, _ := fx.issue(t, fx.clientA, func(p *domain.OAuthAccessTokenParams) { p.Resources = nil })
		_, err = v.Verify(ctx, none)
		requireRefusal(t, err, none, betterauth.ErrWrongAudience, "accepted_audience")
		_, err = fx.verifier(t, func(c *betterauth.TokenVerifierConfig) { c.AllowNoAudience = true }).Verify(ctx, none)
		require.NoError(t, err, "a userinfo-only token, where the server allows it")

		// The session the token was issued in has expired (still in the table).
		short, err := fx.s.CreateSession(ctx, fx.user.ID, time.Minute, "203.0.113.9", "test")
		require.NoError(t, err)
		ended, _ := fx.issue(t, fx.clientA, func(p *domain.OAuthAccessTokenParams) { p.SessionID = &short.ID })
		later := fx.verifier(t, func(c *betterauth.TokenVerifierConfig) {
			c.Now = func() time.Time { return fx.now.Add(2 * time.Minute) }
		})
		_, err = later.Verify(ctx, ended)
		requireRefusal(t, err, ended, betterauth.ErrSessionEnded, "session_live")
	})

	t.Run("a disabled client's tokens", func(t *testing.T) {
		ctx := context.Background()
		c, err := domain.NewOAuthClient(clientParams("client-off"))
		require.NoError(t, err)
		c, err = fx.s.Org(fx.org.ID).OAuthClients().Create(ctx, c)
		require.NoError(t, err)
		tok, _ := fx.issue(t, c, nil)
		_, err = v.Verify(ctx, tok)
		require.NoError(t, err)
		off := true
		_, err = fx.s.Org(fx.org.ID).OAuthClients().Update(ctx, mustApply(t, c, domain.OAuthClientPatch{Disabled: &off}))
		require.NoError(t, err)
		_, err = v.Verify(ctx, tok)
		requireRefusal(t, err, tok, betterauth.ErrClientDisabled, "client_enabled")
	})

	t.Run("a server of one organization refuses another organization's tokens", func(t *testing.T) {
		tokA, _ := fx.issue(t, fx.clientA, nil)
		tokB, _ := fx.issue(t, fx.clientB, nil)
		onlyB := fx.verifier(t, func(c *betterauth.TokenVerifierConfig) { c.Organization = fx.orgB.ID.String() })
		_, err := onlyB.Verify(ctx, tokA)
		requireRefusal(t, err, tokA, betterauth.ErrWrongOrganization, "configured_organization")
		at, err := onlyB.Verify(ctx, tokB)
		require.NoError(t, err)
		require.Equal(t, fx.orgB.ID.String(), at.OrganizationID)
	})

	t.Run("without a store opaque tokens are refused; a closed store is an error, not a refusal", func(t *testing.T) {
		tok, _ := fx.issue(t, fx.clientA, nil)
		_, err := newVerifier(t, nil).Verify(ctx, tok)
		requireRefusal(t, err, tok, betterauth.ErrUnsupportedToken, "opaque_not_accepted")
		s2, err := store.Open(ctx, fx.url, store.Options{MaxConns: 1})
		require.NoError(t, err)
		s2.Close()
		_, err = fx.verifier(t, func(c *betterauth.TokenVerifierConfig) { c.Store = s2 }).Verify(ctx, tok)
		require.Error(t, err)
		require.NotErrorIs(t, err, betterauth.ErrInvalidToken)
		require.NotContains(t, err.Error(), tok)
	})
}

// TestTokenVerifier_CheckClientAsksTheDatabaseAboutJWTs: with CheckClient a
// JWT that verifies is still refused when its client is unknown or
// disabled, its session is gone, or (with Organization) its client is
// another organization's, in one statement per token.
func TestTokenVerifier_CheckClientAsksTheDatabaseAboutJWTs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newOAuthFixture(t)
	k := newSigningKey(t, "jwks-check-client", "EdDSA")
	keys := betterauth.StaticKeys{k.row}
	mint := func(client, sid string) string {
		return k.mint(t, fx.now, func(_, p map[string]any) {
			p["azp"], p["client_id"] = client, client
			p["sub"] = fx.user.ID.String()
			if sid == "" {
				delete(p, "sid")
			} else {
				p["sid"] = sid
			}
		})
	}
	check := newVerifier(t, keys, func(c *betterauth.TokenVerifierConfig) {
		c.Store, c.CheckClient = fx.s, true
		c.Now = func() time.Time { return fx.now }
	})
	plain := newVerifier(t, keys, func(c *betterauth.TokenVerifierConfig) { c.Now = func() time.Time { return fx.now } })

	tok := mint("client-a", fx.session.ID.String())
	at, err := check.Verify(ctx, tok)
	require.NoError(t, err)
	require.Equal(t, fx.org.ID.String(), at.OrganizationID, "the client's organization, from the database")
	at, err = plain.Verify(ctx, tok)
	require.NoError(t, err)
	require.Equal(t, "", at.OrganizationID, "not asked")

	unknown := mint("client-nobody", "")
	_, err = check.Verify(ctx, unknown)
	requireRefusal(t, err, unknown, betterauth.ErrClientDisabled, "client_enabled")

	// The session ends (Better Auth deletes the row): the stateless check
	// still accepts the JWT until it expires, CheckClient refuses it.
	short, err := fx.s.CreateSession(ctx, fx.user.ID, time.Hour, "203.0.113.9", "test")
	require.NoError(t, err)
	ended := mint("client-a", short.ID.String())
	_, err = check.Verify(ctx, ended)
	require.NoError(t, err)
	require.NoError(t, fx.s.RevokeSession(ctx, short.ID))
	_, err = plain.Verify(ctx, ended)
	require.NoError(t, err)
	_, err = check.Verify(ctx, ended)
	requireRefusal(t, err, ended, betterauth.ErrSessionEnded, "session_live")

	machine := mint("client-b", "")
	onlyA := newVerifier(t, keys, func(c *betterauth.TokenVerifierConfig) {
		c.Store, c.Organization = fx.s, fx.org.ID.String()
		c.Now = func() time.Time { return fx.now }
	})
	_, err = onlyA.Verify(ctx, machine)
	requireRefusal(t, err, machine, betterauth.ErrWrongOrganization, "configured_organization")
	_, err = onlyA.Verify(ctx, tok)
	require.NoError(t, err)

	off := true
	_, err = fx.s.Org(fx.org.ID).OAuthClients().Update(ctx, mustApply(t, fx.clientA, domain.OAuthClientPatch{Disabled: &off}))
	require.NoError(t, err)
	_, err = check.Verify(ctx, tok)
	requireRefusal(t, err, tok, betterauth.ErrClientDisabled, "client_enabled")

	_, err = betterauth.NewTokenVerifier(betterauth.TokenVerifierConfig{Issuer: testIssuer, Audience: []string{apiAudience}, Keys: keys, Organization: fx.org.ID.String()})
	require.True(t, errors.Is(err, betterauth.ErrConfig) && strings.Contains(err.Error(), "store: required"), "%v", err)
}

// mustApply applies a patch to an entity, failing the test on a validation error.
func mustApply[E any, P interface{ Apply(*E) error }](t *testing.T, e E, p P) E {
	t.Helper()
	require.NoError(t, p.Apply(&e))
	return e
}
