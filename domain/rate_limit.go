package domain

import "io"

// RateLimitID is the public id of a RateLimit.
type RateLimitID = ID[RateLimit]

// RateLimit is a counter of Better Auth's database rate limiter
// (iam_rate_limit). Better Auth always writes all three columns, so they are
// required here although the seed's columns were nullable.
type RateLimit struct {
	Audit[RateLimit]
	Key   string `db:"key" json:"key"` // "<ip>|<path>"
	Count int32  `db:"count" json:"count"`
	// LastRequest is epoch milliseconds (bigint), as Better Auth writes it.
	LastRequest int64 `db:"last_request" json:"lastRequest"`
}

// TableName implements Entity.
func (RateLimit) TableName() string { return TableRateLimit }

// Validate checks every rule of a rate limit row and reports all failures.
func (l RateLimit) Validate() error {
	v := NewValidator(TableRateLimit)
	v.text("key", l.Key, 1, 1024)
	v.nonNegative("count", int64(l.Count))
	v.nonNegative("lastRequest", l.LastRequest)
	return v.Err()
}

// RateLimitParams is the input that creates a RateLimit.
type RateLimitParams struct {
	Key         string `json:"key"`
	Count       int32  `json:"count"`
	LastRequest int64  `json:"lastRequest"` // epoch ms
}

// NewRateLimit validates p and returns a new counter.
func NewRateLimit(p RateLimitParams) (RateLimit, error) {
	l := RateLimit{Audit: NewAudit[RateLimit](), Key: p.Key, Count: p.Count, LastRequest: p.LastRequest}
	if err := l.Validate(); err != nil {
		return RateLimit{}, err
	}
	return l, nil
}

// DecodeRateLimitParams decodes and validates a JSON RateLimitParams.
func DecodeRateLimitParams(r io.Reader) (RateLimitParams, error) {
	return decodeParams(TableRateLimit, r, NewRateLimit)
}

// RateLimitPatch lists what an update of a counter may change.
type RateLimitPatch struct {
	Count       *int32 `json:"count"`
	LastRequest *int64 `json:"lastRequest"`
}

// Apply applies the patch to l when the result is valid; on error l is
// unchanged.
func (p RateLimitPatch) Apply(l *RateLimit) error {
	next := *l
	set(&next.Count, p.Count)
	set(&next.LastRequest, p.LastRequest)
	if err := next.Validate(); err != nil {
		return err
	}
	*l = next
	return nil
}
