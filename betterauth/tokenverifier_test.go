package betterauth_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
)

// The issuer and resource of the tokens minted here, as oauth-provider
// issues them for a client that asked for resource apiAudience.
const (
	testIssuer  = "http://localhost:3000/api/auth"
	apiAudience = "https://api.example.com"
	testClient  = "client-abc"
	testUser    = "shared_user__0199aaaa"
)

// signingKey is a jwks row with its private key, to mint tokens.
type signingKey struct {
	row    betterauth.JWKSRow
	alg    string
	signer crypto.Signer
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// newSigningKey makes a key the way the jwt plugin does (jose generateKeyPair
// + exportJWK): the row's publicKey is the public JWK, alg the algorithm,
// crv the curve when there is one.
func newSigningKey(t testing.TB, id, alg string) signingKey {
	t.Helper()
	var (
		signer crypto.Signer
		jwk    map[string]string
		crv    *string
	)
	ec := func(c elliptic.Curve, name string, size int) {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		require.NoError(t, err)
		signer = k
		jwk = map[string]string{"kty": "EC", "crv": name, "x": b64(k.X.FillBytes(make([]byte, size))), "y": b64(k.Y.FillBytes(make([]byte, size)))}
		crv = &name
	}
	switch alg {
	case "EdDSA":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
		signer = k
		jwk = map[string]string{"crv": "Ed25519", "x": b64(k.Public().(ed25519.PublicKey)), "kty": "OKP"}
		c := "Ed25519"
		crv = &c
	case "ES256":
		ec(elliptic.P256(), "P-256", 32)
	case "ES512":
		ec(elliptic.P521(), "P-521", 66)
	case "RS256", "PS256":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		signer = k
		jwk = map[string]string{"kty": "RSA", "n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}
	default:
		t.Fatalf("alg %s", alg)
	}
	pub, err := json.Marshal(jwk)
	require.NoError(t, err)
	a := alg
	return signingKey{row: betterauth.JWKSRow{ID: id, PublicKey: string(pub), CreatedAt: time.Now(), Alg: &a, Crv: crv}, alg: alg, signer: signer}
}

// sign returns header.payload.signature with the key, as jose's SignJWT.
func (k signingKey) sign(t testing.TB, header, payload any) string {
	t.Helper()
	h, err := json.Marshal(header)
	require.NoError(t, err)
	p, err := json.Marshal(payload)
	require.NoError(t, err)
	signed := b64(h) + "." + b64(p)
	var sig []byte
	switch s := k.signer.(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(s, []byte(signed))
	case *ecdsa.PrivateKey:
		size := (s.Curve.Params().BitSize + 7) / 8
		var d []byte
		if size == 32 {
			x := sha256.Sum256([]byte(signed))
			d = x[:]
		} else {
			x := sha512.Sum512([]byte(signed))
			d = x[:]
		}
		r, ss, err := ecdsa.Sign(rand.Reader, s, d)
		require.NoError(t, err)
		sig = append(r.FillBytes(make([]byte, size)), ss.FillBytes(make([]byte, size))...)
	case *rsa.PrivateKey:
		d := sha256.Sum256([]byte(signed))
		if k.alg == "PS256" {
			sig, err = rsa.SignPSS(rand.Reader, s, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(rand.Reader, s, crypto.SHA256, d[:])
		}
		require.NoError(t, err)
	}
	return signed + "." + b64(sig)
}

// accessHeader is the protected header of oauth-provider's JWT access
// tokens: {...header, alg, kid} with header {typ: "at+jwt"}.
func (k signingKey) accessHeader() map[string]any {
	return map[string]any{"typ": "at+jwt", "alg": k.alg, "kid": k.row.ID}
}

// accessClaims are the claims of createJwtAccessToken for a user token.
func accessClaims(now time.Time) map[string]any {
	iat := now.Unix()
	return map[string]any{
		"sub": testUser, "aud": apiAudience, "client_id": testClient, "azp": testClient,
		"scope": "openid profile read:notes", "sid": "shared_session__0199bbbb", "iss": testIssuer,
		"iat": iat, "exp": iat + 3600, "jti": "Y2a9kTq3WmZ0pQ7rL1xS8vB4nE6cH5dJ",
	}
}

// mint signs accessClaims(now) changed by mutate.
func (k signingKey) mint(t testing.TB, now time.Time, mutate func(h, p map[string]any)) string {
	h, p := k.accessHeader(), accessClaims(now)
	if mutate != nil {
		mutate(h, p)
	}
	return k.sign(t, h, p)
}

var tokenNow = time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)

func newVerifier(t testing.TB, keys betterauth.KeySource, mutate ...func(*betterauth.TokenVerifierConfig)) *betterauth.TokenVerifier {
	t.Helper()
	cfg := betterauth.TokenVerifierConfig{Issuer: testIssuer, Audience: []string{apiAudience}, Keys: keys, Now: func() time.Time { return tokenNow }}
	for _, m := range mutate {
		m(&cfg)
	}
	v, err := betterauth.NewTokenVerifier(cfg)
	require.NoError(t, err)
	return v
}

func TestTokenVerifier_AcceptsJWTAccessTokensOfEveryAlgorithm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var keys betterauth.StaticKeys
	var signing []signingKey
	for _, alg := range []string{"EdDSA", "ES256", "ES512", "PS256", "RS256"} {
		k := newSigningKey(t, "jwk-"+strings.ToLower(alg), alg)
		keys = append(keys, k.row)
		signing = append(signing, k)
	}
	v := newVerifier(t, keys)
	for _, k := range signing {
		tok, err := v.Verify(ctx, k.mint(t, tokenNow, nil))
		require.NoError(t, err, k.alg)
		require.Equal(t, betterauth.TokenJWT, tok.Kind)
		require.Equal(t, testUser, tok.Subject)
		require.Equal(t, testUser, tok.UserID)
		require.Equal(t, testClient, tok.ClientID)
		require.Equal(t, []string{"openid", "profile", "read:notes"}, tok.Scopes)
		require.Equal(t, []string{apiAudience}, tok.Audience)
		require.Equal(t, testIssuer, tok.Issuer)
		require.Equal(t, "shared_session__0199bbbb", tok.SessionID)
		require.Equal(t, tokenNow.Add(time.Hour), tok.ExpiresAt)
		require.Equal(t, tokenNow, tok.IssuedAt)
		require.Equal(t, "Y2a9kTq3WmZ0pQ7rL1xS8vB4nE6cH5dJ", tok.ID)
		require.True(t, tok.HasScope("read:notes"))
		require.NoError(t, tok.RequireScopes("openid", "read:notes"))
		err = tok.RequireScopes("read:notes", "write:notes", "admin")
		require.ErrorIs(t, err, betterauth.ErrInsufficientScope)
		var se *betterauth.ScopeError
		require.ErrorAs(t, err, &se)
		require.Equal(t, []string{"write:notes", "admin"}, se.Missing)
	}

	// A client_credentials token: sub is the client, no user, no session.
	m2m := signing[0].mint(t, tokenNow, func(_, p map[string]any) {
		p["sub"] = testClient
		delete(p, "sid")
		p["aud"] = []string{"https://other.example.com", apiAudience}
	})
	tok, err := v.Verify(ctx, m2m)
	require.NoError(t, err)
	require.Equal(t, testClient, tok.Subject)
	require.Empty(t, tok.UserID)
	require.Empty(t, tok.SessionID)
	require.Equal(t, []string{"https://other.example.com", apiAudience}, tok.Audience)

	// The configured reference claim.
	vr := newVerifier(t, keys, func(c *betterauth.TokenVerifierConfig) { c.ReferenceIDClaim = "org" })
	tok, err = vr.Verify(ctx, signing[0].mint(t, tokenNow, func(_, p map[string]any) { p["org"] = "shared_organization__01" }))
	require.NoError(t, err)
	require.Equal(t, "shared_organization__01", tok.ReferenceID)
}

// TestTokenVerifier_AcceptsBetterAuthGeneratedKeys signs access tokens with
// the private keys Better Auth's jwt plugin generated and encrypted
// (testdata/vectors.json), decrypted by Auth.PrivateKey.
func TestTokenVerifier_AcceptsBetterAuthGeneratedKeys(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	a := newAuth(t)
	var keys betterauth.StaticKeys
	var signing []signingKey
	for _, k := range v.JWKS {
		if strings.Contains(k.Row.ID, "rotated") {
			continue
		}
		signer, err := a.PrivateKey(k.Row)
		require.NoError(t, err)
		pub, err := k.Row.PublicJWK()
		require.NoError(t, err)
		keys = append(keys, k.Row)
		signing = append(signing, signingKey{row: k.Row, alg: pub.Alg, signer: signer})
	}
	ver := newVerifier(t, keys)
	for _, k := range signing {
		_, err := ver.Verify(context.Background(), k.mint(t, tokenNow, nil))
		require.NoError(t, err, k.row.ID)
	}
	// The jwt plugin's own session JWT (from /token), signed by the same
	// key, is not an access token: no typ, aud = baseURL.
	_, err := ver.Verify(context.Background(), v.JWKS[0].JWT)
	require.ErrorIs(t, err, betterauth.ErrUnsupportedToken)
}

// TestTokenVerifier_BadInput: every refusal is a *TokenError naming the rule,
// matching ErrInvalidToken and its sentinel, and none contains the token.
func TestTokenVerifier_BadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	k := newSigningKey(t, "jwk-main", "EdDSA")
	es := newSigningKey(t, "jwk-es", "ES256")
	foreign := newSigningKey(t, "jwk-main", "EdDSA") // same kid, another key: a foreign issuer's
	old := newSigningKey(t, "jwk-old", "EdDSA")
	expiredAt := tokenNow.Add(-31 * 24 * time.Hour) // past the 30 day grace
	old.row.ExpiresAt = &expiredAt
	graced := newSigningKey(t, "jwk-graced", "EdDSA")
	recently := tokenNow.Add(-24 * time.Hour)
	graced.row.ExpiresAt = &recently
	v := newVerifier(t, betterauth.StaticKeys{k.row, es.row, old.row, graced.row})

	good := k.mint(t, tokenNow, nil)
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	mut := func(f func(h, p map[string]any)) string { return k.mint(t, tokenNow, f) }
	esParts := strings.Split(es.mint(t, tokenNow, nil), ".")

	cases := []struct {
		name     string
		tok      string
		sentinel error
		field    string
		rule     string
	}{
		{"empty", "", betterauth.ErrMalformed, "access_token", "required"},
		{"garbage", "not-a-token", betterauth.ErrMalformed, "access_token", "length"},
		{"two parts", parts[0] + "." + parts[1] + "x", betterauth.ErrMalformed, "access_token", "length"},
		{"header not base64", "!!." + parts[1] + "." + parts[2], betterauth.ErrMalformed, "access_token.header", "base64url"},
		{"header not json", b64([]byte("nope")) + "." + parts[1] + "." + parts[2], betterauth.ErrMalformed, "access_token.header", "json"},
		{"crit header", k.sign(t, map[string]any{"typ": "at+jwt", "alg": "EdDSA", "kid": "jwk-main", "crit": []string{"exp"}}, accessClaims(tokenNow)), betterauth.ErrMalformed, "access_token.header.crit", "unsupported"},
		{"signature not base64", parts[0] + "." + parts[1] + ".%%", betterauth.ErrMalformed, "access_token.signature", "base64url"},
		{"payload changed", parts[0] + "." + b64([]byte(strings.Replace(string(payload), "read:notes", "admin", 1))) + "." + parts[2], betterauth.ErrInvalidSignature, "access_token.signature", "verify"},
		{"foreign-signed", foreign.mint(t, tokenNow, nil), betterauth.ErrInvalidSignature, "access_token.signature", "verify"},
		{"unknown kid", mut(func(h, _ map[string]any) { h["kid"] = "jwk-nobody" }), betterauth.ErrInvalidSignature, "access_token.header.kid", "known_key"},
		{"no kid", mut(func(h, _ map[string]any) { delete(h, "kid") }), betterauth.ErrInvalidSignature, "access_token.header.kid", "known_key"},
		{"alg none", b64([]byte(`{"typ":"at+jwt","alg":"none","kid":"jwk-main"}`)) + "." + parts[1] + ".", betterauth.ErrInvalidSignature, "access_token.header.alg", "matches_key"},
		{"alg of another key", mut(func(h, _ map[string]any) { h["alg"] = "ES256" }), betterauth.ErrInvalidSignature, "access_token.header.alg", "matches_key"},
		{"ES256 signature of wrong length", esParts[0] + "." + esParts[1] + "." + b64(make([]byte, 63)), betterauth.ErrInvalidSignature, "access_token.signature", "verify"},
		{"retired key", old.mint(t, tokenNow, nil), betterauth.ErrInvalidSignature, "access_token.header.kid", "retired_key"},
		{"no typ (an id_token)", mut(func(h, _ map[string]any) { delete(h, "typ") }), betterauth.ErrUnsupportedToken, "access_token.header.typ", "at+jwt"},
		{"typ JWT", mut(func(h, _ map[string]any) { h["typ"] = "JWT" }), betterauth.ErrUnsupportedToken, "access_token.header.typ", "at+jwt"},
		{"claims not an object", k.sign(t, k.accessHeader(), []string{"x"}), betterauth.ErrMalformed, "access_token.payload", "claims_json"},
		{"exp a string", mut(func(_, p map[string]any) { p["exp"] = "tomorrow" }), betterauth.ErrMalformed, "access_token.payload", "claims_json"},
		{"no exp", mut(func(_, p map[string]any) { delete(p, "exp") }), betterauth.ErrMalformed, "access_token.exp", "required"},
		{"expired", mut(func(_, p map[string]any) { p["exp"] = tokenNow.Unix() }), betterauth.ErrExpired, "access_token.exp", "expired"},
		{"not yet valid", mut(func(_, p map[string]any) { p["nbf"] = tokenNow.Unix() + 60 }), betterauth.ErrExpired, "access_token.nbf", "not_yet_valid"},
		{"other issuer", mut(func(_, p map[string]any) { p["iss"] = "https://evil.example.com" }), betterauth.ErrWrongIssuer, "access_token.iss", "configured_issuer"},
		{"no issuer", mut(func(_, p map[string]any) { delete(p, "iss") }), betterauth.ErrWrongIssuer, "access_token.iss", "configured_issuer"},
		{"wrong audience", mut(func(_, p map[string]any) { p["aud"] = "https://other.example.com" }), betterauth.ErrWrongAudience, "access_token.aud", "accepted_audience"},
		{"audience prefix only", mut(func(_, p map[string]any) { p["aud"] = apiAudience + "/sub" }), betterauth.ErrWrongAudience, "access_token.aud", "accepted_audience"},
		{"no audience", mut(func(_, p map[string]any) { delete(p, "aud") }), betterauth.ErrWrongAudience, "access_token.aud", "accepted_audience"},
		{"audience a number", mut(func(_, p map[string]any) { p["aud"] = 7 }), betterauth.ErrMalformed, "access_token.aud", "string_or_array"},
		{"no client", mut(func(_, p map[string]any) { delete(p, "azp"); delete(p, "client_id") }), betterauth.ErrMalformed, "access_token.azp", "required"},
		{"scope with double space", mut(func(_, p map[string]any) { p["scope"] = "read  write" }), betterauth.ErrMalformed, "access_token.scope", "scope_syntax"},
		{"scope empty", mut(func(_, p map[string]any) { p["scope"] = "" }), betterauth.ErrMalformed, "access_token.scope", "scope_syntax"},
		{"scope with a quote", mut(func(_, p map[string]any) { p["scope"] = `read "x` }), betterauth.ErrMalformed, "access_token.scope", "scope_syntax"},
		{"DPoP-bound", mut(func(_, p map[string]any) {
			p["cnf"] = map[string]string{"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
		}), betterauth.ErrUnsupportedToken, "access_token.cnf", "sender_constrained"},
		{"too long", strings.Repeat("a", 20000) + ".b.c", betterauth.ErrMalformed, "access_token", "max_length"},
	}
	for _, c := range cases {
		_, err := v.Verify(ctx, c.tok)
		require.Error(t, err, c.name)
		require.ErrorIs(t, err, c.sentinel, c.name)
		require.ErrorIs(t, err, betterauth.ErrInvalidToken, c.name)
		var te *betterauth.TokenError
		require.ErrorAs(t, err, &te, c.name)
		require.Equal(t, c.field, te.Field, c.name)
		require.Equal(t, c.rule, te.Rule, c.name)
		for _, p := range strings.Split(c.tok, ".") {
			if len(p) >= 8 {
				require.NotContains(t, err.Error(), p, c.name)
			}
		}
	}

	// Within the grace period an expired key still verifies.
	_, err := v.Verify(ctx, graced.mint(t, tokenNow, nil))
	require.NoError(t, err)
	// The leeway accepts a token just past exp and one not quite valid yet.
	lv := newVerifier(t, betterauth.StaticKeys{k.row}, func(c *betterauth.TokenVerifierConfig) { c.Leeway = 30 * time.Second })
	_, err = lv.Verify(ctx, mut(func(_, p map[string]any) { p["exp"] = tokenNow.Unix() - 20 }))
	require.NoError(t, err)
	_, err = lv.Verify(ctx, mut(func(_, p map[string]any) { p["nbf"] = tokenNow.Unix() + 20 }))
	require.NoError(t, err)
	_, err = lv.Verify(ctx, mut(func(_, p map[string]any) { p["exp"] = tokenNow.Unix() - 31 }))
	require.ErrorIs(t, err, betterauth.ErrExpired)
	// typ is compared case-insensitively, and the media type form is accepted.
	_, err = v.Verify(ctx, mut(func(h, _ map[string]any) { h["typ"] = "application/AT+JWT" }))
	require.NoError(t, err)
	// The injected clock decides expiry.
	late := newVerifier(t, betterauth.StaticKeys{k.row}, func(c *betterauth.TokenVerifierConfig) {
		c.Now = func() time.Time { return tokenNow.Add(2 * time.Hour) }
	})
	_, err = late.Verify(ctx, good)
	require.ErrorIs(t, err, betterauth.ErrExpired)
	// Without keys no JWT is accepted.
	nk := newVerifier(t, nil)
	_, err = nk.VerifyJWT(ctx, good)
	require.ErrorIs(t, err, betterauth.ErrUnsupportedToken)
}

func TestNewTokenVerifier_RefusesUnusableConfig(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]betterauth.TokenVerifierConfig{
		"no issuer":          {Audience: []string{apiAudience}},
		"no audience":        {Issuer: testIssuer},
		"empty audience":     {Issuer: testIssuer, Audience: []string{""}},
		"negative leeway":    {Issuer: testIssuer, Audience: []string{apiAudience}, Leeway: -time.Second},
		"check without db":   {Issuer: testIssuer, Audience: []string{apiAudience}, CheckClient: true},
		"organization no db": {Issuer: testIssuer, Audience: []string{apiAudience}, Organization: "shared_organization__x"},
	} {
		_, err := betterauth.NewTokenVerifier(cfg)
		require.ErrorIs(t, err, betterauth.ErrConfig, name)
	}
}

// TestTokenVerifier_KeyRotation: a key Better Auth adds later is read when a
// token names it; a flood of unknown kids reads the keys at most once per
// cooldown; a failing read keeps the known keys serving and is reported as
// an error that is not a refusal for a kid the copy lacks.
func TestTokenVerifier_KeyRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	k1 := newSigningKey(t, "jwk-1", "EdDSA")
	k2 := newSigningKey(t, "jwk-2", "EdDSA")
	var (
		reads atomic.Int32
		fail  atomic.Bool
		rows  atomic.Pointer[[]betterauth.JWKSRow]
		now   atomic.Int64
	)
	now.Store(tokenNow.UnixNano())
	rows.Store(&[]betterauth.JWKSRow{k1.row})
	src := betterauth.KeySourceFunc(func(context.Context) ([]betterauth.JWKSRow, error) {
		reads.Add(1)
		if fail.Load() {
			return nil, errors.New("database unreachable")
		}
		return *rows.Load(), nil
	})
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	v := newVerifier(t, src, func(c *betterauth.TokenVerifierConfig) { c.Now = clock })
	at := func() time.Time { return clock() }

	_, err := v.Verify(ctx, k1.mint(t, at(), nil))
	require.NoError(t, err)
	require.EqualValues(t, 1, reads.Load())
	_, err = v.Verify(ctx, k1.mint(t, at(), nil))
	require.NoError(t, err)
	require.EqualValues(t, 1, reads.Load(), "a known kid within the refresh interval reads nothing")

	// Better Auth rotates: jwk-2 appears. Within the cooldown of the last
	// read the new kid is unknown; after it, one read finds it.
	rows.Store(&[]betterauth.JWKSRow{k1.row, k2.row})
	_, err = v.Verify(ctx, k2.mint(t, at(), nil))
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
	require.EqualValues(t, 1, reads.Load())
	now.Add(int64(betterauth.DefaultKeyRefreshCooldown))
	_, err = v.Verify(ctx, k2.mint(t, at(), nil))
	require.NoError(t, err)
	require.EqualValues(t, 2, reads.Load())

	// Made-up kids: at most one read per cooldown.
	forged := newSigningKey(t, "jwk-forged", "EdDSA")
	for range 50 {
		_, err = v.Verify(ctx, forged.mint(t, at(), nil))
		require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
	}
	require.EqualValues(t, 2, reads.Load())

	// The database fails after the refresh interval: known keys keep
	// serving, an unknown kid is an error but not a refusal.
	fail.Store(true)
	now.Add(int64(betterauth.DefaultKeyRefresh))
	_, err = v.Verify(ctx, k1.mint(t, at(), nil))
	require.NoError(t, err)
	now.Add(int64(betterauth.DefaultKeyRefreshCooldown))
	k3 := newSigningKey(t, "jwk-3", "EdDSA")
	_, err = v.Verify(ctx, k3.mint(t, at(), nil))
	require.Error(t, err)
	require.NotErrorIs(t, err, betterauth.ErrInvalidToken)

	// Back up: the next read after the cooldown brings jwk-3.
	fail.Store(false)
	rows.Store(&[]betterauth.JWKSRow{k1.row, k2.row, k3.row})
	now.Add(int64(betterauth.DefaultKeyRefreshCooldown))
	_, err = v.Verify(ctx, k3.mint(t, at(), nil))
	require.NoError(t, err)
}
