package betterauth_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
)

var jwtNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestVerifyJWT_AcceptsJWTsSignedWithBetterAuthKeys(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	rows := make([]betterauth.JWKSRow, 0, len(v.JWKS))
	for _, k := range v.JWKS {
		rows = append(rows, k.Row)
	}
	ks, err := betterauth.NewKeySet(rows)
	require.NoError(t, err)
	for _, k := range v.JWKS {
		c, err := betterauth.VerifyJWT(k.JWT, ks, jwtNow, betterauth.JWTOptions{Issuer: "http://localhost:3000", Audience: "http://localhost:3000"})
		require.NoError(t, err, k.Row.ID)
		require.Equal(t, "jVXMAP5dPwn4ZzdHpf3xoXNg0WWYuHsU", c.Subject)
		require.Equal(t, time.Unix(4102444800, 0).UTC(), c.ExpiresAt)
		var claims struct{ Name string }
		require.NoError(t, json.Unmarshal(c.Raw, &claims))
		require.Equal(t, "Zoë", claims.Name)

		_, err = betterauth.VerifyJWT(k.ExpiredJWT, ks, jwtNow, betterauth.JWTOptions{})
		require.ErrorIs(t, err, betterauth.ErrExpired, k.Row.ID)
		_, err = betterauth.VerifyJWT(k.JWT, ks, jwtNow, betterauth.JWTOptions{Audience: "https://elsewhere"})
		require.ErrorIs(t, err, betterauth.ErrInvalidSignature, k.Row.ID)
	}
}

func TestVerifyJWT_RejectsForgeries(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	ed := v.JWKS[0]
	ks, err := betterauth.NewKeySet([]betterauth.JWKSRow{ed.Row})
	require.NoError(t, err)
	parts := strings.Split(ed.JWT, ".")

	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	forgedPayload := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), "alice", "mallory", 1)))
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"jwk-ed25519"}`))
	otherKid := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA","kid":"unknown"}`))
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	signedByOther := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(otherPriv, []byte(parts[0]+"."+parts[1])))

	for name, c := range map[string]struct {
		tok      string
		sentinel error
	}{
		"payload changed":   {parts[0] + "." + forgedPayload + "." + parts[2], betterauth.ErrInvalidSignature},
		"alg none":          {noneHeader + "." + parts[1] + ".", betterauth.ErrInvalidSignature},
		"unknown kid":       {otherKid + "." + parts[1] + "." + parts[2], betterauth.ErrInvalidSignature},
		"signed by other":   {signedByOther, betterauth.ErrInvalidSignature},
		"two parts":         {parts[0] + "." + parts[1], betterauth.ErrMalformed},
		"four parts":        {ed.JWT + ".x", betterauth.ErrMalformed},
		"header not json":   {"bm9w." + parts[1] + "." + parts[2], betterauth.ErrMalformed},
		"bad signature b64": {parts[0] + "." + parts[1] + ".!!", betterauth.ErrMalformed},
	} {
		_, err := betterauth.VerifyJWT(c.tok, ks, jwtNow, betterauth.JWTOptions{})
		require.ErrorIs(t, err, c.sentinel, name)
	}
}

func TestPrivateKey_DecryptsJWKSRowsAndMatchesPublicKey(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	plain := newAuth(t)
	rot := rotationAuth(t, v)
	for _, k := range v.JWKS {
		a := plain
		if strings.Contains(k.Row.ID, "rotated") {
			a = rot
		}
		jwk, err := a.DecryptPrivateJWK(k.Row)
		require.NoError(t, err, k.Row.ID)
		require.JSONEq(t, k.PrivateJWK, jwk.Reveal(), k.Row.ID)

		signer, err := a.PrivateKey(k.Row)
		require.NoError(t, err, k.Row.ID)
		pub, err := k.Row.PublicJWK()
		require.NoError(t, err)
		require.True(t, signer.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub.Key), k.Row.ID)
	}
	// A row encrypted with the plain secret does not decrypt under another.
	_, err := newAuth(t, func(c *betterauth.Config) { c.Secret = secretOf("another-secret-0123456789abcdef-x") }).PrivateKey(v.JWKS[0].Row)
	require.ErrorIs(t, err, betterauth.ErrWrongSecret)
}

func TestBuildJWKS_EqualsBetterAuthDocumentAndParsesBack(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	ed := v.JWKS[0].Row
	rsa := v.JWKS[2].Row
	doc, err := betterauth.BuildJWKS([]betterauth.JWKSRow{ed, rsa}, jwtNow, 0)
	require.NoError(t, err)
	var pub struct{ X string }
	require.NoError(t, json.Unmarshal([]byte(ed.PublicKey), &pub))
	// {alg, crv, ...publicKey, kid}: crv keeps its place, kty follows x.
	require.True(t, strings.HasPrefix(string(doc),
		`{"keys":[{"alg":"EdDSA","crv":"Ed25519","x":"`+pub.X+`","kty":"OKP","kid":"jwk-ed25519"},{"alg":"RS256","kty":"RSA","n":"`), string(doc))

	ks, err := betterauth.ParseJWKS(doc)
	require.NoError(t, err)
	_, err = betterauth.VerifyJWT(v.JWKS[0].JWT, ks, jwtNow, betterauth.JWTOptions{})
	require.NoError(t, err)
	_, err = betterauth.VerifyJWT(v.JWKS[2].JWT, ks, jwtNow, betterauth.JWTOptions{})
	require.NoError(t, err)

	// Keys past expiresAt + grace are left out.
	expired := ed
	at := jwtNow.Add(-31 * 24 * time.Hour)
	expired.ExpiresAt = &at
	doc, err = betterauth.BuildJWKS([]betterauth.JWKSRow{expired}, jwtNow, 0)
	require.NoError(t, err)
	require.Equal(t, `{"keys":[]}`, string(doc))
	doc, err = betterauth.BuildJWKS([]betterauth.JWKSRow{expired}, jwtNow, 40*24*time.Hour)
	require.NoError(t, err)
	require.Contains(t, string(doc), "jwk-ed25519")
}

func TestParseJWK_RejectsUnsupportedAndInvalidKeys(t *testing.T) {
	t.Parallel()
	for name, js := range map[string]string{
		"not json":      `{`,
		"unknown kty":   `{"kty":"oct","k":"AAAA"}`,
		"x25519":        `{"kty":"OKP","crv":"X25519","x":"AAAA"}`,
		"short ed25519": `{"kty":"OKP","crv":"Ed25519","x":"AAAA"}`,
		"ec off curve":  `{"kty":"EC","crv":"P-256","x":"` + strings.Repeat("A", 43) + `","y":"` + strings.Repeat("A", 43) + `"}`,
		"rsa tiny":      `{"kty":"RSA","n":"AQAB","e":"AQAB"}`,
		"bad base64":    `{"kty":"OKP","crv":"Ed25519","x":"!!"}`,
	} {
		_, err := betterauth.ParseJWK([]byte(js))
		require.ErrorIs(t, err, betterauth.ErrMalformed, name)
	}
}
