package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByProviderID returns the SSO provider with providerID.
func (r SSOProviderRepo) GetByProviderID(ctx context.Context, providerID string) (domain.SSOProvider, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "provider_id = $1", providerID, providerID)
}
