package betterauth

import "errors"

// ErrMalformed is matched by every error about input that does not have the
// shape of the expected format: a cookie without a signature, a password hash
// without a colon, ciphertext that is not hex, and so on.
var ErrMalformed = errors.New("malformed input")

// ErrInvalidSignature means the input is well formed but its HMAC or JWT
// signature does not verify with the configured secret or keys.
var ErrInvalidSignature = errors.New("invalid signature")

// ErrExpired means a signed value verified but is past its expiry (a cookie
// cache, the session inside it, or a JWT).
var ErrExpired = errors.New("expired")

// ErrWrongSecret means a ciphertext is well formed but does not decrypt with
// the secret configured for it: it was written with another secret, or it was
// tampered with.
var ErrWrongSecret = errors.New("ciphertext does not decrypt with the configured secret")

// ErrUnknownSecretVersion means a "$ba$<version>$" envelope names a secret
// version that is not in the rotation list (it was retired), or a bare-hex
// value needs the legacy secret and none is configured.
var ErrUnknownSecretVersion = errors.New("secret version not configured")

// ErrNoCredentials means a request carries neither a session cookie nor a
// bearer token (or a cookie cache, for the cookie-cache functions).
var ErrNoCredentials = errors.New("no credentials in request")

// ErrInvalidAPIKey means no API key row has the presented key's hash
// (Better Auth's 401 INVALID_API_KEY); [VerifyAPIKey] returns it when the
// store finds no row.
var ErrInvalidAPIKey = errors.New("invalid API key")

// ErrConfig is matched by every error from [New] about an unusable [Config].
var ErrConfig = errors.New("invalid betterauth config")

// InputError is a typed error for input that breaks one rule. Field names the
// input ("session_token", "password_hash", "api_key", ...), Rule is a short,
// stable identifier of the rule ("signature_length", "hex", "prefix", ...)
// and Err is the sentinel it matches with errors.Is. The offending value is
// never part of the error: it may be a secret.
type InputError struct {
	Field string
	Rule  string
	Err   error
}

// Error implements error: "betterauth: <field>: <rule>: <sentinel>".
func (e *InputError) Error() string {
	return "betterauth: " + e.Field + ": " + e.Rule + ": " + e.Err.Error()
}

// Unwrap returns the sentinel error.
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(field, rule string, sentinel error) error {
	return &InputError{Field: field, Rule: rule, Err: sentinel}
}
