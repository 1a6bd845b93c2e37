package domain

import (
	"io"
	"strings"
	"time"
)

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

// DefaultSubscriptionStatus is the status of a subscription Stripe has not
// confirmed yet.
const DefaultSubscriptionStatus = "incomplete"

// Validate checks every rule of a subscription row and reports all failures.
func (s Subscription) Validate() error {
	v := NewValidator(TableSubscription)
	v.text("plan", s.Plan, 1, MaxNameLength)
	v.refOwner("referenceId", s.ReferenceID)
	if s.OrganizationID != nil && strings.HasPrefix(s.ReferenceID, TableOrganization+IDSeparator) {
		v.Check(s.OrganizationID.String() == s.ReferenceID, "organizationId", "reference",
			"organizationId must equal referenceId when the subscriber is an organization")
	}
	v.optText("stripeCustomerId", s.StripeCustomerID, MaxNameLength)
	v.optText("stripeSubscriptionId", s.StripeSubscriptionID, MaxNameLength)
	v.text("status", s.Status, 1, 64)
	v.notBefore("periodEnd", s.PeriodEnd, s.PeriodStart, "periodStart")
	v.notBefore("trialEnd", s.TrialEnd, s.TrialStart, "trialStart")
	v.optNonNegative("seats", s.Seats)
	v.optText("billingInterval", s.BillingInterval, 32)
	v.optText("stripeScheduleId", s.StripeScheduleID, MaxNameLength)
	return v.Err()
}

// SubscriptionParams is the input that creates a Subscription. ReferenceID
// is the subscriber, a user or an organization id; the tenant is set from it.
type SubscriptionParams struct {
	Plan                 string     `json:"plan"`
	ReferenceID          string     `json:"referenceId"`
	StripeCustomerID     *string    `json:"stripeCustomerId"`
	StripeSubscriptionID *string    `json:"stripeSubscriptionId"`
	Status               *string    `json:"status"` // default "incomplete"
	PeriodStart          *time.Time `json:"periodStart"`
	PeriodEnd            *time.Time `json:"periodEnd"`
	TrialStart           *time.Time `json:"trialStart"`
	TrialEnd             *time.Time `json:"trialEnd"`
	Seats                *int32     `json:"seats"`
	BillingInterval      *string    `json:"billingInterval"`
}

// NewSubscription validates p and returns a new subscription, status
// "incomplete" unless given and not canceling at period end.
func NewSubscription(p SubscriptionParams) (Subscription, error) {
	s := Subscription{
		Audit:                NewAudit[Subscription](),
		Plan:                 strings.TrimSpace(p.Plan),
		ReferenceID:          strings.TrimSpace(p.ReferenceID),
		StripeCustomerID:     p.StripeCustomerID,
		StripeSubscriptionID: p.StripeSubscriptionID,
		Status:               or(p.Status, DefaultSubscriptionStatus),
		PeriodStart:          p.PeriodStart,
		PeriodEnd:            p.PeriodEnd,
		TrialStart:           p.TrialStart,
		TrialEnd:             p.TrialEnd,
		Seats:                p.Seats,
		BillingInterval:      p.BillingInterval,
	}
	if id, err := ParseID[Organization](s.ReferenceID); err == nil {
		s.OrganizationID = &id
	}
	if err := s.Validate(); err != nil {
		return Subscription{}, err
	}
	return s, nil
}

// DecodeSubscriptionParams decodes and validates a JSON SubscriptionParams.
func DecodeSubscriptionParams(r io.Reader) (SubscriptionParams, error) {
	return decodeParams(TableSubscription, r, NewSubscription)
}

// SubscriptionPatch lists what an update of a subscription may change (what
// Stripe webhooks report).
type SubscriptionPatch struct {
	Plan                 *string    `json:"plan"`
	StripeCustomerID     *string    `json:"stripeCustomerId"`
	StripeSubscriptionID *string    `json:"stripeSubscriptionId"`
	Status               *string    `json:"status"`
	PeriodStart          *time.Time `json:"periodStart"`
	PeriodEnd            *time.Time `json:"periodEnd"`
	TrialStart           *time.Time `json:"trialStart"`
	TrialEnd             *time.Time `json:"trialEnd"`
	CancelAtPeriodEnd    *bool      `json:"cancelAtPeriodEnd"`
	CancelAt             *time.Time `json:"cancelAt"`
	CanceledAt           *time.Time `json:"canceledAt"`
	EndedAt              *time.Time `json:"endedAt"`
	Seats                *int32     `json:"seats"`
	BillingInterval      *string    `json:"billingInterval"`
	StripeScheduleID     *string    `json:"stripeScheduleId"`
}

// Apply applies the patch to s when the result is valid; on error s is
// unchanged.
func (p SubscriptionPatch) Apply(s *Subscription) error {
	next := *s
	set(&next.Plan, trimPtr(p.Plan))
	setOpt(&next.StripeCustomerID, p.StripeCustomerID)
	setOpt(&next.StripeSubscriptionID, p.StripeSubscriptionID)
	set(&next.Status, p.Status)
	setOpt(&next.PeriodStart, p.PeriodStart)
	setOpt(&next.PeriodEnd, p.PeriodEnd)
	setOpt(&next.TrialStart, p.TrialStart)
	setOpt(&next.TrialEnd, p.TrialEnd)
	set(&next.CancelAtPeriodEnd, p.CancelAtPeriodEnd)
	setOpt(&next.CancelAt, p.CancelAt)
	setOpt(&next.CanceledAt, p.CanceledAt)
	setOpt(&next.EndedAt, p.EndedAt)
	setOpt(&next.Seats, p.Seats)
	setOpt(&next.BillingInterval, p.BillingInterval)
	setOpt(&next.StripeScheduleID, p.StripeScheduleID)
	if err := next.Validate(); err != nil {
		return err
	}
	*s = next
	return nil
}
