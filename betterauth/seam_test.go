package betterauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

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

	f := betterauth.APIKeyFormat{Prefix: "ba_"}
	require.NoError(t, f.Validate(key))
	require.Equal(t, "qh5gMtJUXDHREBlmkoLSYEG_IJBRS1LBhnPgZEZHDxw", betterauth.HashAPIKey(key))

	// A malformed key is refused before any database work (a nil store
	// would panic if it were reached).
	_, err := betterauth.VerifyAPIKey(context.Background(), nil, f, "ba_short", "")
	require.ErrorIs(t, err, betterauth.ErrMalformed)

	_, ok = betterauth.APIKeyFromRequest(httptest.NewRequest(http.MethodGet, "/", nil), "authorization-key")
	require.False(t, ok)
}
