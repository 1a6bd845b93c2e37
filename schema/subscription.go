package schema

import "github.com/beep/iam/domain"

// Subscription is iam_subscription, a Stripe subscription of a user or an
// organization. Better Auth writes reference_id; a trigger fills
// organization_id from it.
var Subscription = NewOrgTable(domain.TableSubscription,
	OmitParam(ColOrganizationID),
	Derived(ColOrganizationID, "from a shared_organization__ reference_id by trigger iam_subscription_derive_org"),
	Text("plan").Required().BA("plan").Input().Norm(NormTrim),
	Text("reference_id").Required().BA("referenceId").
		DerivedBy("organization_id by trigger iam_subscription_derive_org").
		Describe("owner: a shared_user__ or shared_organization__ id").Param(),
	Text("stripe_customer_id").BA("stripeCustomerId").Input(),
	Text("stripe_subscription_id").BA("stripeSubscriptionId").Input(),
	Text("status").Required().DefaultText("incomplete").BA("status").Describe("Stripe status, free text").
		ParamDefault("default \"incomplete\"").Patch(),
	Timestamptz("period_start").BA("periodStart").Input(),
	Timestamptz("period_end").BA("periodEnd").Input(),
	Timestamptz("trial_start").BA("trialStart").Input(),
	Timestamptz("trial_end").BA("trialEnd").Input(),
	Bool("cancel_at_period_end").Required().DefaultBool(false).BA("cancelAtPeriodEnd").Patch(),
	Timestamptz("cancel_at").BA("cancelAt").Patch(),
	Timestamptz("canceled_at").BA("canceledAt").Patch(),
	Timestamptz("ended_at").BA("endedAt").Patch(),
	Int("seats").BA("seats").Input(),
	Text("billing_interval").BA("billingInterval").Input(),
	Text("stripe_schedule_id").BA("stripeScheduleId").Patch(),

	Idx("subscription_reference_id_idx", "reference_id"),
	Idx("subscription_stripe_subscription_id_idx", "stripe_subscription_id"),
	Chk("subscription_seats_check", "((seats IS NULL) OR (seats >= 0))"),
	NewTrigger("iam_subscription_derive_org", "BEFORE", subscriptionOwner.Name, "INSERT", "UPDATE"),

	One("organization", domain.TableOrganization, ColOrganizationID),
).OptionalTenant().Model("subscription").Describe("Stripe subscriptions (Better Auth subscription).").
	GoDoc("is a Stripe subscription (iam_subscription, optional tenant). ReferenceID is the subscriber Better Auth writes (a user or an organization id), so it is plain text; Status is Stripe's free-text status (default \"incomplete\"), not the organization's subscription_status enum.").
	GoInputDocs("is the input that creates a Subscription. ReferenceID is the subscriber, a user or an organization id; the tenant is set from it.", "lists what an update of a subscription may change (what Stripe webhooks report).")
