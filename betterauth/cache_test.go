package betterauth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/store"
)

func TestAuthenticateCached_ServesTheCookieFromMemoryUntilTheSessionIsRevoked(t *testing.T) {
	t.Parallel()
	fx := newVerifyFixture(t)
	ctx := context.Background()
	cache, err := fx.s.NewSessionCache(store.SessionCacheOptions{})
	require.NoError(t, err)
	t.Cleanup(cache.Close)
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, cache.WaitLive(wctx))

	sess, err := fx.s.CreateSession(ctx, fx.user.ID, time.Hour, "203.0.113.7", "test")
	require.NoError(t, err)
	r := fx.request(fx.auth.SignCookieValue(sess.Token.Reveal()))
	for range 2 {
		info, err := fx.auth.AuthenticateCached(ctx, r, cache)
		require.NoError(t, err)
		require.Equal(t, sess.ID, info.Session.ID)
	}
	require.Equal(t, uint64(1), cache.Stats().Hits)

	require.NoError(t, fx.s.RevokeSession(ctx, sess.ID))
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := fx.auth.AuthenticateCached(ctx, r, cache)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		require.NoError(t, err)
		require.Falsef(t, time.Now().After(deadline), "the revoked session was still served after 30 s")
		time.Sleep(5 * time.Millisecond)
	}
}
