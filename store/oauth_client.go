package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByClientID returns the OAuth client with clientID.
func (r OAuthClientRepo) GetByClientID(ctx context.Context, clientID string) (domain.OAuthClient, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "client_id = $1", clientID, clientID)
}
