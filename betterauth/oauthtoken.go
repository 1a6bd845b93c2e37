package betterauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Formats of @better-auth/oauth-provider 1.7.5 (with the jwt plugin).
//
//   - JWT access tokens (issued when the client asked for a resource, i.e.
//     the token has an audience): a compact JWS signed by the jwt plugin's
//     current key (kid = the jwks row id, alg = the row's alg: EdDSA by
//     default, or ES256, ES512, PS256, RS256), header typ "at+jwt"
//     (RFC 9068), claims iss (jwt.issuer, else baseURL), sub (the user id,
//     or the client id for client_credentials), aud (the resource, a string
//     or an array), azp and client_id (the client), scope (space-separated),
//     sid (the session, for user tokens), iat, exp, jti, and cnf when the
//     token is DPoP-bound.
//   - Opaque access tokens (issued without a resource, or with
//     disableJwtPlugin): the prefix option prefix.opaqueAccessToken ("" by
//     default) followed by generateRandomString(32, "A-Z", "a-z"), 32
//     letters. The oauthAccessToken row stores HashOAuthToken of the token
//     WITHOUT the prefix (storeTokens: "hashed", the default), with
//     clientId, userId, sessionId, referenceId, resources (the audience),
//     scopes, expiresAt and revoked (a time, set when the session ends;
//     /oauth2/revoke deletes the row instead).
//   - Refresh tokens and authorization codes are hashed the same way; the
//     client secret too (storeClientSecret "hashed", the default with the
//     jwt plugin).

// DefaultOAuthTokenLength is the number of letters [A-Za-z] of an opaque
// access token (and a refresh token) that oauth-provider generates.
const DefaultOAuthTokenLength = 32

// OAuthAccessTokenType is the typ header of oauth-provider's JWT access
// tokens (RFC 9068). id_tokens and the jwt plugin's own session JWTs,
// signed by the same keys, have another typ or none.
const OAuthAccessTokenType = "at+jwt"

// HashOAuthToken returns what oauth-provider stores for a token with
// storeTokens "hashed" (its default): base64url without padding of SHA-256
// of the token's UTF-8 bytes, 43 characters, computed on the token without
// its configured prefix. It is the same function as [HashAPIKey].
func HashOAuthToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// OAuthTokenFormat describes the opaque access tokens one oauth-provider
// configuration issues, so that a malformed one is refused before any
// database work.
type OAuthTokenFormat struct {
	// Prefix is oauthProvider({prefix: {opaqueAccessToken}}); "" by default.
	Prefix string
	// Length is the number of letters after the prefix: 0 means
	// DefaultOAuthTokenLength; a negative value accepts any length from 16
	// to 512 characters of [A-Za-z0-9._~+/=-] (a custom
	// generateOpaqueAccessToken).
	Length int
}

// Hash validates a presented opaque token and returns the value stored in
// oauthAccessToken.token: HashOAuthToken of the token without the prefix.
// Errors are [*TokenError] values for field "access_token" (rules
// "required", "prefix", "length", "alphabet") matching [ErrMalformed]; the
// token is never echoed.
func (f OAuthTokenFormat) Hash(presented string) (string, error) {
	if presented == "" {
		return "", tokenErr("access_token", "required", ErrMalformed)
	}
	rest, ok := strings.CutPrefix(presented, f.Prefix)
	if !ok {
		return "", tokenErr("access_token", "prefix", ErrMalformed)
	}
	if f.Length < 0 {
		if len(rest) < 16 || len(rest) > 512 {
			return "", tokenErr("access_token", "length", ErrMalformed)
		}
		for i := 0; i < len(rest); i++ {
			if !isB64TokenChar(rest[i]) {
				return "", tokenErr("access_token", "alphabet", ErrMalformed)
			}
		}
		return HashOAuthToken(rest), nil
	}
	n := f.Length
	if n == 0 {
		n = DefaultOAuthTokenLength
	}
	if len(rest) != n {
		return "", tokenErr("access_token", "length", ErrMalformed)
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return "", tokenErr("access_token", "alphabet", ErrMalformed)
		}
	}
	return HashOAuthToken(rest), nil
}

// Generate returns f.Prefix followed by DefaultOAuthTokenLength
// (or f.Length) random letters [A-Za-z] from crypto/rand: the shape of the
// opaque access tokens and refresh tokens oauth-provider issues. It is for
// tests and tools that write oauthAccessToken rows the way Better Auth
// does (store HashOAuthToken of the letters, hand out the whole token).
func (f OAuthTokenFormat) Generate() string {
	n := f.Length
	if n <= 0 {
		n = DefaultOAuthTokenLength
	}
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 0, n)
	buf := make([]byte, 64)
	for len(b) < n {
		_, _ = rand.Read(buf)
		for _, c := range buf {
			if c < 208 && len(b) < n { // 208 = 4*52: no bias
				b = append(b, letters[int(c)%52])
			}
		}
	}
	return f.Prefix + string(b)
}

// isB64TokenChar reports whether c may appear in an RFC 6750 b64token.
func isB64TokenChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='
}

// TokenKind tells how an access token was verified.
type TokenKind string

const (
	// TokenJWT is a JWT access token, verified against the JWKS.
	TokenJWT TokenKind = "jwt"
	// TokenOpaque is an opaque access token, found by its hash.
	TokenOpaque TokenKind = "opaque"
)

// AccessToken is a verified OAuth access token: the principal a resource
// server acts for. It never holds the token itself.
type AccessToken struct {
	Kind TokenKind
	// Subject is the sub claim: the user's id, or the client's id for a
	// client_credentials token.
	Subject string
	// UserID is the user the token acts for; "" for a client_credentials
	// (machine to machine) token.
	UserID string
	// ClientID is the OAuth client the token was issued to (azp).
	ClientID string
	// Scopes are the granted scopes, in the token's order.
	Scopes []string
	// Audience is the token's aud (JWT) or resources (opaque).
	Audience []string
	Issuer   string
	// SessionID is the Better Auth session the token was issued in (sid),
	// "" for client_credentials.
	SessionID string
	// ReferenceID is the consent's reference (oauth-provider's
	// postLogin.consentReferenceId, typically an organization): the
	// opaque row's reference_id, or for a JWT the claim named by
	// TokenVerifierConfig.ReferenceIDClaim.
	ReferenceID string
	// OrganizationID is the organization of the token's client, when the
	// database was asked (opaque tokens; JWTs with CheckClient); "" for a
	// client of no organization or when not known.
	OrganizationID string
	IssuedAt       time.Time
	ExpiresAt      time.Time
	// ID is the jti of a JWT or the id of an opaque token's row.
	ID string
	// Claims is the JWT's payload (custom claims); nil for opaque tokens.
	Claims json.RawMessage
}

// HasScope reports whether the token grants scope.
func (t *AccessToken) HasScope(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// RequireScopes returns a [*ScopeError] naming the scopes the token lacks,
// or nil when it grants every one.
func (t *AccessToken) RequireScopes(scopes ...string) error {
	var missing []string
	for _, s := range scopes {
		if !t.HasScope(s) {
			missing = append(missing, s)
		}
	}
	if missing != nil {
		return &ScopeError{Missing: missing}
	}
	return nil
}

// ErrInvalidToken is matched by every refusal of an access token
// ([*TokenError]): RFC 6750's invalid_token. Errors that are not refusals
// (the database is down) do not match it.
var ErrInvalidToken = errors.New("invalid access token")

// The rules an access token can break, beyond [ErrMalformed],
// [ErrInvalidSignature] and [ErrExpired]. Each refusal is a [*TokenError]
// wrapping one of these sentinels.
var (
	// ErrWrongIssuer: the token's iss is not the configured issuer.
	ErrWrongIssuer = errors.New("issued by another issuer")
	// ErrWrongAudience: the token names none of the configured audiences
	// (JWT aud, opaque resources), or none at all.
	ErrWrongAudience = errors.New("not issued for this audience")
	// ErrUnsupportedToken: a JWT that is not an access token (typ other
	// than at+jwt: an id_token, a session JWT of the jwt plugin), or a
	// DPoP-bound token presented as a bearer token.
	ErrUnsupportedToken = errors.New("not a bearer access token")
	// ErrUnknownToken: no access token row has the opaque token's hash
	// (never issued, or revoked through /oauth2/revoke, which deletes it).
	ErrUnknownToken = errors.New("unknown access token")
	// ErrRevoked: the opaque token's row is marked revoked.
	ErrRevoked = errors.New("access token revoked")
	// ErrClientDisabled: the token's client is disabled or gone.
	ErrClientDisabled = errors.New("client disabled")
	// ErrWrongOrganization: the token's client belongs to another
	// organization than the one the verifier serves.
	ErrWrongOrganization = errors.New("client of another organization")
	// ErrSessionEnded: the session the token was issued in is gone or
	// expired.
	ErrSessionEnded = errors.New("session ended")
	// ErrInsufficientScope is matched by every [*ScopeError].
	ErrInsufficientScope = errors.New("insufficient scope")
)

// TokenError refuses an access token: Field names the part ("access_token",
// "access_token.aud", "access_token.header.kid", ...), Rule the rule broken
// ("expired", "accepted_audience", ...) and Err is the sentinel. It matches
// [ErrInvalidToken] and Err with errors.Is. The token is never part of it.
type TokenError struct {
	Field string
	Rule  string
	Err   error
}

// Error implements error: "betterauth: <field>: <rule>: <sentinel>".
func (e *TokenError) Error() string {
	return "betterauth: " + e.Field + ": " + e.Rule + ": " + e.Err.Error()
}

// Unwrap returns the sentinel.
func (e *TokenError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalidToken) true.
func (e *TokenError) Is(target error) bool { return target == ErrInvalidToken }

// Description is "<field>: <rule>", fit for RFC 6750's error_description
// (printable ASCII, no quote or backslash).
func (e *TokenError) Description() string { return e.Field + ": " + e.Rule }

func tokenErr(field, rule string, sentinel error) error {
	return &TokenError{Field: field, Rule: rule, Err: sentinel}
}

// ScopeError reports scopes an operation needs that the token lacks
// (RFC 6750 insufficient_scope).
type ScopeError struct {
	Missing []string
}

// Error implements error.
func (e *ScopeError) Error() string {
	return "betterauth: access_token.scope: missing " + strings.Join(e.Missing, " ") + ": " + ErrInsufficientScope.Error()
}

// Is makes errors.Is(err, ErrInsufficientScope) true.
func (e *ScopeError) Is(target error) bool { return target == ErrInsufficientScope }

// validScope reports whether s is an RFC 6749 scope-token
// (%x21 / %x23-5B / %x5D-7E, at least one).
func validScope(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// parseScopes splits a scope claim as Better Auth's resource verifier does:
// absent means none; present, it must be scope-tokens separated by single
// spaces.
func parseScopes(scope *string) ([]string, bool) {
	if scope == nil {
		return nil, true
	}
	parts := strings.Split(*scope, " ")
	for _, p := range parts {
		if !validScope(p) {
			return nil, false
		}
	}
	return parts, true
}
