package store

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
)

// GetByKey returns the rate-limit counter of key.
func (r RateLimitRepo) GetByKey(ctx context.Context, key string) (domain.RateLimit, error) {
	return r.t.getBy(ctx, r.db, "", "key = $1", key, key)
}

// RateLimitResult is the state of a rate-limit counter after one hit.
type RateLimitResult struct {
	Allowed    bool
	Count      int32         // hits in the current window, this one included
	RetryAfter time.Duration // when not allowed: until the window resets
}

const rateLimitSQL = `

INSERT INTO ` + domain.TableRateLimit + ` AS r (id, key, count, last_request)
VALUES ($1, $2, 1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint - r.last_request > $3
               THEN 1 ELSE r.count + 1 END,
  last_request = CASE WHEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint - r.last_request > $3
               THEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint ELSE r.last_request END
RETURNING count, last_request, (extract(epoch FROM clock_timestamp()) * 1000)::bigint`

// RateLimitHit counts one hit on key in a fixed window of length window
// that starts at the first hit, and reports whether the hit is within max.
// It is one INSERT ... ON CONFLICT DO UPDATE statement: concurrent hits
// serialize on the row and each is counted exactly once. Rows use Better
// Auth's database rate-limiter format (key, count, last_request in epoch ms).
func (s *Store) RateLimitHit(ctx context.Context, key string, window time.Duration, max int) (RateLimitResult, error) {
	if key == "" || window <= 0 || max <= 0 {
		v := domain.NewValidator(domain.TableRateLimit)
		v.Check(key != "", "key", "required", "key is required")
		v.Check(window > 0, "window", "positive", "window must be positive")
		v.Check(max > 0, "max", "positive", "max must be positive")
		return RateLimitResult{}, v.Err()
	}
	var count int32
	var last, now int64
	err := s.db.QueryRow(ctx, rateLimitSQL, domain.NewID[domain.RateLimit]().String(), key, window.Milliseconds()).Scan(&count, &last, &now)
	if err != nil {
		return RateLimitResult{}, wrap(err, domain.TableRateLimit, "hit", key)
	}
	res := RateLimitResult{Allowed: int(count) <= max, Count: count}
	if !res.Allowed {
		res.RetryAfter = max64(0, window.Milliseconds()-(now-last)) * time.Millisecond
	}
	return res, nil
}

func max64(a, b int64) time.Duration {
	if a > b {
		return time.Duration(a)
	}
	return time.Duration(b)
}
