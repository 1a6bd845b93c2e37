package betterauth_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
)

// Fuzz targets: each runs its seeds as a normal test; explore with e.g.
//
//	go test ./betterauth -run '^$' -fuzz '^FuzzVerifySignedValue$' -fuzztime 1m
//
// Every parser must return a typed error (never panic) and must never put
// its input into the error text.

// requireTypedError checks that err wraps one of the package's sentinels.
func requireTypedError(t *testing.T, err error) {
	t.Helper()
	for _, s := range []error{betterauth.ErrMalformed, betterauth.ErrInvalidSignature, betterauth.ErrExpired,
		betterauth.ErrWrongSecret, betterauth.ErrUnknownSecretVersion, betterauth.ErrNoCredentials} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("untyped error: %v", err)
}

func FuzzVerifySignedValue(f *testing.F) {
	v, lv := load(f)
	for _, c := range v.SignedCookies {
		_, value := cutSetCookie(c.SetCookie)
		f.Add(value)
		f.Add(c.Token + "." + c.Signature)
	}
	_, value := cutSetCookie(lv.SignInSetCookie[0])
	f.Add(value)
	f.Add("%")
	f.Add(".")
	f.Add("a.%3D")
	a := newAuth(f)
	f.Fuzz(func(t *testing.T, value string) {
		tok, err := a.VerifySignedValue(value)
		if err != nil {
			requireTypedError(t, err)
			if len(value) > 8 {
				require.NotContains(t, err.Error(), value)
			}
			return
		}
		// Anything accepted must be exactly what signing produces.
		require.Equal(t, tok.Reveal(), mustVerify(t, a, a.SignCookieValue(tok.Reveal())))
	})
}

func mustVerify(t *testing.T, a *betterauth.Auth, v string) string {
	tok, err := a.VerifySignedValue(v)
	require.NoError(t, err)
	return tok.Reveal()
}

func FuzzSessionToken(f *testing.F) {
	v, lv := load(f)
	f.Add("Bearer "+v.SignedCookies[0].Token+"."+v.SignedCookies[0].Signature, lv.CookieHeader)
	f.Add("bearer x", "better-auth.session_token=\"a.b\"")
	f.Add("Bearer", ";;=;better-auth.session_token")
	f.Add("", "better-auth.session_data.0=x; better-auth.session_data.1=y")
	a := newAuth(f, func(c *betterauth.Config) { c.AllowUnsignedBearer = true })
	f.Fuzz(func(t *testing.T, authz, cookie string) {
		r := &http.Request{Header: http.Header{"Authorization": {authz}, "Cookie": {cookie}}}
		if _, err := a.SessionToken(r); err != nil {
			requireTypedError(t, err)
		}
		if _, err := a.SessionFromCookieCache(r, liveNow); err != nil {
			requireTypedError(t, err)
		}
	})
}

func FuzzVerifyCookieCache(f *testing.F) {
	v, lv := load(f)
	f.Add(v.CookieCache.Value)
	_, value := cutSetCookie(lv.SignInSetCookie[1])
	f.Add(value)
	f.Add("eyJzZXNzaW9uIjp7fX0")
	f.Add("")
	a := newAuth(f)
	f.Fuzz(func(t *testing.T, value string) {
		if _, err := a.VerifyCookieCache(value, liveNow); err != nil {
			requireTypedError(t, err)
		}
	})
}

// FuzzCookieCacheJSON fuzzes the decoded cookie JSON, so the fuzzer works on
// the outer object's structure rather than on base64.
func FuzzCookieCacheJSON(f *testing.F) {
	v, _ := load(f)
	raw, err := base64.RawURLEncoding.DecodeString(v.CookieCache.Value)
	require.NoError(f, err)
	f.Add(string(raw))
	f.Add(`{"session":{},"expiresAt":1,"signature":"` + strings.Repeat("A", 43) + `"}`)
	f.Add(`{"signature":"","session":[],"expiresAt":-1}`)
	a := newAuth(f)
	f.Fuzz(func(t *testing.T, js string) {
		if _, err := a.VerifyCookieCache(base64.RawURLEncoding.EncodeToString([]byte(js)), liveNow); err != nil {
			requireTypedError(t, err)
		}
	})
}

// FuzzCookieCachePayload signs arbitrary payloads so the fuzzer reaches the
// decoder, and checks it against encoding/json: invalid JSON is rejected, and
// what is accepted decodes to the same values.
func FuzzCookieCachePayload(f *testing.F) {
	f.Add(`{"session":{"id":"s","token":"t","userId":"u","expiresAt":"2100-01-01T00:00:00.000Z","ipAddress":null},"user":{"id":"u","email":"E@x","name":"n\u00e9","emailVerified":true,"role":"admin"},"updatedAt":1,"version":"1"}`)
	f.Add(`{"session":{"id":"s","token":"t","userId":7,"expiresAt":"2100-01-01T00:00:00Z"},"user":{"id":"u","email":"e","name":"n","x":[1,{"y":[]}]},"updatedAt":1.5e3}`)
	f.Add(`{"session":{"id":"\ud83d\ude80","token":"t","userId":"u","expiresAt":"2100-01-01T00:00:00.000Z"},"user":{"id":"u","email":"e","name":"\""},"updatedAt":-0}`)
	f.Add(`{}`)
	a := newAuth(f)
	exp := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, payload string) {
		value, err := a.SignCookieCache(payload, exp)
		if err != nil {
			requireTypedError(t, err)
			require.False(t, json.Valid([]byte(payload)) && strings.HasPrefix(strings.TrimSpace(payload), "{"),
				"SignCookieCache refused a JSON object")
			return
		}
		c, err := a.VerifyCookieCache(value, liveNow)
		if err != nil {
			requireTypedError(t, err)
			return
		}
		require.True(t, json.Valid([]byte(payload)), "accepted invalid JSON")
		if !utf8.ValidString(payload) {
			return // encoding/json rewrites invalid UTF-8; the scanner keeps bytes
		}
		var ref map[string]any
		require.NoError(t, json.Unmarshal([]byte(payload), &ref))
		sess, _ := ref["session"].(map[string]any)
		user, _ := ref["user"].(map[string]any)
		require.NotNil(t, sess)
		require.NotNil(t, user)
		require.Equal(t, sess["id"], c.Session.ID)
		require.Equal(t, sess["token"], c.Session.Token.Reveal())
		if s, ok := sess["userId"].(string); ok {
			require.Equal(t, s, c.Session.UserID)
		}
		require.Equal(t, user["id"], c.User.ID)
		require.Equal(t, user["name"], c.User.Name)
		require.Equal(t, strings.ToLower(user["email"].(string)), c.User.Email)
		exp, err := time.Parse(time.RFC3339Nano, sess["expiresAt"].(string))
		require.NoError(t, err)
		require.True(t, exp.Equal(c.Session.ExpiresAt))
		if ua, ok := sess["userAgent"].(string); ok {
			require.Equal(t, ua, *c.Session.UserAgent)
		}
	})
}

func FuzzVerifyPassword(f *testing.F) {
	v, _ := load(f)
	for _, p := range v.Passwords {
		f.Add(p.Hash)
	}
	f.Add("a:b")
	f.Add(":")
	f.Fuzz(func(t *testing.T, hash string) {
		// ParsePasswordHash is VerifyPassword's parser, without the
		// 100 ms of scrypt that would starve the fuzzer.
		if err := betterauth.ParsePasswordHash(hash); err != nil {
			requireTypedError(t, err)
			ok, err2 := betterauth.VerifyPassword(hash, "pw")
			require.False(t, ok)
			require.Equal(t, err.Error(), err2.Error())
		}
	})
}

func FuzzDecrypt(f *testing.F) {
	v, _ := load(f)
	for _, e := range v.Encrypted {
		f.Add(e.Value)
	}
	f.Add("$ba$")
	f.Add("$ba$1$")
	f.Add("$ba$99999999999999999999$00")
	a := rotationAuth(f, v)
	p := newAuth(f)
	f.Fuzz(func(t *testing.T, value string) {
		for _, x := range []*betterauth.Auth{a, p} {
			if _, err := x.Decrypt(value); err != nil {
				requireTypedError(t, err)
			}
			if _, err := x.DecryptBackupCodes(value, true); err != nil {
				requireTypedError(t, err)
			}
		}
	})
}

func FuzzAPIKeyFormat(f *testing.F) {
	_, lv := load(f)
	f.Add(lv.APIKeyCreated.Key, "ba_")
	f.Add("", "")
	f.Add("ba_é", "ba_")
	f.Fuzz(func(t *testing.T, key, prefix string) {
		err := betterauth.APIKeyFormat{Prefix: prefix}.Validate(key)
		if err != nil {
			requireTypedError(t, err)
			return
		}
		require.True(t, strings.HasPrefix(key, prefix))
		require.Len(t, key, len(prefix)+betterauth.DefaultAPIKeyLength)
		_ = betterauth.HashAPIKey(key)
	})
}

func FuzzVerifyJWT(f *testing.F) {
	v, _ := load(f)
	rows := make([]betterauth.JWKSRow, 0, len(v.JWKS))
	for _, k := range v.JWKS {
		rows = append(rows, k.Row)
		f.Add(k.JWT, k.Row.PublicKey)
	}
	f.Add("a.b.c", `{"kty":"EC","crv":"P-256","x":"","y":""}`)
	ks, err := betterauth.NewKeySet(rows)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, token, jwk string) {
		if _, err := betterauth.VerifyJWT(token, ks, jwtNow, betterauth.JWTOptions{}); err != nil {
			requireTypedError(t, err)
		}
		if _, err := betterauth.ParseJWK([]byte(jwk)); err != nil {
			requireTypedError(t, err)
		}
		if _, err := betterauth.ParseJWKS([]byte(jwk)); err != nil {
			requireTypedError(t, err)
		}
	})
}

func FuzzVerifyTOTP(f *testing.F) {
	f.Add("RBVLNwv1UhCqSATZn4jFAFvCumpNBALN", "123456", int64(1_800_000_000_000))
	f.Add("base32:JBSWY3DPEHPK3PXP", "", int64(-1))
	f.Add("base32:!", "0", int64(0))
	f.Fuzz(func(t *testing.T, secret, code string, ms int64) {
		now := time.UnixMilli(ms)
		got := betterauth.GenerateTOTP(secret, now)
		if got != "" {
			require.True(t, betterauth.VerifyTOTP(secret, got, now))
		}
		_ = betterauth.VerifyTOTP(secret, code, now)
	})
}

// FuzzVerifyAccessToken feeds arbitrary strings to the access token
// verifier (both kinds; the opaque one stops at its format without a
// database): every refusal is a *TokenError, none contains the input.
func FuzzVerifyAccessToken(f *testing.F) {
	k := newSigningKey(f, "jwk-main", "EdDSA")
	v := newVerifier(f, betterauth.StaticKeys{k.row})
	good := k.mint(f, tokenNow, nil)
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add(strings.Replace(good, ".", "..", 1))
	f.Add(k.mint(f, tokenNow, func(_, p map[string]any) { p["exp"] = 1e300 }))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add(betterauth.OAuthTokenFormat{}.Generate())
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		tok, err := v.Verify(context.Background(), token)
		if err != nil {
			var te *betterauth.TokenError
			require.ErrorAs(t, err, &te)
			require.ErrorIs(t, err, betterauth.ErrInvalidToken)
			if len(token) > 8 {
				require.NotContains(t, err.Error(), token)
			}
			return
		}
		require.Equal(t, testIssuer, tok.Issuer)
		require.Contains(t, tok.Audience, apiAudience)
	})
}

// FuzzAccessTokenClaims signs arbitrary header and payload bytes with a
// trusted key, so the fuzzer explores the claim checks behind the
// signature: no panic, a typed refusal, and anything accepted satisfies
// every rule.
func FuzzAccessTokenClaims(f *testing.F) {
	k := newSigningKey(f, "jwk-main", "EdDSA")
	v := newVerifier(f, betterauth.StaticKeys{k.row})
	hdr, _ := json.Marshal(k.accessHeader())
	pay, _ := json.Marshal(accessClaims(tokenNow))
	f.Add(hdr, pay)
	f.Add(hdr, []byte(`{"iss":"`+testIssuer+`","aud":["`+apiAudience+`"],"azp":"c","exp":1e300,"nbf":-1e300}`))
	f.Add(hdr, []byte(`{"iss":"`+testIssuer+`","aud":"`+apiAudience+`","azp":"c","exp":NaN}`))
	f.Add([]byte(`{"alg":"EdDSA","kid":"jwk-main","typ":"AT+JWT","crit":null}`), []byte(`{"scope":" "}`))
	f.Fuzz(func(t *testing.T, header, payload []byte) {
		signed := b64(header) + "." + b64(payload)
		token := signed + "." + b64(ed25519.Sign(k.signer.(ed25519.PrivateKey), []byte(signed)))
		tok, err := v.Verify(context.Background(), token)
		if err != nil {
			require.ErrorIs(t, err, betterauth.ErrInvalidToken)
			return
		}
		require.True(t, tok.ExpiresAt.After(tokenNow) || tok.ExpiresAt.Equal(unixCap()), "exp")
		require.Contains(t, tok.Audience, apiAudience)
		require.NotEmpty(t, tok.ClientID)
		for _, s := range tok.Scopes {
			require.NotEmpty(t, s)
			require.NotContains(t, s, " ")
		}
	})
}

// unixCap is what a huge exp is read as (unixSeconds caps it).
func unixCap() time.Time { return time.Unix(1e12, 0).UTC() }

// FuzzBearerToken: the header parser never panics and returns either a
// b64token or a typed error.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer a=", "Bearer", "Basic x", "Bearer a b", "Bearer \x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", h)
		tok, err := betterauth.BearerToken(r)
		if err != nil {
			require.True(t, errors.Is(err, betterauth.ErrNoCredentials) || errors.Is(err, betterauth.ErrMalformed))
			return
		}
		require.NotEmpty(t, tok)
		require.NotContains(t, tok, " ")
	})
}
