package domain

import (
	"strings"
)

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
