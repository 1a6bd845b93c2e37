// Package domain is the bottom layer of iam: one Go type per entity of the IAM
// slice, with its validation, defaults and variants (what a new row needs,
// what an update may change), typed ids, enums with their value lists, the
// Secret type that never prints, and the audit fields every entity shares.
//
// It is pure Go and imports no database package. The schema package takes its
// enum value lists and table names from here; the store and betterauth
// packages read and write these types.
//
//	domain  ->  schema  ->  migrate
//	   \           \          |
//	    `---------> store <---'        betterauth -> store
//
// # Optional values
//
// A field that may be absent is a pointer (*string, *time.Time, *Secret, ...)
// everywhere: nil is "absent" in Go, NULL in Postgres and omitted in JSON.
//
// # Secrets and the two JSON views
//
// Secret fields come in two kinds, as in the seed:
//
//   - left out of API JSON entirely (`json:"-"`): values that are useless or
//     dangerous to a client even redacted — session tokens, password hashes,
//     TOTP secrets, backup codes, passkey credentials, device and user codes,
//     API key hashes, verification values, JWKS private keys, SCIM tokens,
//     OAuth client secrets and tokens;
//   - present but redacted: the field appears with the value "[REDACTED]" so a
//     client can see that it is set (account OAuth tokens, the JWKS public key
//     slot).
//
// Every secret field has type Secret or *Secret whatever its view, so even a
// field that is present in JSON can never leak: Secret marshals as the marker.
package domain
