package betterauth_test

// Access token verification beside its baselines, in one run:
//
//	go test ./betterauth/ -run '^$' -bench 'AccessToken' -benchmem
//
// jwt/<alg>: TokenVerifier.Verify of an oauth-provider JWT access token
// (keys cached, no database). baseline/VerifyJWT: the package's plain JWT
// check of the same EdDSA token (signature, exp, iss, aud). baseline/apikey:
// API key verification on a real database (betterauth.VerifyAPIKey: format,
// then one statement, iam_verify_api_key), the lookup an opaque token's
// single statement will be compared with.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/store"
)

func BenchmarkAccessToken(b *testing.B) {
	ctx := context.Background()
	var keys betterauth.StaticKeys
	toks := map[string]string{}
	algs := []string{"EdDSA", "ES256", "RS256", "PS256", "ES512"}
	var ed signingKey
	for _, alg := range algs {
		k := newSigningKey(b, "jwk-"+alg, alg)
		if alg == "EdDSA" {
			ed = k
		}
		keys = append(keys, k.row)
		toks[alg] = k.mint(b, tokenNow, nil)
	}
	v := newVerifier(b, keys)
	for _, alg := range algs {
		b.Run("jwt/"+alg, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, toks[alg]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	ks, err := betterauth.NewKeySet([]betterauth.JWKSRow{ed.row})
	require.NoError(b, err)
	b.Run("baseline/VerifyJWT", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := betterauth.VerifyJWT(toks["EdDSA"], ks, tokenNow, betterauth.JWTOptions{Issuer: testIssuer, Audience: apiAudience}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/apikey", func(b *testing.B) {
		fx := newVerifyFixture(b)
		k, err := fx.s.Org(fx.org.ID).CreateAPIKey(ctx, store.APIKeyRequest{RateLimitEnabled: new(false)})
		require.NoError(b, err)
		plain := k.Plain.Reveal()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := betterauth.VerifyAPIKey(ctx, fx.s, betterauth.APIKeyFormat{}, plain, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
