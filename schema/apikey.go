package schema

import "github.com/beep/iam/domain"

// apikeyByHash admits the key whose hash is in app.apikey_hash.
var apikeyByHash = "(key = NULLIF(current_setting('" + APIKeyHashSetting + "'::text, true), ''::text))"

// APIKey is iam_apikey. Better Auth writes reference_id (the owner's id); a
// trigger fills user_id or organization_id from it, and reference_id from
// them when Go leaves it out.
var APIKey = NewOrgTable(domain.TableAPIKey,
	OmitParam(ColOrganizationID),
	Derived(ColOrganizationID, "from a shared_organization__ reference_id by trigger iam_apikey_derive_owner"),
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("config_id").Required().DefaultText("default").BA("configId").ParamDefault("default \"default\""),
	Text("name").BA("name").Input().Norm(NormTrim),
	Text("start").BA("start").Param(),
	Text("prefix").BA("prefix").Param(),
	Text("key").Required().BA("key").Describe("base64url(SHA-256(full key))").Secret().Param(),
	Text("reference_id").Required().BA("referenceId").
		DerivedBy("COALESCE(organization_id, user_id) by trigger iam_apikey_derive_owner").
		Describe("owner: a shared_user__ or shared_organization__ id").Param(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).
		DerivedBy("from a shared_user__ reference_id by trigger iam_apikey_derive_owner"),
	Int("refill_interval").BA("refillInterval").GoComment("ms").Input(),
	Int("refill_amount").BA("refillAmount").Input(),
	Timestamptz("last_refill_at").BA("lastRefillAt").Patch(),
	Bool("enabled").Required().DefaultBool(true).BA("enabled").ParamDefault("default true").Patch(),
	Bool("rate_limit_enabled").Required().DefaultBool(true).BA("rateLimitEnabled").
		ParamDefault("default true").Patch(),
	Int("rate_limit_time_window").Required().DefaultInt(86400000).BA("rateLimitTimeWindow").Describe("milliseconds").
		GoComment("ms").ParamDefault("default 86400000 ms").Patch(),
	Int("rate_limit_max").Required().DefaultInt(10).BA("rateLimitMax").ParamDefault("default 10").Patch(),
	Int("request_count").DefaultInt(0).BA("requestCount").Patch(),
	Int("remaining").BA("remaining").Input(),
	Timestamptz("last_request").BA("lastRequest").Patch(),
	Timestamptz("expires_at").BA("expiresAt").Input(),
	Text("permissions").BA("permissions").Describe("JSON text written by Better Auth").
		GoComment("JSON as text").Input(),
	Text("metadata").BA("metadata").Describe("JSON text written by Better Auth").
		GoComment("JSON as text").Input(),

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
).OptionalTenant().Model("apikey").GoName("APIKey").Describe("API keys of a user or an organization (Better Auth apikey).").
	GoDoc("is an API key (iam_apikey, optional tenant). Key is the hash of the key (base64url SHA-256), a secret left out of JSON; Start and Prefix are the displayable beginning of the key.\n\nReferenceID is the owner Better Auth writes: a user id or an organization id, so it is plain text. UserID (the seed's column) and OrganizationID are nullable because Better Auth does not write them; the Go store sets the one that matches the owner.").
	GoInputDocs("is the input that creates an APIKey. Key is the hash of the key, never the key itself. ReferenceID is the owner: a user or an organization id; UserID or OrganizationID is derived from it.", "lists what an update of an API key may change.")
