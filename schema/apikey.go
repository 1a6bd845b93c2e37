package schema

import "github.com/beep/iam/domain"

// apikeyByHash admits the key whose hash is in app.apikey_hash.
var apikeyByHash = "(key = NULLIF(current_setting('" + APIKeyHashSetting + "'::text, true), ''::text))"

// APIKey is iam_apikey. Better Auth writes reference_id (the owner's id); a
// trigger fills user_id or organization_id from it, and reference_id from
// them when Go leaves it out.
var APIKey = NewOrgTable(domain.TableAPIKey,
	Derived(ColOrganizationID, "from a shared_organization__ reference_id by trigger iam_apikey_derive_owner"),
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("config_id").Required().DefaultText("default").BA("configId"),
	Text("name").BA("name"),
	Text("start").BA("start"),
	Text("prefix").BA("prefix"),
	Text("key").Required().BA("key").Describe("base64url(SHA-256(full key))"),
	Text("reference_id").Required().BA("referenceId").
		DerivedBy("COALESCE(organization_id, user_id) by trigger iam_apikey_derive_owner").
		Describe("owner: a shared_user__ or shared_organization__ id"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).
		DerivedBy("from a shared_user__ reference_id by trigger iam_apikey_derive_owner"),
	Int("refill_interval").BA("refillInterval"),
	Int("refill_amount").BA("refillAmount"),
	Timestamptz("last_refill_at").BA("lastRefillAt"),
	Bool("enabled").Required().DefaultBool(true).BA("enabled"),
	Bool("rate_limit_enabled").Required().DefaultBool(true).BA("rateLimitEnabled"),
	Int("rate_limit_time_window").Required().DefaultInt(86400000).BA("rateLimitTimeWindow").Describe("milliseconds"),
	Int("rate_limit_max").Required().DefaultInt(10).BA("rateLimitMax"),
	Int("request_count").DefaultInt(0).BA("requestCount"),
	Int("remaining").BA("remaining"),
	Timestamptz("last_request").BA("lastRequest"),
	Timestamptz("expires_at").BA("expiresAt"),
	Text("permissions").BA("permissions").Describe("JSON text written by Better Auth"),
	Text("metadata").BA("metadata").Describe("JSON text written by Better Auth"),

	Chk("apikey_request_count_non_negative_check", "((request_count IS NULL) OR (request_count >= 0))"),
	Chk("apikey_refill_amount_non_negative_check", "((refill_amount IS NULL) OR (refill_amount >= 0))"),
	Chk("apikey_rate_limit_time_window_positive_check", "((rate_limit_time_window IS NULL) OR (rate_limit_time_window > 0))"),
	Chk("apikey_rate_limit_max_positive_check", "((rate_limit_max IS NULL) OR (rate_limit_max > 0))"),
	Chk("apikey_remaining_non_negative_check", "((remaining IS NULL) OR (remaining >= 0))"),
	UniqueIdx("apikey_key_unique_idx", "key"),
	Idx("apikey_reference_id_idx", "reference_id"),
	Idx("apikey_user_id_idx", "user_id"),
	Idx("apikey_config_id_idx", "config_id"),
	// Split by event so that verifying a key (an UPDATE of its counters)
	// costs no PL/pgSQL call for the owner rule.
	NewTrigger("iam_apikey_derive_owner", "BEFORE", apikeyOwner.Name, "INSERT"),
	NewTrigger("iam_apikey_derive_owner_on_update", "BEFORE", apikeyOwner.Name, "UPDATE").
		OnlyWhen(Changed("reference_id", ColOrganizationID, "user_id")),
	// Verification happens before any tenant is known: the verifier names
	// the key by its hash in app.apikey_hash for the transaction, and these
	// policies admit that one row for reading, the counters update and the
	// delete of an expired key. No INSERT: a hash in the setting never lets
	// a row in.
	ExtraPolicy("apikey_verify_select", "SELECT", apikeyByHash, ""),
	ExtraPolicy("apikey_verify_update", "UPDATE", apikeyByHash, apikeyByHash),
	ExtraPolicy("apikey_verify_delete", "DELETE", apikeyByHash, ""),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("apikey").GoName("APIKey").Describe("API keys of a user or an organization (Better Auth apikey).")
