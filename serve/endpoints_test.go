package serve_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
	"github.com/beep/iam/store"
)

// isoMillis is how Better Auth sends dates (Date.prototype.toJSON).
var isoMillis = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// baFields are the Better Auth field names the schema declares for table.
func baFields(table string) []string {
	var out []string
	for _, c := range schema.TableByName(table).Columns {
		if c.BetterAuth != nil {
			out = append(out, c.BetterAuth.Name)
		}
	}
	return out
}

func TestGetSession_AnswersLikeBetterAuthWithoutTheToken(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	res, body := fx.do(http.MethodGet, "/api/auth/get-session", fx.sessionCookie(), "")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Equal(t, "application/json", res.Header.Get("Content-Type"))
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	var got struct {
		Session map[string]any `json:"session"`
		User    map[string]any `json:"user"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))

	for _, f := range baFields(domain.TableSession) {
		if f == "token" {
			require.NotContains(t, got.Session, "token", "the token is the credential: never sent")
			continue
		}
		require.Contains(t, got.Session, f)
	}
	require.Len(t, got.Session, len(baFields(domain.TableSession))-1, "only Better Auth's fields: %v", got.Session)
	for _, f := range baFields(domain.TableUser) {
		require.Contains(t, got.User, f)
	}
	require.Len(t, got.User, len(baFields(domain.TableUser)))
	require.NotContains(t, body, fx.sess.Token.Reveal())

	require.Equal(t, fx.sess.ID.String(), got.Session["id"])
	require.Equal(t, fx.user.ID.String(), got.Session["userId"])
	require.Equal(t, fx.org.ID.String(), got.Session["activeOrganizationId"])
	require.Nil(t, got.Session["activeTeamId"])
	require.Equal(t, "203.0.113.9", got.Session["ipAddress"])
	require.Equal(t, "serve-test", got.Session["userAgent"])
	for _, f := range []string{"expiresAt", "createdAt", "updatedAt"} {
		require.Regexp(t, isoMillis, got.Session[f], f)
	}
	wantExpiry := fx.sess.ExpiresAt.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
	require.Equal(t, wantExpiry, got.Session["expiresAt"])
	require.Equal(t, fx.user.Email, got.User["email"])
	require.Equal(t, false, got.User["banned"])
	require.Equal(t, "user", got.User["role"])
	require.Nil(t, got.User["banExpires"])

	res, body = fx.do(http.MethodGet, "/api/auth/get-session", http.Header{"Authorization": {"Bearer " + fx.cookie}}, "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, fx.sess.ID.String(), "the bearer token works too")

	for name, h := range map[string]http.Header{
		"no credentials":  nil,
		"a forged cookie": cookieHeader("better-auth.session_token", "forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"),
	} {
		res, body := fx.do(http.MethodGet, "/api/auth/get-session", h, "")
		require.Equal(t, http.StatusOK, res.StatusCode, name)
		require.Equal(t, "null\n", body, "%s: Better Auth answers null", name)
	}
	fx.exec(`UPDATE shared_user SET banned = true WHERE id = $1`, fx.user.ID)
	_, body = fx.do(http.MethodGet, "/api/auth/get-session", fx.sessionCookie(), "")
	require.Equal(t, "null\n", body, "a banned user is not signed in")

	res, body = fx.do(http.MethodPost, "/api/auth/get-session", fx.sessionCookie(), "")
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	require.Equal(t, "GET, HEAD", res.Header.Get("Allow"))
	require.Equal(t, "METHOD_NOT_ALLOWED", errorCode(t, body))
}

type verifyAnswer struct {
	Valid bool `json:"valid"`
	Error *struct {
		Message string         `json:"message"`
		Code    string         `json:"code"`
		Details map[string]any `json:"details"`
	} `json:"error"`
	Key map[string]any `json:"key"`
}

func (fx *fixture) verify(body string) (int, verifyAnswer, string) {
	fx.t.Helper()
	res, b := fx.do(http.MethodPost, "/api/auth/api-key/verify", http.Header{"Content-Type": {"application/json"}}, body)
	var a verifyAnswer
	if res.StatusCode == http.StatusOK {
		require.NoErrorf(fx.t, json.Unmarshal([]byte(b), &a), "body %q", b)
	}
	return res.StatusCode, a, b
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestVerifyAPIKey_AnswersLikeTheAPIKeyPlugin(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	perms, meta, rem := `{"files":["read","write"]}`, `{"env":"ci"}`, int32(5)
	k, plain := fx.newUserKey(fx.user, store.APIKeyRequest{Prefix: "ba_", Permissions: &perms, Metadata: &meta, Remaining: &rem})

	status, a, raw := fx.verify(jsonBody(t, map[string]any{"key": plain}))
	require.Equal(t, http.StatusOK, status, raw)
	require.True(t, a.Valid, raw)
	require.Nil(t, a.Error)
	require.Equal(t, k.ID.String(), a.Key["id"])
	require.NotContains(t, a.Key, "key", "the hash is not sent")
	require.NotContains(t, raw, k.Key.Reveal())
	require.NotContains(t, raw, plain)
	require.Equal(t, map[string]any{"files": []any{"read", "write"}}, a.Key["permissions"], "permissions are parsed")
	require.Equal(t, map[string]any{"env": "ci"}, a.Key["metadata"])
	require.Equal(t, float64(4), a.Key["remaining"], "the use is counted")
	require.Equal(t, fx.user.ID.String(), a.Key["referenceId"])
	require.Equal(t, "default", a.Key["configId"])
	for _, f := range baFields(domain.TableAPIKey) {
		if f != "key" {
			require.Contains(t, a.Key, f)
		}
	}

	t.Run("permissions", func(t *testing.T) {
		_, a, raw := fx.verify(jsonBody(t, map[string]any{"key": plain, "permissions": map[string][]string{"files": {"read"}}}))
		require.True(t, a.Valid, raw)
		_, a, raw = fx.verify(jsonBody(t, map[string]any{"key": plain, "permissions": map[string][]string{"files": {"delete"}}}))
		require.False(t, a.Valid, raw)
		require.Equal(t, "KEY_NOT_FOUND", a.Error.Code)
		_, a, _ = fx.verify(jsonBody(t, map[string]any{"key": plain, "permissions": map[string][]string{"billing": {"read"}}}))
		require.Equal(t, "KEY_NOT_FOUND", a.Error.Code)
	})
	t.Run("config id", func(t *testing.T) {
		_, a, raw := fx.verify(jsonBody(t, map[string]any{"key": plain, "configId": "other"}))
		require.False(t, a.Valid, raw)
		require.Equal(t, "INVALID_API_KEY", a.Error.Code)
	})
	t.Run("refusals", func(t *testing.T) {
		_, a, _ := fx.verify(jsonBody(t, map[string]any{"key": "ba_" + strings.Repeat("q", 64)}))
		require.False(t, a.Valid)
		require.Equal(t, "INVALID_API_KEY", a.Error.Code)
		require.Equal(t, "Invalid API key.", a.Error.Message)
		require.Nil(t, a.Key)

		off, offPlain := fx.newUserKey(fx.user, store.APIKeyRequest{})
		fx.exec(`UPDATE iam_apikey SET enabled = false WHERE id = $1`, off.ID)
		_, a, _ = fx.verify(jsonBody(t, map[string]any{"key": offPlain}))
		require.Equal(t, "KEY_DISABLED", a.Error.Code)

		enabled, max, window := true, int32(1), int32(3_600_000)
		_, limited := fx.newUserKey(fx.user, store.APIKeyRequest{RateLimitEnabled: &enabled, RateLimitMax: &max, RateLimitTimeWindow: &window})
		_, a, _ = fx.verify(jsonBody(t, map[string]any{"key": limited}))
		require.True(t, a.Valid)
		_, a, raw := fx.verify(jsonBody(t, map[string]any{"key": limited}))
		require.False(t, a.Valid, raw)
		require.Equal(t, "RATE_LIMITED", a.Error.Code)
		require.Greater(t, a.Error.Details["tryAgainIn"], float64(0))
	})
	t.Run("a malformed body is 400 naming every field and rule", func(t *testing.T) {
		for body, want := range map[string][][2]string{
			`{}`: {{"key", "required"}},
			`{"key": 42, "configId": 7, "permissions": ["x"]}`: {{"key", "string"}, {"configId", "string"}, {"permissions", "permission_map"}},
			`{"key": "k", "permissions": {"files": null}}`:     {{"permissions.files", "string_array"}},
			`not json`: {{"body", "json_object"}},
			`["key"]`:  {{"body", "json_object"}},
		} {
			status, _, raw := fx.verify(body)
			require.Equal(t, http.StatusBadRequest, status, body)
			var e struct {
				Code     string           `json:"code"`
				Problems []domain.Problem `json:"problems"`
			}
			require.NoError(t, json.Unmarshal([]byte(raw), &e))
			require.Equal(t, "VALIDATION_ERROR", e.Code)
			var got [][2]string
			for _, p := range e.Problems {
				got = append(got, [2]string{p.Field, p.Rule})
			}
			require.ElementsMatch(t, want, got, body)
		}
		status, _, raw := fx.verify(`{"key": "` + strings.Repeat("k", 70<<10) + `"}`)
		require.Equal(t, http.StatusRequestEntityTooLarge, status)
		require.Contains(t, raw, `"field":"body"`)
		require.Contains(t, raw, `"rule":"max_bytes"`)
		res, _ := fx.do(http.MethodGet, "/api/auth/api-key/verify", nil, "")
		require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	})
}

func TestJWKS_PublishesThePublicKeysOnly(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	const privateMarker = "PRIVATE-KEY-MATERIAL-never-served"
	var id, expiredID, goneID string
	require.NoError(t, fx.su.QueryRow(context.Background(), `INSERT INTO iam_jwks (public_key, private_key, alg, crv)
		VALUES ('{"crv":"Ed25519","x":"N1EEn8-b-tMcOzettoW9J7IOSsSg9QhCw6pyhBJ81h8","kty":"OKP"}', $1, 'EdDSA', 'Ed25519') RETURNING id`, privateMarker).Scan(&id))
	// Expired a day ago: still published during the 30-day grace period.
	require.NoError(t, fx.su.QueryRow(context.Background(), `INSERT INTO iam_jwks (public_key, private_key, created_at, expires_at)
		VALUES ('{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP"}', $1, now() - interval '90 days', now() - interval '1 day') RETURNING id`, privateMarker).Scan(&expiredID))
	require.NoError(t, fx.su.QueryRow(context.Background(), `INSERT INTO iam_jwks (public_key, private_key, created_at, expires_at)
		VALUES ('{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP"}', $1, now() - interval '90 days', now() - interval '40 days') RETURNING id`, privateMarker).Scan(&goneID))

	res, body := fx.do(http.MethodGet, "/api/auth/jwks", nil, "")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.NotContains(t, body, privateMarker)
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	require.Len(t, doc.Keys, 2, body)
	require.Equal(t, map[string]string{"alg": "EdDSA", "crv": "Ed25519", "x": "N1EEn8-b-tMcOzettoW9J7IOSsSg9QhCw6pyhBJ81h8", "kty": "OKP", "kid": id}, doc.Keys[0])
	require.Equal(t, expiredID, doc.Keys[1]["kid"])
	require.NotContains(t, body, goneID, "past the grace period")
	require.Equal(t, `{"keys":[{"alg":"EdDSA","crv":"Ed25519","x":"N1EEn8-b-tMcOzettoW9J7IOSsSg9QhCw6pyhBJ81h8","kty":"OKP","kid":"`+id+`"},`, body[:strings.Index(body, "},")+2],
		"Better Auth's member order")
}
