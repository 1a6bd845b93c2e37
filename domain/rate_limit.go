package domain

// Validate checks every rule of a rate limit row and reports all failures.
func (l RateLimit) Validate() error {
	v := NewValidator(TableRateLimit)
	v.text("key", l.Key, 1, 1024)
	v.nonNegative("count", int64(l.Count))
	v.nonNegative("lastRequest", l.LastRequest)
	return v.Err()
}

// NewRateLimit validates p and returns a new counter.
func NewRateLimit(p RateLimitParams) (RateLimit, error) {
	l := RateLimit{Audit: NewAudit[RateLimit](), Key: p.Key, Count: p.Count, LastRequest: p.LastRequest}
	if err := l.Validate(); err != nil {
		return RateLimit{}, err
	}
	return l, nil
}
