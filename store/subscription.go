package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByStripeSubscriptionID returns the subscription with the Stripe id.
func (r SubscriptionRepo) GetByStripeSubscriptionID(ctx context.Context, id string) (domain.Subscription, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "stripe_subscription_id = $1", id, id)
}
