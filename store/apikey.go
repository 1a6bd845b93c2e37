package store

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
)

// APIKeyRequest describes a key to create. The plain key is generated; the
// other fields follow domain.APIKeyParams (nil means Better Auth's default).
type APIKeyRequest struct {
	Prefix              string // e.g. "ba_"; part of the plain key and of Start
	Name                *string
	ConfigID            *string
	RefillInterval      *int32 // ms
	RefillAmount        *int32
	RateLimitEnabled    *bool
	RateLimitTimeWindow *int32 // ms
	RateLimitMax        *int32
	Remaining           *int32
	Permissions         *string // JSON text {"resource": ["action"]}
	Metadata            *string // JSON text
	ExpiresAt           *time.Time
}

// CreatedAPIKey is a freshly created key: Plain is shown to its owner once
// and never stored; Key is the stored row (holding only the hash).
type CreatedAPIKey struct {
	Plain domain.Secret
	Key   domain.APIKey
}

func (r APIKeyRequest) params(reference string) (domain.APIKeyParams, domain.Secret) {
	plain := GenerateAPIKey(r.Prefix)
	start := plain[:min(6, len(plain))]
	p := domain.APIKeyParams{
		ConfigID: r.ConfigID, Name: r.Name, Start: &start, ReferenceID: reference,
		Key: domain.NewSecret(HashAPIKey(plain)), RefillInterval: r.RefillInterval, RefillAmount: r.RefillAmount,
		RateLimitEnabled: r.RateLimitEnabled, RateLimitTimeWindow: r.RateLimitTimeWindow, RateLimitMax: r.RateLimitMax,
		Remaining: r.Remaining, Permissions: r.Permissions, Metadata: r.Metadata, ExpiresAt: r.ExpiresAt,
	}
	if r.Prefix != "" {
		prefix := r.Prefix
		p.Prefix = &prefix
	}
	return p, domain.NewSecret(plain)
}

// CreateAPIKey creates an API key owned by the organization (Better Auth's
// referenceId = the organization id) and returns the plain key once.
func (o *Org) CreateAPIKey(ctx context.Context, r APIKeyRequest) (CreatedAPIKey, error) {
	p, plain := r.params(o.id)
	k, err := domain.NewAPIKey(p)
	if err != nil {
		return CreatedAPIKey{}, err
	}
	stored, err := o.APIKeys().Create(ctx, k)
	return CreatedAPIKey{Plain: plain, Key: stored}, err
}

// CreateUserAPIKey creates an API key owned by a user (Better Auth's default:
// referenceId = the user id, no organization) and returns the plain key once.
func (s *Store) CreateUserAPIKey(ctx context.Context, user domain.UserID, r APIKeyRequest) (CreatedAPIKey, error) {
	p, plain := r.params(user.String())
	k, err := domain.NewAPIKey(p)
	if err != nil {
		return CreatedAPIKey{}, err
	}
	k.OrganizationID = nil
	k.UserID = &user
	stored, err := tUserAPIKey.create(ctx, s, s.pool, "", k)
	return CreatedAPIKey{Plain: plain, Key: stored}, err
}

// tUserAPIKey writes user-owned keys (organization_id NULL), which the RLS
// policy of iam_apikey lets through without a tenant.
var tUserAPIKey = newTable[domain.APIKey](false)
