// Package betterauth lets a Go service share a PostgreSQL database with a
// Better Auth (TypeScript) server: it reads and writes the formats Better Auth
// stores and sends, byte for byte.
//
//	domain  ->  schema  ->  migrate
//	   \           \          |
//	    `---------> store <---'        betterauth -> store
//	                  ^
//	               cmd/iam
//
// betterauth sits on top of store: the parts that need the database are the
// store's single statements — [Auth.Authenticate] verifies the cookie or
// bearer token and calls store.LookupSession (session, user and active
// membership in one round trip); [VerifyAPIKey] checks the key's format and
// calls store.VerifyAPIKey (one conditional UPDATE ... RETURNING, one
// commit). Everything else in this package needs no database, is pure Go and
// is tested without one:
//
//   - the signed session cookie and bearer token (HMAC-SHA256, better-call's
//     format): [Auth.SessionToken], [Auth.VerifySignedValue],
//     [Auth.SignCookieValue];
//   - the compact cookie cache ("session_data"): [Auth.VerifyCookieCache];
//   - scrypt password hashes: [HashPassword], [VerifyPassword], and
//     [PasswordHasher], which bounds how many run at once (each takes
//     ~32 MiB) and lets a waiting call give up with its context;
//   - API keys: [GenerateAPIKey], [HashAPIKey], [APIKeyFormat], and the
//     verification semantics as a pure reference function, [EvaluateAPIKey],
//     which the store's single SQL statement is cross-checked against;
//   - symmetric encryption with XChaCha20-Poly1305 and "$ba$<version>$"
//     envelopes for secret rotation: [Auth.Encrypt], [Auth.Decrypt];
//   - two-factor: [Auth.DecryptTOTPSecret], [Auth.DecryptBackupCodes],
//     [VerifyTOTP], [GenerateTOTP];
//   - the JWT plugin's JWKS rows: [ParseJWKSRow], [BuildJWKS], [VerifyJWT].
//
// # Errors
//
// Every failure wraps one of the sentinel errors ([ErrMalformed],
// [ErrInvalidSignature], [ErrExpired], [ErrWrongSecret],
// [ErrUnknownSecretVersion], [ErrNoCredentials], [ErrInvalidAPIKey],
// [ErrConfig]) so callers use errors.Is.
// Input errors are [*InputError] values naming the field and the rule.
// No error string ever contains a secret, a token, a key or a password, and
// no function panics on any input: every parser is fuzzed.
//
// # API key verification
//
// [APIKeyPolicy.Evaluate] documents, step by step, what verifying a key does
// to its row in Better Auth (enabled, expiry with delete, remaining with
// refill, the rate-limit window measured from the last request). It is the
// reference the store's single SQL statement is tested against: run both on
// the same rows and times and compare decision and row.
//
// # Formats
//
// The formats are Better Auth 1.7's (better-auth 1.7.25, better-call 1.4,
// @better-auth/api-key 1.7.5); fixtures captured from a live server are in
// testdata/.
package betterauth
