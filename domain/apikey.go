package domain

import "time"

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
	RequestCount        int32           `db:"request_count" json:"requestCount"`
	Remaining           *int32          `db:"remaining" json:"remaining,omitempty"`
	LastRequest         *time.Time      `db:"last_request" json:"lastRequest,omitempty"`
	ExpiresAt           *time.Time      `db:"expires_at" json:"expiresAt,omitempty"`
	Permissions         *string         `db:"permissions" json:"permissions,omitempty"` // JSON as text
	Metadata            *string         `db:"metadata" json:"metadata,omitempty"`       // JSON as text
}

// TableName implements Entity.
func (APIKey) TableName() string { return TableAPIKey }
