package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByUser returns the user's second factor.
func (r TwoFactorRepo) GetByUser(ctx context.Context, userID domain.UserID) (domain.TwoFactor, error) {
	return r.t.getBy(ctx, r.db, "", "user_id = $1", userID.String(), userID.String())
}
