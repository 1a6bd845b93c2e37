package betterauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/beep/iam/betterauth"
)

// A Go resource server (or MCP server) accepting the access tokens Better
// Auth's oauth-provider issues. In production Keys is
// betterauth.StoreKeys(st) for a *store.Store of an iam_app login.
func ExampleRequireBearer() {
	v, err := betterauth.NewTokenVerifier(betterauth.TokenVerifierConfig{
		Issuer:   "https://auth.example.com/api/auth", // baseURL + basePath, or jwt({jwt: {issuer}})
		Audience: []string{"https://api.example.com"}, // the resource clients ask tokens for
		Keys:     betterauth.StaticKeys{},
	})
	if err != nil {
		panic(err)
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := betterauth.AccessTokenFrom(r.Context())
		fmt.Fprintf(w, "notes of %s via client %s", tok.UserID, tok.ClientID)
	})
	h := betterauth.RequireBearer(v, betterauth.BearerOptions{
		Realm:            "notes",
		Scopes:           []string{"read:notes"},
		ResourceMetadata: "https://api.example.com/.well-known/oauth-protected-resource",
	})(api)

	for _, auth := range []string{"", "Bearer not-a-token", "Bearer two tokens"} {
		r := httptest.NewRequest(http.MethodGet, "/notes", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("WWW-Authenticate"))
	}
	// Output:
	// 401 Bearer realm="notes", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"
	// 401 Bearer realm="notes", error="invalid_token", error_description="access_token: length", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"
	// 400 Bearer realm="notes", error="invalid_request", error_description="authorization: b64token", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"
}

// Refusals name the rule, never the token, and match errors.Is.
func ExampleTokenVerifier_Verify() {
	v, _ := betterauth.NewTokenVerifier(betterauth.TokenVerifierConfig{
		Issuer: "https://auth.example.com/api/auth", Audience: []string{"https://api.example.com"},
		Keys: betterauth.StaticKeys{},
	})
	_, err := v.Verify(context.Background(), "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.e30.c2ln")
	var te *betterauth.TokenError
	fmt.Println(errors.Is(err, betterauth.ErrInvalidToken), errors.Is(err, betterauth.ErrInvalidSignature))
	if errors.As(err, &te) {
		fmt.Println(te.Field, te.Rule)
	}
	fmt.Println(err)
	// Output:
	// true true
	// access_token.header.kid known_key
	// betterauth: access_token.header.kid: known_key: invalid signature
}
