package domain

import (
	"strings"
)

// API key defaults, as Better Auth's api-key plugin and the seed.
const (
	DefaultAPIKeyConfigID            = "default"
	DefaultAPIKeyRateLimitTimeWindow = 86_400_000 // ms, 24 h
	DefaultAPIKeyRateLimitMax        = 10
)

// Validate checks every rule of an API key row and reports all failures:
// positive refill interval, rate-limit window and maximum; non-negative
// counters; a refill interval and amount set together; the owner reference a
// user or organization id consistent with UserID/OrganizationID.
func (k APIKey) Validate() error {
	v := NewValidator(TableAPIKey)
	v.text("configId", k.ConfigID, 1, 64)
	v.optText("name", k.Name, MaxNameLength)
	v.optText("start", k.Start, 64)
	v.optText("prefix", k.Prefix, 64)
	v.refOwner("referenceId", k.ReferenceID)
	if k.UserID != nil && k.ReferenceID != "" && strings.HasPrefix(k.ReferenceID, TableUser+IDSeparator) {
		v.Check(k.UserID.String() == k.ReferenceID, "userId", "reference", "userId must equal referenceId when the key belongs to a user")
	}
	if k.OrganizationID != nil && strings.HasPrefix(k.ReferenceID, TableOrganization+IDSeparator) {
		v.Check(k.OrganizationID.String() == k.ReferenceID, "organizationId", "reference",
			"organizationId must equal referenceId when the key belongs to an organization")
	}
	v.secret("key", k.Key)
	v.optPositive("refillInterval", k.RefillInterval)
	v.optNonNegative("refillAmount", k.RefillAmount)
	v.Check((k.RefillInterval == nil) == (k.RefillAmount == nil), "refillAmount", "together",
		"refillInterval and refillAmount must be set together")
	v.positive("rateLimitTimeWindow", int64(k.RateLimitTimeWindow))
	v.positive("rateLimitMax", int64(k.RateLimitMax))
	v.optNonNegative("requestCount", k.RequestCount)
	v.optNonNegative("remaining", k.Remaining)
	v.optExpiresAfter("expiresAt", k.ExpiresAt, k.CreatedAt)
	v.jsonText("permissions", k.Permissions)
	v.jsonText("metadata", k.Metadata)
	return v.Err()
}

// NewAPIKey validates p and returns a new API key: enabled, rate limited to
// 10 requests per 24 h, request count 0, config "default" unless given. The
// tenant (OrganizationID) or UserID is set from ReferenceID.
func NewAPIKey(p APIKeyParams) (APIKey, error) {
	k := APIKey{
		Audit:               NewAudit[APIKey](),
		ConfigID:            or(p.ConfigID, DefaultAPIKeyConfigID),
		Name:                trimPtr(p.Name),
		Start:               p.Start,
		Prefix:              p.Prefix,
		ReferenceID:         strings.TrimSpace(p.ReferenceID),
		Key:                 p.Key,
		RefillInterval:      p.RefillInterval,
		RefillAmount:        p.RefillAmount,
		Enabled:             or(p.Enabled, true),
		RateLimitEnabled:    or(p.RateLimitEnabled, true),
		RateLimitTimeWindow: or(p.RateLimitTimeWindow, DefaultAPIKeyRateLimitTimeWindow),
		RateLimitMax:        or(p.RateLimitMax, DefaultAPIKeyRateLimitMax),
		RequestCount:        ptr(int32(0)),
		Remaining:           p.Remaining,
		ExpiresAt:           p.ExpiresAt,
		Permissions:         p.Permissions,
		Metadata:            p.Metadata,
	}
	if id, err := ParseID[User](k.ReferenceID); err == nil {
		k.UserID = &id
	} else if id, err := ParseID[Organization](k.ReferenceID); err == nil {
		k.OrganizationID = &id
	}
	if err := k.Validate(); err != nil {
		return APIKey{}, err
	}
	return k, nil
}
