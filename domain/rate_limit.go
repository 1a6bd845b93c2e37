package domain

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
