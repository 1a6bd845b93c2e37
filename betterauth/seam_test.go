package betterauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
)

func TestRequestSession_PassesTheVerifiedTokenOnly(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	a := newAuth(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", lv.CookieHeader)
	got, err := betterauth.RequestSession(context.Background(), a, r, func(_ context.Context, tok domain.Secret) (string, error) {
		return "session for " + tok.Reveal(), nil
	})
	require.NoError(t, err)
	require.Equal(t, "session for "+lv.GetSession.Session["token"].(string), got)

	r.Header.Set("Cookie", "better-auth.session_token=forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	called := false
	_, err = betterauth.RequestSession(context.Background(), a, r, func(context.Context, domain.Secret) (string, error) {
		called = true
		return "", nil
	})
	require.ErrorIs(t, err, betterauth.ErrInvalidSignature)
	require.False(t, called, "a forged cookie never reaches the database")
}

func TestVerifyAPIKey_HashesValidKeysAndStopsMalformedOnes(t *testing.T) {
	t.Parallel()
	_, lv := load(t)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("X-Api-Key", " "+lv.APIKeyCreated.Key+" ")
	key, ok := betterauth.APIKeyFromRequest(r)
	require.True(t, ok)

	var gotHash string
	apply := func(_ context.Context, hash string, _ time.Time) (betterauth.APIKeyDecision, betterauth.APIKeyState, error) {
		gotHash = hash
		return betterauth.APIKeyDecision{Outcome: betterauth.APIKeyValid}, betterauth.APIKeyState{}, nil
	}
	f := betterauth.APIKeyFormat{Prefix: "ba_"}
	d, _, err := betterauth.VerifyAPIKey(context.Background(), f, key, t0, apply)
	require.NoError(t, err)
	require.Equal(t, betterauth.APIKeyValid, d.Outcome)
	require.Equal(t, "qh5gMtJUXDHREBlmkoLSYEG_IJBRS1LBhnPgZEZHDxw", gotHash)

	gotHash = ""
	_, _, err = betterauth.VerifyAPIKey(context.Background(), f, "ba_short", t0, apply)
	require.ErrorIs(t, err, betterauth.ErrMalformed)
	require.Empty(t, gotHash)

	_, ok = betterauth.APIKeyFromRequest(httptest.NewRequest(http.MethodGet, "/", nil), "authorization-key")
	require.False(t, ok)
}
