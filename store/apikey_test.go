package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

func ptr[T any](v T) *T { return &v }

// superExec runs SQL as the superuser (to set up states such as an elapsed
// window without waiting).
func superExec(t *testing.T, url, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql, args...)
	require.NoError(t, err)
}

func TestVerifyAPIKey_BetterAuthSemantics(t *testing.T) {
	t.Parallel()
	s, url := openStore(t)
	ctx := context.Background()
	u := newUser(t, s, "semantics")
	mk := func(r store.APIKeyRequest) (string, domain.APIKey) {
		r.Prefix = "ba_"
		k, err := s.CreateUserAPIKey(ctx, u.ID, r)
		require.NoError(t, err)
		require.Equal(t, store.HashAPIKey(k.Plain.Reveal()), k.Key.Key.Reveal())
		require.Equal(t, k.Plain.Reveal()[:6], *k.Key.Start)
		return store.HashAPIKey(k.Plain.Reveal()), k.Key
	}

	t.Run("valid counts the request", func(t *testing.T) {
		h, _ := mk(store.APIKeyRequest{})
		v, err := s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.True(t, v.OK())
		require.EqualValues(t, 1, *v.Key.RequestCount)
		require.NotNil(t, v.Key.LastRequest)
	})
	t.Run("unknown key is invalid", func(t *testing.T) {
		v, err := s.VerifyAPIKey(ctx, store.HashAPIKey("ba_nope"), "")
		require.NoError(t, err)
		require.Equal(t, store.APIKeyInvalid, v.Outcome)
	})
	t.Run("config id must match", func(t *testing.T) {
		h, _ := mk(store.APIKeyRequest{})
		v, err := s.VerifyAPIKey(ctx, h, "other-config")
		require.NoError(t, err)
		require.Equal(t, store.APIKeyInvalid, v.Outcome)
		v, err = s.VerifyAPIKey(ctx, h, "default")
		require.NoError(t, err)
		require.True(t, v.OK())
	})
	t.Run("disabled", func(t *testing.T) {
		h, k := mk(store.APIKeyRequest{})
		superExec(t, url, "UPDATE iam_apikey SET enabled = false WHERE id = $1", k.ID.String())
		v, err := s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.Equal(t, store.APIKeyDisabled, v.Outcome)
	})
	t.Run("expired key is deleted", func(t *testing.T) {
		h, k := mk(store.APIKeyRequest{ExpiresAt: ptr(time.Now().Add(time.Hour))})
		superExec(t, url, "UPDATE iam_apikey SET expires_at = now() - interval '1 second' WHERE id = $1", k.ID.String())
		v, err := s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.Equal(t, store.APIKeyExpired, v.Outcome)
		v, err = s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.Equal(t, store.APIKeyInvalid, v.Outcome, "the expired key must be gone")
	})
	t.Run("remaining with refill", func(t *testing.T) {
		h, k := mk(store.APIKeyRequest{Remaining: ptr(int32(1)), RefillInterval: ptr(int32(60_000)), RefillAmount: ptr(int32(5)), RateLimitEnabled: ptr(false)})
		v, err := s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.True(t, v.OK())
		require.EqualValues(t, 0, *v.Key.Remaining)
		v, err = s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.Equal(t, store.APIKeyUsageExceeded, v.Outcome, "refill not due yet: refused, not deleted")
		superExec(t, url, "UPDATE iam_apikey SET created_at = now() - interval '2 minutes' WHERE id = $1", k.ID.String())
		v, err = s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.True(t, v.OK(), "refill due")
		require.EqualValues(t, 4, *v.Key.Remaining)
		require.NotNil(t, v.Key.LastRefillAt)
	})
	t.Run("rate limit", func(t *testing.T) {
		h, k := mk(store.APIKeyRequest{RateLimitTimeWindow: ptr(int32(60_000)), RateLimitMax: ptr(int32(2))})
		for range 2 {
			v, err := s.VerifyAPIKey(ctx, h, "")
			require.NoError(t, err)
			require.True(t, v.OK())
		}
		v, err := s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.Equal(t, store.APIKeyRateLimited, v.Outcome)
		require.Positive(t, v.TryAgainIn)
		require.LessOrEqual(t, v.TryAgainIn, time.Minute)
		superExec(t, url, "UPDATE iam_apikey SET last_request = now() - interval '2 minutes' WHERE id = $1", k.ID.String())
		v, err = s.VerifyAPIKey(ctx, h, "")
		require.NoError(t, err)
		require.True(t, v.OK(), "window passed")
		require.EqualValues(t, 1, *v.Key.RequestCount)
	})
	t.Run("organization key is verified without a tenant", func(t *testing.T) {
		org, _ := newOrg(t, s, u, "keys")
		k, err := s.Org(org.ID).CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "org_"})
		require.NoError(t, err)
		require.Equal(t, org.ID, *k.Key.OrganizationID)
		v, err := s.VerifyAPIKey(ctx, store.HashAPIKey(k.Plain.Reveal()), "")
		require.NoError(t, err)
		require.True(t, v.OK())
		require.Equal(t, org.ID.String(), v.Key.ReferenceID)
	})
}

func TestGenerateAPIKey_Format(t *testing.T) {
	t.Parallel()
	k := store.GenerateAPIKey("ba_")
	require.Len(t, k, 3+store.APIKeyLength)
	for _, c := range k[3:] {
		require.True(t, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'), "letters only: %q", c)
	}
	require.NotEqual(t, k, store.GenerateAPIKey("ba_"))
	// A key and its stored hash as a live Better Auth 1.7 server wrote them.
	require.Equal(t, "qh5gMtJUXDHREBlmkoLSYEG_IJBRS1LBhnPgZEZHDxw",
		store.HashAPIKey("ba_lqRcJWeJgTRObUqbfxWtHCalHmKPqpwbacZfMdUCHRgLcrByHcbxVlUgeTHRevfh"))
}

func TestUserAPIKeys_OnlyUserOwnedKeys(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := context.Background()
	u := newUser(t, s, "owner-of-keys")
	org, _ := newOrg(t, s, u, "keyorg")
	mine, err := s.CreateUserAPIKey(ctx, u.ID, store.APIKeyRequest{Prefix: "u_"})
	require.NoError(t, err)
	orgKey, err := s.Org(org.ID).CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "o_"})
	require.NoError(t, err)

	keys, _, err := s.UserAPIKeys().ListByUser(ctx, u.ID, store.Page{})
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.Equal(t, mine.Key.ID, keys[0].ID)

	_, err = s.UserAPIKeys().Get(ctx, orgKey.Key.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "an organization's key is not reachable as a user key")
	require.ErrorIs(t, s.UserAPIKeys().Delete(ctx, orgKey.Key.ID), store.ErrNotFound)

	require.NoError(t, s.UserAPIKeys().SetEnabled(ctx, mine.Key.ID, false))
	v, err := s.VerifyAPIKey(ctx, store.HashAPIKey(mine.Plain.Reveal()), "")
	require.NoError(t, err)
	require.Equal(t, store.APIKeyDisabled, v.Outcome)
	require.NoError(t, s.UserAPIKeys().Delete(ctx, mine.Key.ID))
	v, err = s.VerifyAPIKey(ctx, store.HashAPIKey(mine.Plain.Reveal()), "")
	require.NoError(t, err)
	require.Equal(t, store.APIKeyInvalid, v.Outcome)
}

// TestVerifyAPIKey_IgnoresTheCallersSearchPath: the SECURITY DEFINER function
// names every table with its schema, so a caller's search_path (which could
// point at look-alike tables) changes nothing.
func TestVerifyAPIKey_IgnoresTheCallersSearchPath(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := context.Background()
	u := newUser(t, s, "path")
	k, err := s.CreateUserAPIKey(ctx, u.ID, store.APIKeyRequest{Prefix: "ba_"})
	require.NoError(t, err)
	tx, err := s.Pool().Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	var schemaName string
	require.NoError(t, tx.QueryRow(ctx, "SELECT current_schema()").Scan(&schemaName))
	_, err = tx.Exec(ctx, "SET LOCAL search_path = pg_catalog")
	require.NoError(t, err)
	var outcome string
	require.NoError(t, tx.QueryRow(ctx, "SELECT outcome FROM "+schemaName+".iam_verify_api_key($1)", store.HashAPIKey(k.Plain.Reveal())).Scan(&outcome))
	require.Equal(t, "valid", outcome)
	var setting *string
	require.NoError(t, tx.QueryRow(ctx, "SELECT (SELECT array_to_string(proconfig, ',') FROM pg_proc WHERE proname = 'iam_verify_api_key')").Scan(&setting))
	require.Nil(t, setting, "the function carries no SET clause")
}

// TestAPIKeyOutcome_BetterAuthAnswers pins the one mapping of outcomes to
// @better-auth/api-key's codes, messages (API_KEY_ERROR_CODES) and the
// statuses validateApiKey throws.
func TestAPIKeyOutcome_BetterAuthAnswers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		o             store.APIKeyOutcome
		code, message string
		status        int
	}{
		{store.APIKeyValid, "", "", 200},
		{store.APIKeyInvalid, "INVALID_API_KEY", "Invalid API key.", 401},
		{store.APIKeyDisabled, "KEY_DISABLED", "API Key is disabled", 401},
		{store.APIKeyExpired, "KEY_EXPIRED", "API Key has expired", 401},
		{store.APIKeyUsageExceeded, "USAGE_EXCEEDED", "API Key has reached its usage limit", 429},
		{store.APIKeyRateLimited, "RATE_LIMITED", "Rate limit exceeded.", 429},
	} {
		require.Equal(t, c.code, c.o.Code(), c.o)
		require.Equal(t, c.message, c.o.Message(), c.o)
		require.Equal(t, c.status, c.o.HTTPStatus(), c.o)
	}
}
