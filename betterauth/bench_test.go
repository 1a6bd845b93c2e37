package betterauth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/beep/iam/betterauth"
)

// Run with: go test ./betterauth -run '^$' -bench . -benchmem

func BenchmarkVerifySignedValue(b *testing.B) {
	_, lv := load(b)
	a := newAuth(b)
	_, value := cutSetCookie(lv.SignInSetCookie[0])
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.VerifySignedValue(value); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSessionToken(b *testing.B) {
	_, lv := load(b)
	a := newAuth(b)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", lv.CookieHeader)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.SessionToken(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCookieCache(b *testing.B) {
	_, lv := load(b)
	a := newAuth(b)
	_, value := cutSetCookie(lv.SignInSetCookie[1])
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.VerifyCookieCache(value, liveNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionFromCookieCache is the Go counterpart of Better Auth's
// get-session answered from the cookie cache: both cookies verified, token
// matched, version and expiry checked, session and user decoded.
func BenchmarkSessionFromCookieCache(b *testing.B) {
	_, lv := load(b)
	a := newAuth(b)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", lv.CookieHeader)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.SessionFromCookieCache(r, liveNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	v, _ := load(b)
	p := v.Passwords[0]
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := betterauth.VerifyPassword(p.Hash, p.Password); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkHashAPIKey(b *testing.B) {
	_, lv := load(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = betterauth.HashAPIKey(lv.APIKeyCreated.Key)
	}
}

func BenchmarkEvaluateAPIKey(b *testing.B) {
	row := liveKey()
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		_, _ = betterauth.EvaluateAPIKey(row, now)
	}
}

func BenchmarkDecryptTOTPSecretAndVerify(b *testing.B) {
	v, _ := load(b)
	a := newAuth(b)
	code := v.TOTP.Codes[3].Code
	b.ReportAllocs()
	for b.Loop() {
		s, err := a.DecryptTOTPSecret(v.TOTP.EncryptedSecret)
		if err != nil {
			b.Fatal(err)
		}
		betterauth.VerifyTOTP(s.Reveal(), code, jwtNow)
	}
}

func BenchmarkVerifyJWT(b *testing.B) {
	v, _ := load(b)
	ks, err := betterauth.NewKeySet([]betterauth.JWKSRow{v.JWKS[0].Row})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := betterauth.VerifyJWT(v.JWKS[0].JWT, ks, jwtNow, betterauth.JWTOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
