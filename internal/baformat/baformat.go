// Package baformat holds the formats of Better Auth's secrets that both
// store and betterauth produce or check, written once: the stored hash of
// API keys (and of oauth-provider's hashed tokens), and the random strings
// Better Auth generates for session tokens and API keys.
//
// It is internal: the public names are store.HashAPIKey,
// store.GenerateAPIKey, betterauth.HashAPIKey, betterauth.GenerateAPIKey,
// betterauth.APIKeyStart and the length constants, all of which use this
// package.
package baformat

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Alphabets of Better Auth's generators (createRandomStringGenerator).
const (
	// Letters is "a-z", "A-Z": API keys and oauth-provider's opaque tokens.
	Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	// Alphanumeric is "a-z", "A-Z", "0-9": generateId, session tokens.
	Alphanumeric = Letters + "0123456789"
)

// Lengths of @better-auth/api-key 1.7 and of Better Auth's session tokens.
const (
	// APIKeyLength is the number of random letters after an API key's
	// prefix (defaultKeyLength).
	APIKeyLength = 64
	// APIKeyStartLength is how many leading characters of a full key,
	// prefix included, Better Auth stores in apikey.start.
	APIKeyStartLength = 6
	// SessionTokenLength is the length of session.token (generateId(32)).
	SessionTokenLength = 32
)

// Hash returns base64url without padding of SHA-256 of s's UTF-8 bytes (43
// characters): what Better Auth stores in apikey.key for a full key, and
// what oauth-provider stores for a token with storeTokens "hashed".
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Random returns n characters drawn uniformly and independently from
// alphabet (at most 256 single-byte characters) with crypto/rand. Bytes
// at or above the largest multiple of len(alphabet) are rejected, so that
// no character is likelier than another.
func Random(alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2+8)
	for len(out) < n {
		_, _ = rand.Read(buf) // never fails (crypto/rand, Go 1.24+)
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// APIKey returns prefix followed by APIKeyLength random Letters, as
// @better-auth/api-key generates keys.
func APIKey(prefix string) string { return prefix + Random(Letters, APIKeyLength) }

// APIKeyStart returns what Better Auth stores in apikey.start: the first
// APIKeyStartLength characters of the full key, prefix included.
func APIKeyStart(key string) string { return key[:min(APIKeyStartLength, len(key))] }

// SessionToken returns a new session token: SessionTokenLength random
// Alphanumeric characters, the format Better Auth stores in session.token.
func SessionToken() string { return Random(Alphanumeric, SessionTokenLength) }
