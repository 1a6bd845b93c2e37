package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/store"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestVerifyAPIKey_MatchesBetterAuthReference runs generated key rows —
// boundary-heavy: exactly at expiry, exactly one window or refill interval
// later, counts at the maximum, zero refill amounts — through the store's
// SQL function (with a fixed now) and through betterauth's pure reference of
// Better Auth's rules, and requires the same outcome, the same deletion and
// the same row afterwards.
func TestVerifyAPIKey_MatchesBetterAuthReference(t *testing.T) {
	t.Parallel()
	s, url := openStore(t)
	ctx := context.Background()
	u := newUser(t, s, "diff")
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)

	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC).Add(123 * time.Millisecond)
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs ...int64) int64 { return xs[rng.IntN(len(xs))] }
	optInt := func(xs ...int64) *int64 {
		if rng.IntN(4) == 0 {
			return nil
		}
		v := pick(xs...)
		return &v
	}
	optTime := func(offsetsMs ...int64) *time.Time {
		if rng.IntN(4) == 0 {
			return nil
		}
		tm := now.Add(time.Duration(pick(offsetsMs...)) * time.Millisecond)
		return &tm
	}
	b := func(p float64) bool { return rng.Float64() < p }

	const cases = 600
	seen := map[store.APIKeyOutcome]int{}
	deleted := 0
	for i := range cases {
		window := pick(1000, 60_000)
		interval := pick(0, 1000, 60_000)
		st := betterauth.APIKeyState{
			Enabled:             ptr(b(0.9)),
			ExpiresAt:           optTime(-1, 0, 1, 3_600_000),
			Remaining:           optInt(0, 1, 2, 50),
			RefillAmount:        optInt(0, 5),
			RefillInterval:      ptr(interval),
			RateLimitEnabled:    ptr(b(0.8)),
			RateLimitTimeWindow: ptr(window),
			RateLimitMax:        ptr(pick(1, 2, 10)),
			RequestCount:        optInt(0, 1, 2, 10),
			LastRequest:         optTime(-window-1, -window, -window+1, -1, 0),
			LastRefillAt:        optTime(-interval-1, -interval, -interval+1, 0),
			CreatedAt:           now.Add(time.Duration(pick(-interval-1, -interval, -1)) * time.Millisecond),
		}
		if rng.IntN(5) == 0 {
			st.RefillInterval = nil
		}
		hash := fmt.Sprintf("diff-%d", i)
		_, err := conn.Exec(ctx, `INSERT INTO iam_apikey (reference_id, user_id, key, enabled, expires_at, remaining, refill_amount,
			refill_interval, rate_limit_enabled, rate_limit_time_window, rate_limit_max, request_count, last_request, last_refill_at, created_at)
			VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			u.ID.String(), hash, st.Enabled, st.ExpiresAt, st.Remaining, st.RefillAmount, st.RefillInterval, st.RateLimitEnabled,
			st.RateLimitTimeWindow, st.RateLimitMax, st.RequestCount, st.LastRequest, st.LastRefillAt, st.CreatedAt)
		require.NoError(t, err, "case %d", i)

		want, wantRow := betterauth.APIKeyPolicy{RefusedChangesNothing: true}.Evaluate(st, now)

		var outcome store.APIKeyOutcome
		var tryAgain *int64
		var got betterauth.APIKeyState
		err = conn.QueryRow(ctx, `SELECT r.outcome, r.try_again_ms, (r.apikey).remaining, (r.apikey).last_refill_at,
			(r.apikey).request_count, (r.apikey).last_request FROM iam_verify_api_key($1, NULL, $2) r`, hash, now).
			Scan(&outcome, &tryAgain, &got.Remaining, &got.LastRefillAt, &got.RequestCount, &got.LastRequest)
		require.NoError(t, err, "case %d", i)
		var exists bool
		require.NoError(t, conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM iam_apikey WHERE key = $1)", hash).Scan(&exists))

		desc := fmt.Sprintf("case %d: state %+v", i, describe(st))
		require.Equal(t, want.Outcome, outcome, desc)
		require.Equal(t, want.Delete, !exists, "deleted? %s", desc)
		seen[outcome]++
		if !exists {
			deleted++
		}
		if want.Outcome == store.APIKeyRateLimited {
			require.NotNil(t, tryAgain, desc)
			require.Equal(t, want.TryAgainIn, time.Duration(*tryAgain)*time.Millisecond, desc)
		}
		if want.Outcome == store.APIKeyValid {
			require.Equal(t, wantRow.Remaining, got.Remaining, "remaining: %s", desc)
			require.Equal(t, wantRow.RequestCount, got.RequestCount, "request_count: %s", desc)
			require.Equal(t, msOf(wantRow.LastRequest), msOf(got.LastRequest), "last_request: %s", desc)
			require.Equal(t, msOf(wantRow.LastRefillAt), msOf(got.LastRefillAt), "last_refill_at: %s", desc)
		}
	}
	// The generator must reach every outcome, or the comparison proves little.
	for _, o := range []store.APIKeyOutcome{store.APIKeyValid, store.APIKeyDisabled, store.APIKeyExpired, store.APIKeyUsageExceeded, store.APIKeyRateLimited} {
		require.GreaterOrEqual(t, seen[o], 10, "outcome %s reached only %d times: %v", o, seen[o], seen)
	}
	require.Positive(t, deleted)
	t.Logf("outcomes: %v, deleted: %d", seen, deleted)
}

func msOf(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

func describe(s betterauth.APIKeyState) map[string]any {
	deref := func(p *int64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return map[string]any{
		"enabled": *s.Enabled, "expiresAt": msOf(s.ExpiresAt), "remaining": deref(s.Remaining), "refillAmount": deref(s.RefillAmount),
		"refillInterval": deref(s.RefillInterval), "rateLimitEnabled": *s.RateLimitEnabled, "window": *s.RateLimitTimeWindow,
		"max": *s.RateLimitMax, "requestCount": deref(s.RequestCount), "lastRequest": msOf(s.LastRequest),
		"lastRefillAt": msOf(s.LastRefillAt), "createdAt": s.CreatedAt.UnixMilli(),
	}
}
