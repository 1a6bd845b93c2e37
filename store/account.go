package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByProviderAccount returns the account of provider providerID with the
// provider's account id ("credential" accounts use the user id).
func (r AccountRepo) GetByProviderAccount(ctx context.Context, providerID, accountID string) (domain.Account, error) {
	return r.t.getBy(ctx, r.db, "", "provider_id = $1 AND account_id = $2", providerID+"/"+accountID, providerID, accountID)
}

// ListByUser returns the user's live accounts.
func (r AccountRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.Account, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}
