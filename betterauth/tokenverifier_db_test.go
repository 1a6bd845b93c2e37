package betterauth_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// TestTokenVerifier_StoreKeys verifies tokens against keys in the jwks
// table of a real database, read by an iam_app login (store.Open), with a
// rotation: a key inserted after the verifier started is found, and a key
// past its expiry plus grace no longer verifies.
func TestTokenVerifier_StoreKeys(t *testing.T) {
	t.Parallel()
	fx := newVerifyFixture(t)
	ctx := context.Background()
	insert := func(k signingKey, expires *time.Time) signingKey {
		t.Helper()
		j, err := domain.NewJWKS(domain.JWKSParams{PublicKey: k.row.PublicKey, PrivateKey: domain.NewSecret(`"unused"`), ExpiresAt: expires, Alg: k.row.Alg, Crv: k.row.Crv})
		require.NoError(t, err)
		j, err = fx.s.JWKS().Create(ctx, j)
		require.NoError(t, err)
		k.row.ID = j.ID.String()
		return k
	}
	now := time.Now().Truncate(time.Second)
	clock := now
	k1 := insert(newSigningKey(t, "", "EdDSA"), nil)
	v := newVerifier(t, betterauth.StoreKeys(fx.s), func(c *betterauth.TokenVerifierConfig) {
		c.Now = func() time.Time { return clock }
	})
	tok, err := v.Verify(ctx, k1.mint(t, now, nil))
	require.NoError(t, err)
	require.Equal(t, testUser, tok.UserID)

	// Better Auth rotates: a new ES256 key row; the old one expires now.
	k2 := insert(newSigningKey(t, "", "ES256"), nil)
	clock = clock.Add(betterauth.DefaultKeyRefreshCooldown)
	_, err = v.Verify(ctx, k2.mint(t, clock, nil))
	require.NoError(t, err)

	// A key that expires in an hour verifies for the grace period after
	// that, then no more.
	soon := now.Add(time.Hour)
	k3 := insert(newSigningKey(t, "", "EdDSA"), &soon)
	clock = clock.Add(betterauth.DefaultKeyRefreshCooldown)
	_, err = v.Verify(ctx, k3.mint(t, clock, nil))
	require.NoError(t, err)
	clock = soon.Add(betterauth.DefaultJWKSGracePeriod)
	_, err = v.Verify(ctx, k3.mint(t, clock, nil))
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
	var te *betterauth.TokenError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "retired_key", te.Rule)

	// A token signed by a key that is not in the table.
	_, err = v.Verify(ctx, newSigningKey(t, k1.row.ID, "EdDSA").mint(t, clock, nil))
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature)

	// A closed store: an unknown kid is an error, not a refusal.
	s2, err := store.Open(ctx, fx.url, store.Options{MaxConns: 1})
	require.NoError(t, err)
	s2.Close()
	v2 := newVerifier(t, betterauth.StoreKeys(s2))
	_, err = v2.Verify(ctx, k1.mint(t, tokenNow, nil))
	require.Error(t, err)
	require.NotErrorIs(t, err, betterauth.ErrInvalidToken)
}
