package betterauth

import (
	"strings"
	"time"

	"github.com/beep/iam/internal/baformat"
	"github.com/beep/iam/store"
)

// API key defaults of @better-auth/api-key 1.7.
const (
	// DefaultAPIKeyLength is the number of random letters after the prefix
	// (defaultKeyLength).
	DefaultAPIKeyLength = baformat.APIKeyLength
	// APIKeyStartLength is how many leading characters of the full key,
	// prefix included, Better Auth stores in the start column.
	APIKeyStartLength = baformat.APIKeyStartLength
	// DefaultRateLimitTimeWindow is the default rateLimitTimeWindow (1 day).
	DefaultRateLimitTimeWindow = 24 * time.Hour
	// DefaultRateLimitMax is the default rateLimitMax.
	DefaultRateLimitMax = 10
	// MaxAPIKeyPrefixLen is the longest prefix Better Auth accepts.
	MaxAPIKeyPrefixLen = 32
)

// GenerateAPIKey returns prefix followed by DefaultAPIKeyLength random letters
// [a-zA-Z] from crypto/rand, as Better Auth generates keys. Store
// HashAPIKey(key) and APIKeyStart(key); show key to its owner once. It is the
// store's generator (store.CreateAPIKey uses it too): one implementation.
func GenerateAPIKey(prefix string) string { return baformat.APIKey(prefix) }

// HashAPIKey returns what Better Auth stores in apikey.key for a full key
// (prefix included): base64url without padding of SHA-256 of its UTF-8 bytes,
// 43 characters. Keys are looked up by this hash. It is store.HashAPIKey.
func HashAPIKey(key string) string { return baformat.Hash(key) }

// APIKeyStart returns what Better Auth stores in apikey.start: the first
// APIKeyStartLength characters of the full key, prefix included.
func APIKeyStart(key string) string { return baformat.APIKeyStart(key) }

// APIKeyFormat describes the keys one Better Auth api-key configuration
// generates, to reject a malformed presented key before any database lookup.
type APIKeyFormat struct {
	// Prefix is the configuration's defaultPrefix (may be empty).
	Prefix string
	// Length is defaultKeyLength; zero means DefaultAPIKeyLength.
	Length int
}

// Validate checks a presented key: prefix, then exactly Length letters
// [a-zA-Z]. Errors are [*InputError] values for field "api_key" with rule
// "required", "length", "prefix" or "alphabet", matching [ErrMalformed]; the
// key is never echoed.
func (f APIKeyFormat) Validate(key string) error {
	n := f.Length
	if n == 0 {
		n = DefaultAPIKeyLength
	}
	switch {
	case key == "":
		return inputErr("api_key", "required", ErrMalformed)
	case len(key) != len(f.Prefix)+n:
		return inputErr("api_key", "length", ErrMalformed)
	case !strings.HasPrefix(key, f.Prefix):
		return inputErr("api_key", "prefix", ErrMalformed)
	}
	for i := len(f.Prefix); i < len(key); i++ {
		if c := key[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return inputErr("api_key", "alphabet", ErrMalformed)
		}
	}
	return nil
}

// APIKeyState is the part of an apikey row that verification reads and
// writes. Pointers are nullable columns; nil is NULL. Durations stored as
// integer milliseconds in Better Auth are int64 milliseconds here too.
type APIKeyState struct {
	Enabled             *bool
	ExpiresAt           *time.Time
	Remaining           *int64
	RefillAmount        *int64
	RefillInterval      *int64 // milliseconds
	LastRefillAt        *time.Time
	RateLimitEnabled    *bool
	RateLimitTimeWindow *int64 // milliseconds
	RateLimitMax        *int64
	RequestCount        *int64
	LastRequest         *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// APIKeyDecision is what verifying one presented key decides.
type APIKeyDecision struct {
	// Outcome is never store.APIKeyInvalid: the row was found.
	Outcome store.APIKeyOutcome
	// Delete: the row must be deleted (expired, or exhausted without refill).
	Delete bool
	// Write: the returned state differs from the input and must be written.
	// It can be true with store.APIKeyRateLimited: Better Auth has already
	// consumed the quota when the rate limit rejects the request.
	Write bool
	// TryAgainIn is set for store.APIKeyRateLimited: the window minus the
	// time since the last request, rounded up to a millisecond.
	TryAgainIn time.Duration
}

// APIKeyPolicy holds the plugin-level options that change verification.
type APIKeyPolicy struct {
	// RateLimitDisabled is the plugin's rateLimit.enabled = false.
	RateLimitDisabled bool
	// RefusedChangesNothing makes a rate-limited request leave the row as it
	// was. Better Auth has already written the quota decrement (step 5) when
	// the rate limit refuses; a single atomic statement that refuses as a
	// whole (the store's iam_verify_api_key) wants this instead.
	RefusedChangesNothing bool
}

// EvaluateAPIKey is [APIKeyPolicy.Evaluate] with the default policy.
func EvaluateAPIKey(row APIKeyState, now time.Time) (APIKeyDecision, APIKeyState) {
	return APIKeyPolicy{}.Evaluate(row, now)
}

// Evaluate is the reference for verifying an API key whose row was found by
// HashAPIKey(presented key): it returns the decision and the row as it must be
// afterwards. It is pure; the store performs it as one conditional
// UPDATE ... RETURNING (plus DELETE when Delete), and its tests compare that
// SQL with this function. These are the semantics of @better-auth/api-key
// 1.7.5 (validateApiKey with database storage), applied in this order:
//
//  1. Enabled == false: store.APIKeyDisabled. Nothing changes. (NULL counts as
//     enabled.)
//  2. ExpiresAt != nil and now > ExpiresAt: store.APIKeyExpired, Delete.
//  3. (Permission checks come here in Better Auth; they need no state and are
//     the caller's.)
//  4. Remaining == 0 and RefillAmount == nil: store.APIKeyUsageExceeded, Delete.
//  5. Quota, only when Remaining != nil:
//     a. refill when RefillInterval and RefillAmount are both non-nil and
//     non-zero and now - (LastRefillAt, or CreatedAt when nil) >
//     RefillInterval: Remaining = RefillAmount - 1, LastRefillAt = now;
//     b. otherwise, when Remaining > 0: Remaining = Remaining - 1;
//     c. otherwise: store.APIKeyUsageExceeded. Nothing changes, no delete.
//  6. Rate limit, on the row after step 5 (whose changes stay written even
//     when this step rejects, unless RefusedChangesNothing):
//     a. policy RateLimitDisabled or RateLimitEnabled == false: only
//     LastRequest = now;
//     b. RateLimitTimeWindow == nil or RateLimitMax == nil: no change;
//     c. LastRequest == nil: RequestCount = 1, LastRequest = now;
//     d. since := now - LastRequest; since > window: RequestCount = 1,
//     LastRequest = now (the window runs from the last request, not from a
//     fixed start);
//     e. RequestCount >= RateLimitMax: store.APIKeyRateLimited with
//     TryAgainIn = window - since;
//     f. since == window: as d (Better Auth's guarded increment misses and
//     its retry, a moment later, resets);
//     g. otherwise RequestCount = RequestCount + 1, LastRequest = now.
//     A NULL RequestCount counts as 0.
//  7. store.APIKeyValid: UpdatedAt = now.
//
// Times are compared in whole milliseconds (JavaScript Dates), so now and
// the stored times are compared by their UnixMilli; the times Evaluate sets
// are now truncated to a millisecond.
func (p APIKeyPolicy) Evaluate(row APIKeyState, now time.Time) (APIKeyDecision, APIKeyState) {
	now = now.Truncate(time.Millisecond)
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	nowMs := ms(now)
	orig := row
	setTime := func(dst **time.Time) { t := now; *dst = &t }
	setInt := func(dst **int64, v int64) { *dst = &v }

	if row.Enabled != nil && !*row.Enabled {
		return APIKeyDecision{Outcome: store.APIKeyDisabled}, orig
	}
	if row.ExpiresAt != nil && nowMs > ms(*row.ExpiresAt) {
		return APIKeyDecision{Outcome: store.APIKeyExpired, Delete: true}, orig
	}
	if row.Remaining != nil && *row.Remaining == 0 && row.RefillAmount == nil {
		return APIKeyDecision{Outcome: store.APIKeyUsageExceeded, Delete: true}, orig
	}
	quotaChanged := false
	if row.Remaining != nil {
		quotaChanged = true
		refilled := false
		if row.RefillInterval != nil && *row.RefillInterval != 0 && row.RefillAmount != nil && *row.RefillAmount != 0 {
			last := row.CreatedAt
			if row.LastRefillAt != nil {
				last = *row.LastRefillAt
			}
			if nowMs-ms(last) > *row.RefillInterval {
				setInt(&row.Remaining, *row.RefillAmount-1)
				setTime(&row.LastRefillAt)
				refilled = true
			}
		}
		if !refilled {
			if *row.Remaining <= 0 {
				return APIKeyDecision{Outcome: store.APIKeyUsageExceeded}, orig
			}
			setInt(&row.Remaining, *row.Remaining-1)
		}
	}
	// From here on the quota change is written whatever the rate limit says.
	switch {
	case p.RateLimitDisabled || row.RateLimitEnabled != nil && !*row.RateLimitEnabled:
		setTime(&row.LastRequest)
	case row.RateLimitTimeWindow == nil || row.RateLimitMax == nil:
	case row.LastRequest == nil:
		setInt(&row.RequestCount, 1)
		setTime(&row.LastRequest)
	default:
		window := *row.RateLimitTimeWindow
		since := nowMs - ms(*row.LastRequest)
		count := int64(0)
		if row.RequestCount != nil {
			count = *row.RequestCount
		}
		switch {
		case since > window:
			setInt(&row.RequestCount, 1)
			setTime(&row.LastRequest)
		case count >= *row.RateLimitMax:
			if p.RefusedChangesNothing {
				return APIKeyDecision{Outcome: store.APIKeyRateLimited,
					TryAgainIn: time.Duration(window-since) * time.Millisecond}, orig
			}
			return APIKeyDecision{
				Outcome:    store.APIKeyRateLimited,
				Write:      quotaChanged,
				TryAgainIn: time.Duration(window-since) * time.Millisecond,
			}, row
		case since == window:
			setInt(&row.RequestCount, 1)
			setTime(&row.LastRequest)
		default:
			setInt(&row.RequestCount, count+1)
			setTime(&row.LastRequest)
		}
	}
	row.UpdatedAt = now
	return APIKeyDecision{Outcome: store.APIKeyValid, Write: true}, row
}
