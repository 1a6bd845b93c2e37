package betterauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
)

func ExampleNew() {
	// In production: cfg, err := betterauth.ConfigFromEnv(os.Getenv)
	env := map[string]string{"BETTER_AUTH_SECRET": "0123456789abcdef0123456789abcdef-test-secret"}
	cfg, err := betterauth.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		panic(err)
	}
	cfg.SecureCookies = true // the Better Auth server has an https baseURL
	auth, err := betterauth.New(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(auth.SessionTokenCookieName())
	fmt.Println(auth) // never prints a secret
	// Output:
	// __Secure-better-auth.session_token
	// betterauth.Auth{cookie: __Secure-better-auth.session_token, secrets: [REDACTED]}
}

func ExampleAuth_SessionToken() {
	auth, _ := betterauth.New(betterauth.Config{Secret: domain.NewSecret("0123456789abcdef0123456789abcdef-test-secret")})

	// A request carrying the cookie a Better Auth server set at sign-in.
	r := httptest.NewRequest(http.MethodGet, "/api/things", nil)
	r.Header.Set("Cookie", "better-auth.session_token=PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM.5IBc%2FLX4SATu04NFxq6HpTlFZXed%2BxOzX4HrUYPoNRQ%3D")

	token, err := auth.SessionToken(r)
	switch {
	case errors.Is(err, betterauth.ErrNoCredentials):
		fmt.Println("anonymous")
	case err != nil:
		fmt.Println("rejected:", err)
	default:
		// Look the session up by token (SELECT ... FROM session WHERE token = $1).
		fmt.Println("session token:", token.Reveal())
		fmt.Printf("printed by accident: %v\n", token)
	}
	// Output:
	// session token: PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM
	// printed by accident: [REDACTED]
}

func ExampleAuth_SignCookieValue() {
	auth, _ := betterauth.New(betterauth.Config{Secret: domain.NewSecret("0123456789abcdef0123456789abcdef-test-secret")})
	// A session row Go created; Better Auth accepts this cookie.
	c := auth.SessionCookie("PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM", betterauth.DefaultSessionMaxAge)
	fmt.Println(c.String())
	// Output:
	// better-auth.session_token=PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM.5IBc%2FLX4SATu04NFxq6HpTlFZXed%2BxOzX4HrUYPoNRQ%3D; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax
}

func ExampleAuth_SessionFromCookieCache() {
	auth, _ := betterauth.New(betterauth.Config{Secret: domain.NewSecret("0123456789abcdef0123456789abcdef-test-secret")})
	_, lv := mustLoad()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", lv.CookieHeader) // session_token and session_data from a live server

	// The cache lives 5 minutes; a fixed time keeps the example reproducible.
	now := time.Date(2026, 11, 23, 17, 13, 0, 0, time.UTC)
	c, err := auth.SessionFromCookieCache(r, now)
	if err != nil {
		fmt.Println("fall back to the database:", err)
		return
	}
	fmt.Println(c.User.Name, c.User.Email, *c.User.Role)
	fmt.Println("session expires", c.Session.ExpiresAt.Format(time.RFC3339))
	// Output:
	// Alice alice1795453927984@example.com user
	// session expires 2026-11-30T17:12:08Z
}

func ExamplePasswordHasher() {
	// One per process: at most 4 scrypt calls at once (4 × 32 MiB); a sign-in
	// whose request ends while it waits for a slot gets the context's error.
	passwords := &betterauth.PasswordHasher{MaxConcurrent: 4}
	hash := "e329fb7a0e7a0158415b30ff67f7f441:fba7d919647217b8726cc47ca10929cf47ce6f938fc9a52803bde03e99d79a9b30e6bcae8b7a41d06e9ca4aa95d54206956d762113db707add10855cc828bc83"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // the request's context
	defer cancel()
	ok, err := passwords.Verify(ctx, hash, "password123")
	fmt.Println(ok, err)
	// Output: true <nil>
}

func ExampleVerifyPassword() {
	// account.password of a credential account Better Auth created.
	hash := "e329fb7a0e7a0158415b30ff67f7f441:fba7d919647217b8726cc47ca10929cf47ce6f938fc9a52803bde03e99d79a9b30e6bcae8b7a41d06e9ca4aa95d54206956d762113db707add10855cc828bc83"
	ok, err := betterauth.VerifyPassword(hash, "password123")
	fmt.Println(ok, err)
	ok, err = betterauth.VerifyPassword(hash, "password124")
	fmt.Println(ok, err)
	_, err = betterauth.VerifyPassword("not-a-hash", "password123")
	fmt.Println(err)
	// Output:
	// true <nil>
	// false <nil>
	// betterauth: password_hash: salt_colon_key: malformed input
}

func ExampleGenerateAPIKey() {
	key := betterauth.GenerateAPIKey("ba_") // show it to its owner once
	fmt.Println(len(key), betterauth.APIKeyFormat{Prefix: "ba_"}.Validate(key))
	// What the apikey row stores:
	fmt.Println(betterauth.HashAPIKey("ba_lqRcJWeJgTRObUqbfxWtHCalHmKPqpwbacZfMdUCHRgLcrByHcbxVlUgeTHRevfh"))
	fmt.Println(betterauth.APIKeyStart("ba_lqRcJWeJgTRObUqbfxWtHCalHmKPqpwbacZfMdUCHRgLcrByHcbxVlUgeTHRevfh"))
	// Output:
	// 67 <nil>
	// qh5gMtJUXDHREBlmkoLSYEG_IJBRS1LBhnPgZEZHDxw
	// ba_lqR
}

func ExampleEvaluateAPIKey() {
	created := time.Date(2026, 11, 23, 17, 12, 8, 0, time.UTC)
	remaining, window, limit, count := int64(100), int64(86_400_000), int64(10), int64(0)
	row := betterauth.APIKeyState{
		Remaining: &remaining, RateLimitTimeWindow: &window, RateLimitMax: &limit,
		RequestCount: &count, CreatedAt: created, UpdatedAt: created,
	}
	d, row := betterauth.EvaluateAPIKey(row, created.Add(time.Second))
	fmt.Println(d.Outcome, d.Write, *row.Remaining, *row.RequestCount)

	expired := created
	row.ExpiresAt = &expired
	d, _ = betterauth.EvaluateAPIKey(row, created.Add(time.Hour))
	fmt.Println(d.Outcome, d.Outcome.Code(), d.Outcome.HTTPStatus(), "delete:", d.Delete)
	// Output:
	// valid true 99 1
	// expired KEY_EXPIRED 401 delete: true
}

func ExampleAuth_DecryptTOTPSecret() {
	auth, _ := betterauth.New(betterauth.Config{Secret: domain.NewSecret("0123456789abcdef0123456789abcdef-test-secret")})
	// twoFactor.secret as Better Auth stored it.
	stored := "432f7e038ed2775746b9e638c0dd909046af2020421c3adc5b1be3154eae7093716e72e9d2e8f3ca69b06c1f68bc961385db0cea74debc1f4ae40d7e1ce7d12f615096dc8390db89"
	secret, err := auth.DecryptTOTPSecret(stored)
	if err != nil {
		panic(err)
	}
	now := time.Unix(1_800_000_000, 0)
	code := betterauth.GenerateTOTP(secret.Reveal(), now) // what the user's app shows
	fmt.Println(code, betterauth.VerifyTOTP(secret.Reveal(), code, now.Add(20*time.Second)))
	// Output:
	// 544772 true
}

func ExampleAuth_Decrypt() {
	auth, _ := betterauth.New(betterauth.Config{
		Secret: domain.NewSecret("0123456789abcdef0123456789abcdef-test-secret"), // legacy, for bare hex
		Secrets: []betterauth.SecretVersion{
			{Version: 2, Value: domain.NewSecret("rotated-secret-version-two-0123456789abcdef")},
			{Version: 1, Value: domain.NewSecret("rotated-secret-version-one-0123456789abcdef")},
		},
	})
	for _, v := range []string{
		"$ba$1$6b4cb88cbb5d8692276d17c1efe73871d1adad34ce6ccc6db4f519b81b6241b4ef6e5ef7b079b3abe4ffb601a7",
		"7505fe9b9ae149cac29445dfe603861097e6b04a14d89ff082821ced746a54a8ac304e2ddac3277e2c7d16ab66",
		"$ba$7$00",
	} {
		plain, err := auth.Decrypt(v)
		fmt.Printf("%q %v\n", plain, err)
	}
	// Output:
	// "hello" <nil>
	// "hello" <nil>
	// "" betterauth: ciphertext: secret_version_7: secret version not configured
}

func ExampleVerifyJWT() {
	v, _ := mustLoad()
	// The jwks rows the jwt plugin wrote; kid = row id.
	ks, err := betterauth.NewKeySet([]betterauth.JWKSRow{v.JWKS[0].Row})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c, err := betterauth.VerifyJWT(v.JWKS[0].JWT, ks, now, betterauth.JWTOptions{
		Issuer: "http://localhost:3000", Audience: "http://localhost:3000",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Println(c.Subject, c.ExpiresAt.Year())
	// Output:
	// jVXMAP5dPwn4ZzdHpf3xoXNg0WWYuHsU 2100
}
