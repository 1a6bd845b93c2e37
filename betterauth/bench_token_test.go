package betterauth_test

// Access token verification beside its baselines, in one run:
//
//	go test ./betterauth/ -run '^$' -bench 'AccessToken' -benchmem
//
// jwt/<alg>: TokenVerifier.Verify of an oauth-provider JWT access token
// (keys cached, no database). baseline/VerifyJWT: the package's plain JWT
// check of the same EdDSA token (signature, exp, iss, aud). baseline/apikey:
// API key verification on a real database (betterauth.VerifyAPIKey: format,
// then one statement, iam_verify_api_key). opaque: Verify of an opaque
// token (format, then iam_verify_oauth_token: one statement, migration
// 0006). jwt/EdDSA+CheckClient: the JWT and one statement on
// iam_oauth_client_status. baseline/pgx-token: the superuser's hand-written
// (through a pgxpool, like the store)
// SELECT of the token row joined with its client and session, no rules
// applied (what the function's plumbing is compared with).

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

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
	fx := newOAuthFixture(b)
	opaque, _ := fx.issue(b, fx.clientA, nil)
	withDB := fx.verifier(b)
	b.Run("opaque", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := withDB.Verify(ctx, opaque); err != nil {
				b.Fatal(err)
			}
		}
	})
	check := newVerifier(b, keys, func(c *betterauth.TokenVerifierConfig) { c.Store, c.CheckClient = fx.s, true })
	userTok := ed.mint(b, tokenNow, func(_, p map[string]any) {
		p["azp"], p["client_id"], p["sid"] = "client-a", "client-a", fx.session.ID.String()
	})
	b.Run("jwt/EdDSA+CheckClient", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := check.Verify(ctx, userTok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/pgx-token", func(b *testing.B) {
		conn, err := pgxpool.New(ctx, fx.url)
		require.NoError(b, err)
		defer conn.Close()
		hash := betterauth.HashOAuthToken(opaque)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			var id, client string
			var exp time.Time
			var disabled bool
			var sessExp *time.Time
			if err := conn.QueryRow(ctx, `SELECT t.id, t.client_id, t.expires_at, c.disabled, s.expires_at FROM iam_oauth_access_token t
				JOIN iam_oauth_client c ON c.client_id = t.client_id LEFT JOIN shared_session s ON s.id = t.session_id WHERE t.token = $1`, hash).Scan(&id, &client, &exp, &disabled, &sessExp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/apikey", func(b *testing.B) {
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
