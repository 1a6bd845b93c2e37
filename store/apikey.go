package store

import (
	"context"

	"github.com/beep/iam/domain"
)

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
	tag, err := r.db.Exec(ctx, "UPDATE "+domain.TableAPIKey+" SET enabled = $2 WHERE id = $1 AND organization_id IS NULL", id.String(), enabled)
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
	tag, err := r.db.Exec(ctx, "DELETE FROM "+domain.TableAPIKey+" WHERE id = $1 AND organization_id IS NULL", id.String())
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
