package domain

import (
	"io"
	"strings"
	"time"
)

// APIKeyID is the public id of an APIKey.
type APIKeyID = ID[APIKey]

// APIKey is an API key (iam_apikey, optional tenant). Key is the hash of the
// key (base64url SHA-256), a secret left out of JSON; Start and Prefix are the
// displayable beginning of the key.
//
// ReferenceID is the owner Better Auth writes: a user id or an organization
// id, so it is plain text. UserID (the seed's column) and OrganizationID are
// nullable because Better Auth does not write them; the Go store sets the one
// that matches the owner.
type APIKey struct {
	Audit[APIKey]
	OrganizationID      *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	ConfigID            string          `db:"config_id" json:"configId"`
	Name                *string         `db:"name" json:"name,omitempty"`
	Start               *string         `db:"start" json:"start,omitempty"`
	ReferenceID         string          `db:"reference_id" json:"referenceId"`
	Prefix              *string         `db:"prefix" json:"prefix,omitempty"`
	Key                 Secret          `db:"key" json:"-"`
	UserID              *UserID         `db:"user_id" json:"userId,omitempty"`
	RefillInterval      *int32          `db:"refill_interval" json:"refillInterval,omitempty"` // ms
	RefillAmount        *int32          `db:"refill_amount" json:"refillAmount,omitempty"`
	LastRefillAt        *time.Time      `db:"last_refill_at" json:"lastRefillAt,omitempty"`
	Enabled             bool            `db:"enabled" json:"enabled"`
	RateLimitEnabled    bool            `db:"rate_limit_enabled" json:"rateLimitEnabled"`
	RateLimitTimeWindow int32           `db:"rate_limit_time_window" json:"rateLimitTimeWindow"` // ms
	RateLimitMax        int32           `db:"rate_limit_max" json:"rateLimitMax"`
	RequestCount        *int32          `db:"request_count" json:"requestCount,omitempty"`
	Remaining           *int32          `db:"remaining" json:"remaining,omitempty"`
	LastRequest         *time.Time      `db:"last_request" json:"lastRequest,omitempty"`
	ExpiresAt           *time.Time      `db:"expires_at" json:"expiresAt,omitempty"`
	Permissions         *string         `db:"permissions" json:"permissions,omitempty"` // JSON as text
	Metadata            *string         `db:"metadata" json:"metadata,omitempty"`       // JSON as text
}

// TableName implements Entity.
func (APIKey) TableName() string { return TableAPIKey }

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

// APIKeyParams is the input that creates an APIKey. Key is the hash of the
// key, never the key itself. ReferenceID is the owner: a user or an
// organization id; UserID or OrganizationID is derived from it.
type APIKeyParams struct {
	ConfigID            *string    `json:"configId"` // default "default"
	Name                *string    `json:"name"`
	Start               *string    `json:"start"`
	Prefix              *string    `json:"prefix"`
	ReferenceID         string     `json:"referenceId"`
	Key                 Secret     `json:"key"`
	RefillInterval      *int32     `json:"refillInterval"`
	RefillAmount        *int32     `json:"refillAmount"`
	Enabled             *bool      `json:"enabled"`             // default true
	RateLimitEnabled    *bool      `json:"rateLimitEnabled"`    // default true
	RateLimitTimeWindow *int32     `json:"rateLimitTimeWindow"` // default 86400000 ms
	RateLimitMax        *int32     `json:"rateLimitMax"`        // default 10
	Remaining           *int32     `json:"remaining"`
	ExpiresAt           *time.Time `json:"expiresAt"`
	Permissions         *string    `json:"permissions"`
	Metadata            *string    `json:"metadata"`
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

// DecodeAPIKeyParams decodes and validates a JSON APIKeyParams.
func DecodeAPIKeyParams(r io.Reader) (APIKeyParams, error) {
	return decodeParams(TableAPIKey, r, NewAPIKey)
}

// APIKeyPatch lists what an update of an API key may change.
type APIKeyPatch struct {
	Name                *string    `json:"name"`
	Enabled             *bool      `json:"enabled"`
	RefillInterval      *int32     `json:"refillInterval"`
	RefillAmount        *int32     `json:"refillAmount"`
	LastRefillAt        *time.Time `json:"lastRefillAt"`
	RateLimitEnabled    *bool      `json:"rateLimitEnabled"`
	RateLimitTimeWindow *int32     `json:"rateLimitTimeWindow"`
	RateLimitMax        *int32     `json:"rateLimitMax"`
	RequestCount        *int32     `json:"requestCount"`
	Remaining           *int32     `json:"remaining"`
	LastRequest         *time.Time `json:"lastRequest"`
	ExpiresAt           *time.Time `json:"expiresAt"`
	Permissions         *string    `json:"permissions"`
	Metadata            *string    `json:"metadata"`
}

// Apply applies the patch to k when the result is valid; on error k is
// unchanged.
func (p APIKeyPatch) Apply(k *APIKey) error {
	next := *k
	setOpt(&next.Name, trimPtr(p.Name))
	set(&next.Enabled, p.Enabled)
	setOpt(&next.RefillInterval, p.RefillInterval)
	setOpt(&next.RefillAmount, p.RefillAmount)
	setOpt(&next.LastRefillAt, p.LastRefillAt)
	set(&next.RateLimitEnabled, p.RateLimitEnabled)
	set(&next.RateLimitTimeWindow, p.RateLimitTimeWindow)
	set(&next.RateLimitMax, p.RateLimitMax)
	setOpt(&next.RequestCount, p.RequestCount)
	setOpt(&next.Remaining, p.Remaining)
	setOpt(&next.LastRequest, p.LastRequest)
	setOpt(&next.ExpiresAt, p.ExpiresAt)
	setOpt(&next.Permissions, p.Permissions)
	setOpt(&next.Metadata, p.Metadata)
	if err := next.Validate(); err != nil {
		return err
	}
	*k = next
	return nil
}
