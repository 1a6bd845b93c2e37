package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByProviderID returns the SCIM provider with providerID.
func (r SCIMProviderRepo) GetByProviderID(ctx context.Context, providerID string) (domain.SCIMProvider, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "provider_id = $1", providerID, providerID)
}
