package serve_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/serve"
	"github.com/beep/iam/store"
)

// identityHeaders are the default names of every identity header.
var identityHeaders = []string{"X-User-Id", "X-Session-Id", "X-Organization-Id", "X-User-Role", "X-Organization-Role", "X-User-Email", "X-Auth-Method", "X-API-Key-Id"}

type forwardBody struct {
	Subject string            `json:"subject"`
	Extra   map[string]string `json:"extra"`
}

func decodeForward(t *testing.T, body string) forwardBody {
	t.Helper()
	var b forwardBody
	require.NoErrorf(t, json.Unmarshal([]byte(body), &b), "body %q", body)
	return b
}

func TestForwardAuth_SessionCookieBearerAndAPIKeysGiveTheIdentity(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	wantSession := map[string]string{
		"X-User-Id": fx.user.ID.String(), "X-Session-Id": fx.sess.ID.String(), "X-Organization-Id": fx.org.ID.String(),
		"X-User-Role": "user", "X-Organization-Role": "owner", "X-User-Email": fx.user.Email, "X-API-Key-Id": "",
	}
	check := func(t *testing.T, res *http.Response, body, method string, want map[string]string) {
		t.Helper()
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
		require.Equal(t, method, res.Header.Get("X-Auth-Method"))
		for h, v := range want {
			require.Contains(t, res.Header, http.CanonicalHeaderKey(h), "every identity header is sent")
			require.Equal(t, v, res.Header.Get(h), h)
		}
		b := decodeForward(t, body)
		require.Equal(t, method, b.Extra["authMethod"])
		if want["X-User-Id"] != "" {
			require.Equal(t, want["X-User-Id"], b.Subject)
			require.Equal(t, want["X-User-Id"], b.Extra["userId"])
		}
	}
	for _, tc := range []struct {
		name, method, path string
		header             http.Header
		auth               string
	}{
		{"the session cookie", http.MethodGet, "/forward-auth", fx.sessionCookie(), serve.MethodCookie},
		{"the __Secure- cookie", http.MethodGet, "/forward-auth", cookieHeader("__Secure-better-auth.session_token", fx.cookie), serve.MethodCookie},
		{"a bearer token", http.MethodGet, "/forward-auth", http.Header{"Authorization": {"Bearer " + fx.cookie}}, serve.MethodBearer},
		{"any method and path", http.MethodDelete, "/forward-auth/v1/orders/42?expand=items", fx.sessionCookie(), serve.MethodCookie},
		{"a POST with a body it never reads", http.MethodPost, "/forward-auth/upload", fx.sessionCookie(), serve.MethodCookie},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := ""
			if tc.method == http.MethodPost {
				body = strings.Repeat("x", 1<<20) // larger than MaxBodyBytes: not read
			}
			res, b := fx.do(tc.method, tc.path, tc.header, body)
			check(t, res, b, tc.auth, wantSession)
			require.Equal(t, fx.sess.ID.String(), decodeForward(t, b).Extra["sessionId"])
		})
	}

	t.Run("a user's API key", func(t *testing.T) {
		k, plain := fx.newUserKey(fx.user, store.APIKeyRequest{Prefix: "ba_"})
		res, b := fx.do(http.MethodGet, "/forward-auth", http.Header{"X-Api-Key": {plain}}, "")
		check(t, res, b, serve.MethodAPIKey, map[string]string{
			"X-User-Id": fx.user.ID.String(), "X-Session-Id": "", "X-Organization-Id": "", "X-User-Email": fx.user.Email,
			"X-User-Role": "user", "X-Organization-Role": "", "X-API-Key-Id": k.ID.String(),
		})
	})
	t.Run("an organization's API key", func(t *testing.T) {
		k, err := fx.st.Org(fx.org.ID).CreateAPIKey(context.Background(), store.APIKeyRequest{})
		require.NoError(t, err)
		res, b := fx.do(http.MethodGet, "/forward-auth", http.Header{"X-Api-Key": {k.Plain.Reveal()}}, "")
		check(t, res, b, serve.MethodAPIKey, map[string]string{
			"X-User-Id": "", "X-Organization-Id": fx.org.ID.String(), "X-API-Key-Id": k.Key.ID.String(),
		})
		require.Equal(t, fx.org.ID.String(), decodeForward(t, b).Subject, "an organization's key speaks for the organization")
	})
}

func TestForwardAuth_RefusesWith401Or403AndEmptyIdentityHeaders(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	other := fx.newUser("other")
	expired, expiredCookie := fx.newSession(other, nil)
	fx.exec(`UPDATE shared_session SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE id = $1`, expired.ID)
	revoked, revokedCookie := fx.newSession(other, nil)
	require.NoError(t, fx.st.RevokeSession(ctx, revoked.ID))
	banned := fx.newUser("banned")
	_, bannedCookie := fx.newSession(banned, nil)
	_, bannedKey := fx.newUserKey(banned, store.APIKeyRequest{})
	fx.exec(`UPDATE shared_user SET banned = true, ban_reason = 'spam' WHERE id = $1`, banned.ID)
	disabled, disabledKey := fx.newUserKey(other, store.APIKeyRequest{})
	fx.exec(`UPDATE iam_apikey SET enabled = false WHERE id = $1`, disabled.ID)
	tampered := "A" + fx.cookie[1:]
	if tampered == fx.cookie {
		tampered = "B" + fx.cookie[1:]
	}
	unknown := fx.auth.SignCookieValue("NoSuchTokenNoSuchTokenNoSuchTok1")
	otherSecret, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret("another-secret-another-secret-another")})
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		header http.Header
		status int
		code   string
	}{
		{"no credentials", nil, http.StatusUnauthorized, "UNAUTHORIZED"},
		{"a tampered cookie", cookieHeader("better-auth.session_token", tampered), http.StatusUnauthorized, "INVALID_SESSION"},
		{"a cookie signed with another secret", cookieHeader("better-auth.session_token", otherSecret.SignCookieValue(fx.sess.Token.Reveal())), http.StatusUnauthorized, "INVALID_SESSION"},
		{"an unknown session", cookieHeader("better-auth.session_token", unknown), http.StatusUnauthorized, "INVALID_SESSION"},
		{"an expired session", cookieHeader("better-auth.session_token", expiredCookie), http.StatusUnauthorized, "INVALID_SESSION"},
		{"a revoked session", cookieHeader("better-auth.session_token", revokedCookie), http.StatusUnauthorized, "INVALID_SESSION"},
		{"a bearer without signature", http.Header{"Authorization": {"Bearer " + fx.sess.Token.Reveal()}}, http.StatusUnauthorized, "INVALID_SESSION"},
		{"a banned user's session", cookieHeader("better-auth.session_token", bannedCookie), http.StatusForbidden, "USER_BANNED"},
		{"a banned user's API key", http.Header{"X-Api-Key": {bannedKey}}, http.StatusForbidden, "USER_BANNED"},
		{"an unknown API key", http.Header{"X-Api-Key": {"ba_" + strings.Repeat("z", 64)}}, http.StatusUnauthorized, "INVALID_API_KEY"},
		{"an oversized API key", http.Header{"X-Api-Key": {strings.Repeat("z", 600)}}, http.StatusUnauthorized, "INVALID_API_KEY"},
		{"a disabled API key", http.Header{"X-Api-Key": {disabledKey}}, http.StatusForbidden, "KEY_DISABLED"},
		{"a bad API key wins over a good cookie", http.Header{"X-Api-Key": {"nope"}, "Cookie": {"better-auth.session_token=" + fx.cookie}}, http.StatusUnauthorized, "INVALID_API_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			// A client trying to pass its own identity: the empty headers
			// of the answer replace it at the gateway.
			h.Set("X-User-Id", fx.user.ID.String())
			res, body := fx.do(http.MethodGet, "/forward-auth/admin", h, "")
			require.Equal(t, tc.status, res.StatusCode, body)
			require.Equal(t, tc.code, errorCode(t, body))
			require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
			for _, name := range identityHeaders {
				require.Contains(t, res.Header, http.CanonicalHeaderKey(name))
				require.Empty(t, res.Header.Get(name), name)
			}
		})
	}
}

func TestForwardAuth_BrowsersAreSentToTheLoginPage(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, func(c *serve.Config) { c.LoginURL = "https://auth.example.com/sign-in?app=shop" })
	browser := http.Header{"Accept": {"text/html,application/xhtml+xml"}, "X-Forwarded-Proto": {"https"},
		"X-Forwarded-Host": {"shop.example.com"}, "X-Forwarded-Uri": {"/cart?item=7"}}
	res, _ := fx.do(http.MethodGet, "/forward-auth", browser, "")
	require.Equal(t, http.StatusFound, res.StatusCode)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "auth.example.com", loc.Host)
	require.Equal(t, "shop", loc.Query().Get("app"))
	require.Equal(t, "https://shop.example.com/cart?item=7", loc.Query().Get("callbackURL"))

	t.Run("nginx's X-Original-URI", func(t *testing.T) {
		h := http.Header{"Accept": {"text/html"}, "X-Forwarded-Host": {"shop.example.com"}, "X-Original-URI": {"/orders/1"}}
		res, _ := fx.do(http.MethodGet, "/forward-auth", h, "")
		require.Equal(t, http.StatusFound, res.StatusCode)
		loc, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, "http://shop.example.com/orders/1", loc.Query().Get("callbackURL"))
	})
	t.Run("an API client still gets 401", func(t *testing.T) {
		res, body := fx.do(http.MethodGet, "/forward-auth", http.Header{"Accept": {"application/json"}}, "")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, body)
	})
	t.Run("a banned browser user gets 403, not the login page", func(t *testing.T) {
		u := fx.newUser("banned-browser")
		_, c := fx.newSession(u, nil)
		fx.exec(`UPDATE shared_user SET banned = true WHERE id = $1`, u.ID)
		h := cookieHeader("better-auth.session_token", c)
		h.Set("Accept", "text/html")
		res, _ := fx.do(http.MethodGet, "/forward-auth", h, "")
		require.Equal(t, http.StatusForbidden, res.StatusCode)
	})
}

// TestForwardAuth_GatewayContracts sends what each gateway sends and checks
// what each one reads back.
func TestForwardAuth_GatewayContracts(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, func(c *serve.Config) {
		c.Headers = map[string]string{serve.HeaderUserID: "X-Auth-User", serve.HeaderUserEmail: ""}
	})

	t.Run("Traefik ForwardAuth copies authResponseHeaders and relays denials", func(t *testing.T) {
		// Traefik sends the original request's headers plus X-Forwarded-*,
		// as a GET to the address; 2xx lets the request through with the
		// headers of authResponseHeaders, anything else goes to the client.
		h := fx.sessionCookie()
		for k, v := range map[string]string{"X-Forwarded-Method": "PUT", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.com",
			"X-Forwarded-Uri": "/v1/items/3", "X-Forwarded-For": "198.51.100.4"} {
			h.Set(k, v)
		}
		res, _ := fx.do(http.MethodGet, "/forward-auth", h, "")
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, fx.user.ID.String(), res.Header.Get("X-Auth-User"), "the renamed header")
		require.NotContains(t, res.Header, "X-User-Id")
		require.NotContains(t, res.Header, "X-User-Email", "a header mapped to \"\" is not sent")
		require.Equal(t, fx.org.ID.String(), res.Header.Get("X-Organization-Id"))
		h.Del("Cookie")
		res, body := fx.do(http.MethodGet, "/forward-auth", h, "")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"), "the denial body is what the client sees")
		require.Equal(t, "UNAUTHORIZED", errorCode(t, body))
	})

	t.Run("Envoy ext_authz (HTTP) appends the path to path_prefix and keeps the method", func(t *testing.T) {
		// allowed_headers: cookie, authorization; the check request has no
		// body; 200 lets it through with allowed_upstream_headers, the
		// denial's status and body go downstream.
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodOptions} {
			res, body := fx.do(m, "/forward-auth/shop/cart", http.Header{"Authorization": {"Bearer " + fx.cookie}, "Content-Length": {"0"}}, "")
			require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", m, body)
			require.Equal(t, fx.sess.ID.String(), res.Header.Get("X-Session-Id"))
			require.Equal(t, "owner", res.Header.Get("X-Organization-Role"))
		}
		res, _ := fx.do(http.MethodPost, "/forward-auth/shop/cart", http.Header{"Authorization": {"Bearer forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}, "")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	})

	t.Run("Oathkeeper cookie_session reads subject and extra", func(t *testing.T) {
		// check_session_url with preserve_path: the original path, the
		// Cookie header; 200 and a JSON body whose subject_from ("subject")
		// and extra_from ("extra") it reads.
		res, body := fx.do(http.MethodGet, "/forward-auth/dashboard", fx.sessionCookie(), "")
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"))
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &doc))
		require.Equal(t, fx.user.ID.String(), doc["subject"])
		extra, ok := doc["extra"].(map[string]any)
		require.True(t, ok, "extra is an object: %s", body)
		require.Equal(t, fx.org.ID.String(), extra["organizationId"])
		require.Equal(t, "owner", extra["organizationRole"])
		require.Equal(t, fx.user.Email, extra["email"], "the body carries the e-mail even when its header is off")
		res, _ = fx.do(http.MethodGet, "/forward-auth/dashboard", nil, "")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "anything but 200 is unauthorized to Oathkeeper")
	})
}
