package store

// The natural-key finders of the tables of migration 0005 (Better Auth
// 1.7's oauth-provider and scim; the repositories are generated into
// repos_gen.go). Refresh tokens and
// client-resource links belong to their client's organization; resources
// and every SCIM table are global (no SCIM row carries an organization).
// The SCIM rows are Better Auth's to write (inside its SCIM lifecycle): Go
// reads, reports and purges them. Client assertions (a replay cache whose
// ids Better Auth writes, not typed ids) are purged by
// PurgeExpiredOAuthClientAssertions.

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
)

// ListByUser returns one page of the user's refresh tokens issued to the
// organization's clients.
func (r OAuthRefreshTokenRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.OAuthRefreshToken, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "user_id = $1", userID.String())
}

// ListByClient returns one page of the client's resource links.
func (r OAuthClientResourceRepo) ListByClient(ctx context.Context, clientID string, page Page) ([]domain.OAuthClientResource, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "client_id = $1", clientID)
}

// GetByIdentifier returns the resource whose RFC 8707 identifier is identifier.
func (r OAuthResourceRepo) GetByIdentifier(ctx context.Context, identifier string) (domain.OAuthResource, error) {
	return r.t.getBy(ctx, r.db, "", "identifier = $1", identifier, identifier)
}

// ListByUser returns one page of the SCIM users (one per connection)
// provisioned for userID.
func (r SCIMUserRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.SCIMUser, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}

// ListByConnection returns one page of a connection's SCIM users.
func (r SCIMUserRepo) ListByConnection(ctx context.Context, connectionID string, page Page) ([]domain.SCIMUser, string, error) {
	return r.t.list(ctx, r.db, "", page, "connection_id = $1", connectionID)
}

// ListByConnection returns one page of a connection's SCIM groups.
func (r SCIMGroupRepo) ListByConnection(ctx context.Context, connectionID string, page Page) ([]domain.SCIMGroup, string, error) {
	return r.t.list(ctx, r.db, "", page, "connection_id = $1", connectionID)
}

// ListByGroup returns one page of a SCIM group's members.
func (r SCIMGroupMemberRepo) ListByGroup(ctx context.Context, groupID domain.SCIMGroupID, page Page) ([]domain.SCIMGroupMember, string, error) {
	return r.t.list(ctx, r.db, "", page, "group_id = $1", groupID.String())
}

// PurgeExpiredOAuthClientAssertions deletes the used client assertions
// that expired before now (Better Auth 1.7.5 prunes none itself) and
// reports how many.
func (s *Store) PurgeExpiredOAuthClientAssertions(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, "DELETE FROM "+domain.TableOAuthClientAssertion+" WHERE expires_at < $1", now)
	if err != nil {
		return 0, wrap(err, domain.TableOAuthClientAssertion, "purge", "")
	}
	return tag.RowsAffected(), nil
}
