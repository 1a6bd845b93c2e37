// Package domain is the bottom layer of iam: one Go type per entity of the IAM
// slice, with its validation, defaults and variants (what a new row needs,
// what an update may change), typed ids, enums with their value lists, roles,
// the Secret type that never prints, and the audit fields every entity shares.
//
// It is pure Go and imports no database package. The schema package takes its
// enum value lists and table names from here; the store and betterauth
// packages read and write these types.
//
//	domain  ->  schema  ->  migrate
//	   \           \          |
//	    `---------> store <---'        betterauth -> store
//
// # Entities
//
// Each of the 25 entities (AllEntities) lives in its own file: the struct,
// its TableName, its id alias (UserID = ID[User], ...), and
//
//   - Validate, which checks every rule of a row and reports all failures in
//     one *ValidationError (field = JSON name, rule = stable identifier);
//   - XxxParams and NewXxx, which build a new row: a fresh UUIDv7 id, version
//     1, the defaults of the seed and of Better Auth (member role member and
//     status active, invitation and device code pending, API key enabled and
//     rate limited to 10 requests per 86 400 000 ms with config "default",
//     organization individual/free/active, user role user, booleans false),
//     then Validate;
//   - XxxPatch and its Apply method, which change only what an update may
//     change and only when the result is valid (on error the row is unchanged);
//   - DecodeXxxParams, which reads JSON input strictly (DecodeJSON: unknown
//     and duplicate keys rejected, type errors reported under the field's
//     name, at most MaxJSONInput bytes, never a panic) and then validates it.
//
// Every struct field has a `db:"<column>"` tag naming its column exactly and a
// `json:"<camelCase>"` tag (the Better Auth field name where there is one) or
// `json:"-"`. The embedded Audit[E] has no tag: its fields are inlined, as
// encoding/json and pgx do with embedded structs.
//
// # Optional values
//
// A field that may be absent is a pointer (*string, *time.Time, *Secret,
// *UserID, ...) everywhere: nil is "absent" in Go, NULL in Postgres and omitted
// in JSON. A jsonb column is a json.RawMessage (nil = NULL); JSON stored as
// text (metadata, permissions, oidc_config, ...) is a *string. Nullability
// follows the seed for its columns and Better Auth for its fields, with these
// decisions: a column Better Auth requires and always writes is required even
// where the seed left it nullable (rate_limit, the three oauth tables,
// sso_provider.user_id) because Better Auth reads it without a null check; a
// seed NOT NULL column Better Auth never writes is optional
// (shared_team.slug, iam_apikey.user_id, iam_passkey.name) or has a database
// default; shared_organization.owner_user_id and
// shared_session.active_organization_id are optional (schema.md §3).
//
// # References
//
// A column that always references one table is a typed id (UserID,
// *TeamID, ...): a member id cannot be passed where a user id is expected
// (it does not compile), and Scan rejects another table's id. A column that
// may reference a user or an organization (apikey.reference_id,
// subscription.reference_id) or holds several ids (invitation.team_id,
// comma-separated) is plain text, validated by the entity.
//
// # Roles
//
// member.role, invitation.role and user.role are Roles: comma-separated role
// names, text in Postgres. A member's or an invitation's roles are checked
// by form here (ParseOrganizationRoles: owner, admin, member or well-formed
// custom role names, each once); whether a custom name is a role of the
// organization only the database knows, so the store checks it against the
// organization's iam_organization_role rows in the transaction that writes
// the row. ParseMemberRoles checks against a list the caller holds;
// ParseUserRoles accepts admin and user.
//
// # Secrets and the two JSON views
//
// Every secret field has type Secret or *Secret, so no fmt verb, slog handler,
// JSON encoder or error message can print it (TestSecrets_NeverAppearInJSONFmtOrSlog
// checks all 25 entities). Reveal returns the value where it is used. Secret
// fields come in two JSON views:
//
//   - left out entirely (`json:"-"`): credentials a client must never receive,
//     even redacted, because holding them is holding access — the session
//     token, the account password hash, TOTP secrets and backup codes, passkey
//     credential ids and public keys (as in the seed), API key hashes,
//     verification values, the JWKS private key, device and user codes, SCIM
//     tokens, the OAuth client secret and OAuth access and refresh tokens;
//   - present but redacted ("[REDACTED]"): values whose presence the client
//     may need to see but not their content — an account's OAuth provider
//     tokens (access, refresh, id token: the UI shows which are linked) and a
//     session's IP address and user agent (personal data the seed marked
//     sensitive; the session list shows that they were recorded).
//
// Deliberately not secrets: user email and phone number and invitation email
// (personal data the API returns and the store looks rows up by; the seed's
// Redacted/Sensitive wrappers on them only hid them from logs), and the JWKS
// public key (published at the JWKS endpoint). Stripe ids, SSO configurations
// and OAuth client ids are identifiers, not credentials.
//
// A stored password hash is an opaque Secret: the plain-password strength
// rules (ValidatePassword: 8 to 128 characters, upper, lower, digit, special)
// apply at the moment a plain password enters the system, never to the hash
// (the seed applied them to the hash column, a bug).
package domain
