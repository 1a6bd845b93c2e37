package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// ListByUser returns one page of the user's consents in the organization.
func (r OAuthConsentRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.OAuthConsent, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "user_id = $1", userID.String())
}
