package domain

import "time"

// SubscriptionID is the public id of a Subscription.
type SubscriptionID = ID[Subscription]

// Subscription is a Stripe subscription (iam_subscription, optional tenant).
// ReferenceID is the subscriber Better Auth writes (a user or an organization
// id), so it is plain text; Status is Stripe's free-text status (default
// "incomplete"), not the organization's subscription_status enum.
type Subscription struct {
	Audit[Subscription]
	OrganizationID       *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	Plan                 string          `db:"plan" json:"plan"`
	ReferenceID          string          `db:"reference_id" json:"referenceId"`
	StripeCustomerID     *string         `db:"stripe_customer_id" json:"stripeCustomerId,omitempty"`
	StripeSubscriptionID *string         `db:"stripe_subscription_id" json:"stripeSubscriptionId,omitempty"`
	Status               string          `db:"status" json:"status"`
	PeriodStart          *time.Time      `db:"period_start" json:"periodStart,omitempty"`
	PeriodEnd            *time.Time      `db:"period_end" json:"periodEnd,omitempty"`
	TrialStart           *time.Time      `db:"trial_start" json:"trialStart,omitempty"`
	TrialEnd             *time.Time      `db:"trial_end" json:"trialEnd,omitempty"`
	CancelAtPeriodEnd    bool            `db:"cancel_at_period_end" json:"cancelAtPeriodEnd"`
	CancelAt             *time.Time      `db:"cancel_at" json:"cancelAt,omitempty"`
	CanceledAt           *time.Time      `db:"canceled_at" json:"canceledAt,omitempty"`
	EndedAt              *time.Time      `db:"ended_at" json:"endedAt,omitempty"`
	Seats                *int32          `db:"seats" json:"seats,omitempty"`
	BillingInterval      *string         `db:"billing_interval" json:"billingInterval,omitempty"`
	StripeScheduleID     *string         `db:"stripe_schedule_id" json:"stripeScheduleId,omitempty"`
}

// TableName implements Entity.
func (Subscription) TableName() string { return TableSubscription }
