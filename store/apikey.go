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
	stored, err := tUserAPIKey.create(ctx, s, s.db, "", k)
	return CreatedAPIKey{Plain: plain, Key: stored}, err
}

// tUserAPIKey writes user-owned keys (organization_id NULL), which the RLS
// policy of iam_apikey lets through without a tenant.
var tUserAPIKey = newTable[domain.APIKey](false)

// UserAPIKeyRepo reaches API keys owned by a user (organization_id NULL, as
// Better Auth writes them by default). Keys of an organization are reached
// through Org.APIKeys only.
type UserAPIKeyRepo struct {
	s  *Store
	db DB
}

// UserAPIKeys returns the repository of user-owned API keys.
func (s *Store) UserAPIKeys() UserAPIKeyRepo { return UserAPIKeyRepo{s: s, db: s.db} }

// Get returns the user-owned key with id.
// With Options.ReplicaURLs it is read from a replica, and from the primary
// when the replica has no such key.
func (r UserAPIKeyRepo) Get(ctx context.Context, id domain.APIKeyID) (domain.APIKey, error) {
	return routed(ctx, r.s, r.db, anyError, func(db DB) (domain.APIKey, error) {
		return tUserAPIKey.getBy(ctx, db, "", "id = $1 AND organization_id IS NULL", id.String(), id.String())
	})
}

// ListByUser returns one page of the user's own keys.
func (r UserAPIKeyRepo) ListByUser(ctx context.Context, user domain.UserID, page Page) ([]domain.APIKey, string, error) {
	return tUserAPIKey.list(ctx, r.db, "", page, "organization_id IS NULL AND reference_id = $1", user.String())
}

// SetEnabled enables or disables the user-owned key with id.
func (r UserAPIKeyRepo) SetEnabled(ctx context.Context, id domain.APIKeyID, enabled bool) error {
	tag, err := r.db.Exec(ctx, "UPDATE iam_apikey SET enabled = $2 WHERE id = $1 AND organization_id IS NULL", id.String(), enabled)
	if err != nil {
		return wrap(err, domain.TableAPIKey, "set enabled", id.String())
	}
	if tag.RowsAffected() == 0 {
		return notFound(domain.TableAPIKey, "set enabled", id.String())
	}
	return nil
}

// Delete removes the user-owned key with id (a hard delete: Better Auth
// does not read deleted_at, so a soft-deleted key would still verify there).
func (r UserAPIKeyRepo) Delete(ctx context.Context, id domain.APIKeyID) error {
	tag, err := r.db.Exec(ctx, "DELETE FROM iam_apikey WHERE id = $1 AND organization_id IS NULL", id.String())
	if err != nil {
		return wrap(err, domain.TableAPIKey, "delete", id.String())
	}
	if tag.RowsAffected() == 0 {
		return notFound(domain.TableAPIKey, "delete", id.String())
	}
	return nil
}

// Get returns the organization's live key with id. With
// Options.ReplicaURLs it is read from a replica, and from the primary when
// the replica has no such key.
func (r APIKeyRepo) Get(ctx context.Context, id domain.APIKeyID) (domain.APIKey, error) {
	return routed(ctx, r.o.s, r.db, anyError, func(db DB) (domain.APIKey, error) {
		return r.t.get(ctx, db, r.o.id, id.String())
	})
}
