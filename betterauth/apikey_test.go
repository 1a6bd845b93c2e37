package betterauth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/store"
)

func TestHashAPIKey_EqualsBetterAuthHasher(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	require.NotEmpty(t, v.APIKeys)
	for _, k := range v.APIKeys {
		require.Equal(t, k.Hash, betterauth.HashAPIKey(k.Key))
	}
	// The hash Better Auth stored for the live key (better-auth.md §5).
	require.Equal(t, "qh5gMtJUXDHREBlmkoLSYEG_IJBRS1LBhnPgZEZHDxw",
		betterauth.HashAPIKey("ba_lqRcJWeJgTRObUqbfxWtHCalHmKPqpwbacZfMdUCHRgLcrByHcbxVlUgeTHRevfh"))
}

func TestAPIKeyStart_EqualsLiveStartColumn(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	require.Equal(t, lv.APIKeyCreated.Start, betterauth.APIKeyStart(lv.APIKeyCreated.Key))
	require.Equal(t, "ab", betterauth.APIKeyStart("ab"))
}

func TestGenerateAPIKey_HasBetterAuthShape(t *testing.T) {
	t.Parallel()
	f := betterauth.APIKeyFormat{Prefix: "ba_"}
	seen := map[string]bool{}
	letters := map[byte]bool{}
	for range 200 {
		k := betterauth.GenerateAPIKey("ba_")
		require.NoError(t, f.Validate(k))
		require.False(t, seen[k], "keys repeat")
		seen[k] = true
		for i := 3; i < len(k); i++ {
			letters[k[i]] = true
		}
	}
	require.Len(t, letters, 52, "all 52 letters appear in 12800 draws")
	require.NoError(t, betterauth.APIKeyFormat{}.Validate(betterauth.GenerateAPIKey("")))
}

func TestAPIKeyFormat_AcceptsLiveKeyAndRejectsMalformedKeys(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	f := betterauth.APIKeyFormat{Prefix: lv.APIKeyCreated.Prefix}
	require.NoError(t, f.Validate(lv.APIKeyCreated.Key))

	good := lv.APIKeyCreated.Key
	cases := map[string]string{
		"":                              "required",
		good[:len(good)-1]:              "length",
		good + "a":                      "length",
		"xx_" + good[3:]:                "prefix",
		good[:10] + "1" + good[11:]:     "alphabet",
		good[:10] + "é"[:1] + good[11:]: "alphabet",
		strings.Repeat("a", 100000):     "length",
	}
	for key, rule := range cases {
		err := f.Validate(key)
		require.ErrorIs(t, err, betterauth.ErrMalformed)
		var ie *betterauth.InputError
		require.True(t, errors.As(err, &ie))
		require.Equal(t, "api_key", ie.Field)
		require.Equal(t, rule, ie.Rule)
		require.NotContains(t, err.Error(), "lqRcJW")
	}
	require.NoError(t, betterauth.APIKeyFormat{Length: 8}.Validate("abcdEFGH"))
}

func ptr[T any](v T) *T { return &v }

var t0 = time.Date(2026, 11, 23, 17, 12, 8, 477_000_000, time.UTC)

// liveKey is the row Better Auth created in the live run (apiKeyCreated).
func liveKey() betterauth.APIKeyState {
	return betterauth.APIKeyState{
		Enabled: ptr(true), Remaining: ptr[int64](100), RefillAmount: ptr[int64](100),
		RefillInterval: ptr[int64](3_600_000), RateLimitEnabled: ptr(true),
		RateLimitTimeWindow: ptr[int64](86_400_000), RateLimitMax: ptr[int64](10),
		RequestCount: ptr[int64](0), CreatedAt: t0, UpdatedAt: t0,
	}
}

func TestEvaluateAPIKey_ReproducesLiveVerification(t *testing.T) {
	t.Parallel()
	now := t0.Add(25 * time.Millisecond)
	d, row := betterauth.EvaluateAPIKey(liveKey(), now)
	require.Equal(t, betterauth.APIKeyDecision{Outcome: store.APIKeyValid, Write: true}, d)
	// Live: remaining 100 -> 99, requestCount 0 -> 1, lastRequest set.
	require.Equal(t, int64(99), *row.Remaining)
	require.Equal(t, int64(1), *row.RequestCount)
	require.Equal(t, now, *row.LastRequest)
	require.Equal(t, now, row.UpdatedAt)
	require.Nil(t, row.LastRefillAt)
}

func TestEvaluateAPIKey_FollowsBetterAuthRules(t *testing.T) {
	t.Parallel()
	now := t0.Add(48 * time.Hour)
	type want struct {
		outcome      store.APIKeyOutcome
		del, write   bool
		remaining    *int64
		requestCount *int64
		lastRequest  *time.Time
		lastRefillAt *time.Time
		tryAgainIn   time.Duration
	}
	cases := []struct {
		name   string
		mutate func(*betterauth.APIKeyState)
		policy betterauth.APIKeyPolicy
		want   want
	}{
		{"disabled", func(r *betterauth.APIKeyState) { r.Enabled = ptr(false) },
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyDisabled, remaining: ptr[int64](100), requestCount: ptr[int64](0)}},
		{"null enabled counts as enabled", func(r *betterauth.APIKeyState) { r.Enabled = nil; r.RefillAmount, r.RefillInterval = nil, nil },
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, remaining: ptr[int64](99), requestCount: ptr[int64](1), lastRequest: &now}},
		{"expired is deleted", func(r *betterauth.APIKeyState) { r.ExpiresAt = ptr(now.Add(-time.Millisecond)) },
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyExpired, del: true, remaining: ptr[int64](100), requestCount: ptr[int64](0)}},
		{"expiring this millisecond is still valid", func(r *betterauth.APIKeyState) {
			r.ExpiresAt = ptr(now.Add(500 * time.Microsecond))
			r.RefillAmount, r.RefillInterval = nil, nil
		},
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, remaining: ptr[int64](99), requestCount: ptr[int64](1), lastRequest: &now}},
		{"exhausted without refill is deleted", func(r *betterauth.APIKeyState) { r.Remaining = ptr[int64](0); r.RefillAmount = nil },
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyUsageExceeded, del: true, remaining: ptr[int64](0), requestCount: ptr[int64](0)}},
		{"exhausted with refill not yet due is kept", func(r *betterauth.APIKeyState) {
			r.Remaining = ptr[int64](0)
			r.LastRefillAt = ptr(now.Add(-time.Hour))
		},
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyUsageExceeded, remaining: ptr[int64](0), requestCount: ptr[int64](0), lastRefillAt: ptr(now.Add(-time.Hour))}},
		{"refill due resets remaining to amount-1", func(r *betterauth.APIKeyState) {
			r.Remaining = ptr[int64](0)
			r.LastRefillAt = ptr(now.Add(-time.Hour - time.Millisecond))
		},
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, remaining: ptr[int64](99), requestCount: ptr[int64](1), lastRequest: &now, lastRefillAt: &now}},
		{"refill measured from createdAt when never refilled", func(r *betterauth.APIKeyState) { r.Remaining = ptr[int64](3) },
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, remaining: ptr[int64](99), requestCount: ptr[int64](1), lastRequest: &now, lastRefillAt: &now}},
		{"refill needs a non-zero interval", func(r *betterauth.APIKeyState) { r.Remaining = ptr[int64](3); r.RefillInterval = ptr[int64](0) },
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, remaining: ptr[int64](2), requestCount: ptr[int64](1), lastRequest: &now}},
		{"unlimited remaining is untouched", func(r *betterauth.APIKeyState) { r.Remaining = nil },
			betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](1), lastRequest: &now}},
		{"rate limited consumes quota anyway", func(r *betterauth.APIKeyState) {
			r.RefillAmount, r.RefillInterval = nil, nil
			r.RequestCount = ptr[int64](10)
			r.LastRequest = ptr(now.Add(-time.Hour))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyRateLimited, write: true, remaining: ptr[int64](99), requestCount: ptr[int64](10),
			lastRequest: ptr(now.Add(-time.Hour)), tryAgainIn: 23 * time.Hour}},
		{"rate limited without quota writes nothing", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RequestCount = ptr[int64](10)
			r.LastRequest = ptr(now.Add(-time.Hour))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyRateLimited, requestCount: ptr[int64](10),
			lastRequest: ptr(now.Add(-time.Hour)), tryAgainIn: 23 * time.Hour}},
		{"window elapsed resets the count", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RequestCount = ptr[int64](10)
			r.LastRequest = ptr(now.Add(-24*time.Hour - time.Millisecond))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](1), lastRequest: &now}},
		{"at exactly the window a full count is still limited", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RequestCount = ptr[int64](10)
			r.LastRequest = ptr(now.Add(-24 * time.Hour))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyRateLimited, requestCount: ptr[int64](10), lastRequest: ptr(now.Add(-24 * time.Hour))}},
		{"at exactly the window a partial count resets", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RequestCount = ptr[int64](4)
			r.LastRequest = ptr(now.Add(-24 * time.Hour))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](1), lastRequest: &now}},
		{"in window increments", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RequestCount = ptr[int64](9)
			r.LastRequest = ptr(now.Add(-time.Minute))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](10), lastRequest: &now}},
		{"null request count counts as zero", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RequestCount = nil
			r.LastRequest = ptr(now.Add(-time.Minute))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](1), lastRequest: &now}},
		{"row rate limit off only stamps lastRequest", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RateLimitEnabled = ptr(false)
			r.RequestCount = ptr[int64](10)
			r.LastRequest = ptr(now.Add(-time.Minute))
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](10), lastRequest: &now}},
		{"plugin rate limit off only stamps lastRequest", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RequestCount = ptr[int64](10)
			r.LastRequest = ptr(now.Add(-time.Minute))
		}, betterauth.APIKeyPolicy{RateLimitDisabled: true}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](10), lastRequest: &now}},
		{"null window skips rate limiting entirely", func(r *betterauth.APIKeyState) {
			r.Remaining = nil
			r.RateLimitTimeWindow = nil
			r.RequestCount = ptr[int64](10)
		}, betterauth.APIKeyPolicy{}, want{outcome: store.APIKeyValid, write: true, requestCount: ptr[int64](10)}},
	}
	for _, c := range cases {
		row := liveKey()
		c.mutate(&row)
		d, got := c.policy.Evaluate(row, now)
		require.Equal(t, c.want.outcome, d.Outcome, c.name)
		require.Equal(t, c.want.del, d.Delete, c.name)
		require.Equal(t, c.want.write, d.Write, c.name)
		require.Equal(t, c.want.tryAgainIn, d.TryAgainIn, c.name)
		require.Equal(t, c.want.remaining, got.Remaining, c.name)
		require.Equal(t, c.want.requestCount, got.RequestCount, c.name)
		require.Equal(t, c.want.lastRequest, got.LastRequest, c.name)
		require.Equal(t, c.want.lastRefillAt, got.LastRefillAt, c.name)
		if d.Outcome == store.APIKeyValid {
			require.Equal(t, now, got.UpdatedAt, c.name)
		} else {
			require.Equal(t, t0, got.UpdatedAt, c.name)
		}
	}
}

func TestEvaluateAPIKey_RefusedChangesNothingPolicyKeepsQuota(t *testing.T) {
	t.Parallel()
	row := liveKey()
	row.RefillAmount, row.RefillInterval = nil, nil
	row.RequestCount = ptr[int64](10)
	row.LastRequest = ptr(t0.Add(time.Minute))
	now := t0.Add(time.Hour)
	d, got := betterauth.APIKeyPolicy{RefusedChangesNothing: true}.Evaluate(row, now)
	require.Equal(t, betterauth.APIKeyDecision{Outcome: store.APIKeyRateLimited, TryAgainIn: 23*time.Hour + time.Minute}, d)
	require.Equal(t, row, got)
}

func TestEvaluateAPIKey_RateLimitAllowsExactlyMaxPerWindow(t *testing.T) {
	t.Parallel()
	row := liveKey()
	row.Remaining = nil
	allowed := 0
	for i := range 25 {
		now := t0.Add(time.Duration(i) * time.Minute)
		var d betterauth.APIKeyDecision
		d, row = betterauth.EvaluateAPIKey(row, now)
		if d.Outcome == store.APIKeyValid {
			allowed++
		}
	}
	require.Equal(t, 10, allowed)
	// The window runs from the last accepted request (t0+9m).
	d, _ := betterauth.EvaluateAPIKey(row, t0.Add(9*time.Minute+24*time.Hour))
	require.Equal(t, store.APIKeyRateLimited, d.Outcome)
	d, _ = betterauth.EvaluateAPIKey(row, t0.Add(9*time.Minute+24*time.Hour+time.Millisecond))
	require.Equal(t, store.APIKeyValid, d.Outcome)
}
