package betterauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
)

func TestBearerToken_ParsesRFC6750Header(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		headers []string
		tok     string
		err     error
		rule    string
	}{
		"none":           {nil, "", betterauth.ErrNoCredentials, ""},
		"basic":          {[]string{"Basic dXNlcjpwYXNz"}, "", betterauth.ErrNoCredentials, ""},
		"bearer":         {[]string{"Bearer abc.def-_~+/="}, "abc.def-_~+/=", nil, ""},
		"scheme case":    {[]string{"bEaReR abc"}, "abc", nil, ""},
		"padding":        {[]string{"Bearer abc=="}, "abc==", nil, ""},
		"two headers":    {[]string{"Bearer a", "Bearer b"}, "", betterauth.ErrMalformed, "single_header"},
		"no token":       {[]string{"Bearer"}, "", betterauth.ErrMalformed, "token_required"},
		"blank token":    {[]string{"Bearer   "}, "", betterauth.ErrMalformed, "token_required"},
		"two tokens":     {[]string{"Bearer a b"}, "", betterauth.ErrMalformed, "b64token"},
		"quote":          {[]string{`Bearer a"b`}, "", betterauth.ErrMalformed, "b64token"},
		"= in the midst": {[]string{"Bearer a=b"}, "", betterauth.ErrMalformed, "b64token"},
		"non-ascii":      {[]string{"Bearer ab\xc3\xa9"}, "", betterauth.ErrMalformed, "b64token"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for _, h := range c.headers {
			r.Header.Add("Authorization", h)
		}
		tok, err := betterauth.BearerToken(r)
		if c.err == nil {
			require.NoError(t, err, name)
			require.Equal(t, c.tok, tok, name)
			continue
		}
		require.ErrorIs(t, err, c.err, name)
		if c.rule != "" {
			var ie *betterauth.InputError
			require.ErrorAs(t, err, &ie, name)
			require.Equal(t, c.rule, ie.Rule, name)
		}
	}
}

// failingVerifier fails like a verifier whose database is down.
type failingVerifier struct{}

func (failingVerifier) Verify(context.Context, string) (*betterauth.AccessToken, error) {
	return nil, errors.New("connection refused")
}

func TestRequireBearer_AnswersPerRFC6750(t *testing.T) {
	t.Parallel()
	k := newSigningKey(t, "jwk-main", "EdDSA")
	v := newVerifier(t, betterauth.StaticKeys{k.row})
	var refused []string
	opts := betterauth.BearerOptions{
		Realm: "notes", Scopes: []string{"read:notes"},
		ResourceMetadata: "https://api.example.com/.well-known/oauth-protected-resource",
		OnRefused: func(_ *http.Request, status int, err error) {
			refused = append(refused, err.Error())
		},
	}
	var seen *betterauth.AccessToken
	h := betterauth.RequireBearer(v, opts)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = betterauth.AccessTokenFrom(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))
	good := k.mint(t, tokenNow, nil)
	expired := k.mint(t, tokenNow, func(_, p map[string]any) { p["exp"] = tokenNow.Unix() - 1 })
	noScope := k.mint(t, tokenNow, func(_, p map[string]any) { p["scope"] = "openid" })
	wrongAud := k.mint(t, tokenNow, func(_, p map[string]any) { p["aud"] = "https://other.example.com" })
	const rm = `resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"`

	for _, c := range []struct {
		name   string
		auth   []string
		status int
		www    string
		error  string
	}{
		{"valid", []string{"Bearer " + good}, http.StatusNoContent, "", ""},
		{"no header", nil, http.StatusUnauthorized, `Bearer realm="notes", ` + rm, "unauthorized"},
		{"basic", []string{"Basic dXNlcjpwYXNz"}, http.StatusUnauthorized, `Bearer realm="notes", ` + rm, "unauthorized"},
		{"malformed header", []string{"Bearer a b"}, http.StatusBadRequest,
			`Bearer realm="notes", error="invalid_request", error_description="authorization: b64token", ` + rm, "invalid_request"},
		{"two headers", []string{"Bearer " + good, "Bearer " + good}, http.StatusBadRequest,
			`Bearer realm="notes", error="invalid_request", error_description="authorization: single_header", ` + rm, "invalid_request"},
		{"expired", []string{"Bearer " + expired}, http.StatusUnauthorized,
			`Bearer realm="notes", error="invalid_token", error_description="access_token.exp: expired", ` + rm, "invalid_token"},
		{"wrong audience", []string{"Bearer " + wrongAud}, http.StatusUnauthorized,
			`Bearer realm="notes", error="invalid_token", error_description="access_token.aud: accepted_audience", ` + rm, "invalid_token"},
		{"garbage", []string{"Bearer abc"}, http.StatusUnauthorized,
			`Bearer realm="notes", error="invalid_token", error_description="access_token: length", ` + rm, "invalid_token"},
		{"insufficient scope", []string{"Bearer " + noScope}, http.StatusForbidden,
			`Bearer realm="notes", error="insufficient_scope", error_description="access_token.scope: missing read:notes", scope="read:notes", ` + rm, "insufficient_scope"},
	} {
		seen = nil
		r := httptest.NewRequest(http.MethodGet, "/notes", nil)
		for _, a := range c.auth {
			r.Header.Add("Authorization", a)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		require.Equal(t, c.status, w.Code, c.name)
		require.Equal(t, c.www, w.Header().Get("WWW-Authenticate"), c.name)
		if c.status == http.StatusNoContent {
			require.NotNil(t, seen, c.name)
			require.Equal(t, testUser, seen.UserID)
			require.Equal(t, testClient, seen.ClientID)
			continue
		}
		require.Nil(t, seen, c.name)
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"), c.name)
		var body struct{ Error, ErrorDescription string }
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &struct {
			Error            *string `json:"error"`
			ErrorDescription *string `json:"error_description"`
		}{&body.Error, &body.ErrorDescription}), c.name)
		require.Equal(t, c.error, body.Error, c.name)
	}
	// Nothing written or reported contains a token.
	for _, tok := range []string{good, expired, noScope, wrongAud} {
		sig := tok[strings.LastIndexByte(tok, '.')+1:]
		for _, e := range refused {
			require.NotContains(t, e, sig)
		}
	}
	require.Len(t, refused, 8)

	// A verifier that fails (database down): 503 without a challenge.
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+good)
	betterauth.RequireBearer(failingVerifier{}, betterauth.BearerOptions{})(http.NotFoundHandler()).ServeHTTP(w, r)
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Empty(t, w.Header().Get("WWW-Authenticate"))

	// Without a realm or metadata the challenge is bare.
	w = httptest.NewRecorder()
	betterauth.RequireBearer(v, betterauth.BearerOptions{})(http.NotFoundHandler()).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, "Bearer", w.Header().Get("WWW-Authenticate"))

	// Options that would break the header are refused when building.
	require.Panics(t, func() { betterauth.RequireBearer(v, betterauth.BearerOptions{Realm: `a"b`}) })
	require.Panics(t, func() { betterauth.RequireBearer(v, betterauth.BearerOptions{Scopes: []string{"a b"}}) })

	// AccessTokenFrom on a context without one.
	_, ok := betterauth.AccessTokenFrom(context.Background())
	require.False(t, ok)
}
