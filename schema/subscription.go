package schema

import "github.com/beep/iam/domain"

// Subscription is iam_subscription, a Stripe subscription of a user or an
// organization. Better Auth writes reference_id; a trigger fills
// organization_id from it.
var Subscription = NewOrgTable(domain.TableSubscription,
	Derived(ColOrganizationID, "from a shared_organization__ reference_id by trigger iam_subscription_derive_org"),
	Text("plan").Required().BA("plan"),
	Text("reference_id").Required().BA("referenceId").
		DerivedBy("organization_id by trigger iam_subscription_derive_org").
		Describe("owner: a shared_user__ or shared_organization__ id"),
	Text("stripe_customer_id").BA("stripeCustomerId"),
	Text("stripe_subscription_id").BA("stripeSubscriptionId"),
	Text("status").Required().DefaultText("incomplete").BA("status").Describe("Stripe status, free text"),
	Timestamptz("period_start").BA("periodStart"),
	Timestamptz("period_end").BA("periodEnd"),
	Timestamptz("trial_start").BA("trialStart"),
	Timestamptz("trial_end").BA("trialEnd"),
	Bool("cancel_at_period_end").Required().DefaultBool(false).BA("cancelAtPeriodEnd"),
	Timestamptz("cancel_at").BA("cancelAt"),
	Timestamptz("canceled_at").BA("canceledAt"),
	Timestamptz("ended_at").BA("endedAt"),
	Int("seats").BA("seats"),
	Text("billing_interval").BA("billingInterval"),
	Text("stripe_schedule_id").BA("stripeScheduleId"),

	Idx("subscription_reference_id_idx", "reference_id"),
	Idx("subscription_stripe_subscription_id_idx", "stripe_subscription_id"),
	Chk("subscription_seats_check", "((seats IS NULL) OR (seats >= 0))"),
	NewTrigger("iam_subscription_derive_org", "BEFORE", subscriptionOwner.Name, "INSERT", "UPDATE"),

	One("organization", domain.TableOrganization, ColOrganizationID),
).OptionalTenant().Model("subscription").Describe("Stripe subscriptions (Better Auth subscription).")
