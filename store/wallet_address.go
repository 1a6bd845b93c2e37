package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// ListByUser returns the user's wallet addresses.
func (r WalletAddressRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.WalletAddress, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}
