package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// issuedTokens is what test/oauth.test.ts hands Go at its step "issued":
// the tokens Better Auth's oauth-provider issued over HTTP, and who they
// were issued to.
type issuedTokens struct {
	JWT             string `json:"jwt"`           // alice's, for the resource (a JWT)
	Opaque          string `json:"opaque"`        // alice's, no resource (opaque); end session revokes it
	OpaqueRevoked   string `json:"opaqueRevoked"` // alice's, opaque; /oauth2/revoke deletes it
	M2MOpaque       string `json:"m2mOpaque"`     // client credentials, no resource
	M2MJWT          string `json:"m2mJWT"`        // client credentials, for the resource
	UserID          string `json:"userId"`
	ClientID        string `json:"clientId"`
	SessionID       string `json:"sessionId"`
	MachineClientID string `json:"machineClientId"`
	Issuer          string `json:"issuer"`
	Resource        string `json:"resource"`
}

// TestOAuthProviderAndSCIMOnTheIamSchema runs Better Auth 1.7 as an OAuth
// 2.1 / OIDC authorization server (@better-auth/oauth-provider + jwt) and
// a SCIM endpoint (@better-auth/scim, with Better Auth's own
// runSCIMLifecycle) on a freshly migrated iam database through withIam,
// with Better Auth's runtime schema check on (test/oauth.test.ts), on
// every locked release. In the middle of the run Go verifies the tokens
// Node issued (betterauth.TokenVerifier on a store connected as iam_app),
// and after Node revoked them and ended the session, refuses them.
func TestOAuthProviderAndSCIMOnTheIamSchema(t *testing.T) {
	t.Parallel()
	for _, project := range nodeProjects {
		t.Run(projectName(t, project), func(t *testing.T) {
			t.Parallel()
			testOAuthProvider(t, project)
		})
	}
}

// verdicts collects what Go found at a step: each failure fails the Go
// test and is handed to Node, whose assertion then fails too.
type verdicts struct {
	t        *testing.T
	failures []string
}

func (v *verdicts) failf(format string, args ...any) {
	v.t.Helper()
	msg := fmt.Sprintf(format, args...)
	v.t.Error(msg)
	v.failures = append(v.failures, msg)
}

// accept requires tok to verify, then check to hold on the result.
func (v *verdicts) accept(name string, tv *betterauth.TokenVerifier, tok string, check func(*betterauth.AccessToken) string) {
	v.t.Helper()
	at, err := tv.Verify(context.Background(), tok)
	if err != nil {
		v.failf("%s: refused: %v", name, err)
		return
	}
	if msg := check(at); msg != "" {
		v.failf("%s: %s", name, msg)
	}
}

// refuse requires tok to be refused with sentinel and rule, and the error
// not to contain the token.
func (v *verdicts) refuse(name string, tv *betterauth.TokenVerifier, tok string, sentinel error, rule string) {
	v.t.Helper()
	_, err := tv.Verify(context.Background(), tok)
	var te *betterauth.TokenError
	switch {
	case err == nil:
		v.failf("%s: accepted, want %v (%s)", name, sentinel, rule)
	case !errors.Is(err, betterauth.ErrInvalidToken) || !errors.Is(err, sentinel) || !errors.As(err, &te) || te.Rule != rule:
		v.failf("%s: %v, want %v (%s)", name, err, sentinel, rule)
	case strings.Contains(err.Error(), tok):
		v.failf("%s: the error contains the token", name)
	}
}

func testOAuthProvider(t *testing.T, project string) {
	ctx := context.Background()
	superURL := pgtest.NewDatabase(t)
	st, err := store.Open(ctx, superURL, store.Options{})
	require.NoError(t, err)
	t.Cleanup(st.Close)

	var tok issuedTokens
	// verifiers: plain (stateless JWTs, opaque tokens by their row), with
	// the client and session check, and one that also takes tokens of no
	// audience (what Better Auth issues for userinfo).
	var plain, checked, anyAudience *betterauth.TokenVerifier
	newVerifier := func(mutate func(*betterauth.TokenVerifierConfig)) *betterauth.TokenVerifier {
		cfg := betterauth.TokenVerifierConfig{Issuer: tok.Issuer, Audience: []string{tok.Resource}, Keys: betterauth.StoreKeys(st), Store: st}
		if mutate != nil {
			mutate(&cfg)
		}
		v, err := betterauth.NewTokenVerifier(cfg)
		require.NoError(t, err)
		return v
	}
	alices := func(session bool) func(*betterauth.AccessToken) string {
		return func(at *betterauth.AccessToken) string {
			switch {
			case at.UserID != tok.UserID || at.Subject != tok.UserID:
				return fmt.Sprintf("user %q (sub %q), want %q", at.UserID, at.Subject, tok.UserID)
			case at.ClientID != tok.ClientID:
				return fmt.Sprintf("client %q, want %q", at.ClientID, tok.ClientID)
			case !at.HasScope("read") || !at.HasScope("openid"):
				return fmt.Sprintf("scopes %v lack read or openid", at.Scopes)
			case session && at.SessionID != tok.SessionID:
				return fmt.Sprintf("session %q, want %q", at.SessionID, tok.SessionID)
			case at.SessionID == "":
				return "no session"
			}
			return ""
		}
	}
	machine := func(kind betterauth.TokenKind) func(*betterauth.AccessToken) string {
		return func(at *betterauth.AccessToken) string {
			if at.Kind != kind || at.UserID != "" || at.Subject != tok.MachineClientID || at.ClientID != tok.MachineClientID || !at.HasScope("read") {
				return fmt.Sprintf("got %+v, want a %s machine token of %s", *at, kind, tok.MachineClientID)
			}
			return ""
		}
	}

	steps := []nodeStep{{
		Name: "issued",
		Check: func(t *testing.T, data json.RawMessage) any {
			require.NoError(t, json.Unmarshal(data, &tok))
			plain = newVerifier(nil)
			checked = newVerifier(func(c *betterauth.TokenVerifierConfig) { c.CheckClient = true })
			anyAudience = newVerifier(func(c *betterauth.TokenVerifierConfig) { c.AllowNoAudience = true })
			v := &verdicts{t: t}
			v.accept("the JWT access token", plain, tok.JWT, alices(true))
			v.accept("the JWT access token with the client check", checked, tok.JWT, alices(true))
			v.accept("the machine JWT", plain, tok.M2MJWT, machine(betterauth.TokenJWT))
			v.accept("the machine JWT with the client check", checked, tok.M2MJWT, machine(betterauth.TokenJWT))
			// Opaque tokens: Better Auth issues them when no resource was asked,
			// i.e. for its own userinfo endpoint; a resource server refuses
			// them unless it takes tokens of no audience.
			for name, o := range map[string]string{"the opaque token": tok.Opaque, "the opaque token to be revoked": tok.OpaqueRevoked} {
				v.refuse(name+" (no audience)", plain, o, betterauth.ErrWrongAudience, "accepted_audience")
				v.accept(name, anyAudience, o, func(at *betterauth.AccessToken) string {
					if at.Kind != betterauth.TokenOpaque {
						return "not verified as opaque"
					}
					return alices(false)(at)
				})
			}
			v.accept("the machine opaque token", anyAudience, tok.M2MOpaque, machine(betterauth.TokenOpaque))
			// Bad input: another audience, another issuer, a tampered token, an unknown one.
			other := newVerifier(func(c *betterauth.TokenVerifierConfig) { c.Audience = []string{"https://other.example.com"} })
			v.refuse("the JWT at another resource server", other, tok.JWT, betterauth.ErrWrongAudience, "accepted_audience")
			foreign := newVerifier(func(c *betterauth.TokenVerifierConfig) { c.Issuer = "https://evil.example.com/api/auth" })
			v.refuse("the JWT for another issuer", foreign, tok.JWT, betterauth.ErrWrongIssuer, "configured_issuer")
			v.refuse("a tampered JWT", plain, tok.JWT[:len(tok.JWT)-4]+"AAAA", betterauth.ErrInvalidSignature, "verify")
			v.refuse("an opaque token never issued", anyAudience, betterauth.OAuthTokenFormat{}.Generate(), betterauth.ErrUnknownToken, "known_token")
			// A server of one organization: Better Auth's dynamically registered
			// clients belong to no organization, so such a server refuses them.
			onlyOrg := newVerifier(func(c *betterauth.TokenVerifierConfig) {
				c.Organization = "shared_organization__0199aaaa-0000-7000-8000-000000000000"
			})
			v.refuse("the JWT at a server of one organization", onlyOrg, tok.JWT, betterauth.ErrWrongOrganization, "configured_organization")
			return map[string]any{"accepted": len(v.failures) == 0, "why": v.failures}
		},
	}, {
		Name: "revoked",
		Check: func(t *testing.T, _ json.RawMessage) any {
			v := &verdicts{t: t}
			// End session deleted alice's session and marked its opaque tokens
			// revoked; /oauth2/revoke deleted the other opaque token's row.
			v.refuse("the opaque token of the ended session", anyAudience, tok.Opaque, betterauth.ErrRevoked, "not_revoked")
			v.refuse("the opaque token revoked through /oauth2/revoke", anyAudience, tok.OpaqueRevoked, betterauth.ErrUnknownToken, "known_token")
			// A JWT is stateless: valid until exp without the client check ...
			v.accept("the JWT after its session ended, stateless", plain, tok.JWT, alices(true))
			// ... and refused with it, as Better Auth's introspection does.
			v.refuse("the JWT after its session ended, with the client check", checked, tok.JWT, betterauth.ErrSessionEnded, "session_live")
			// Machine tokens have no session and stay valid.
			v.accept("the machine JWT", checked, tok.M2MJWT, machine(betterauth.TokenJWT))
			v.accept("the machine opaque token", anyAudience, tok.M2MOpaque, machine(betterauth.TokenOpaque))
			return map[string]any{"refused": len(v.failures) == 0, "why": v.failures}
		},
	}}
	run := runNode(t, nodeSuite{Project: project, File: "test/oauth.test.ts", URL: betterAuthURL(t, superURL), Steps: steps})
	require.Equal(t, lockedVersion(t, project, "better-auth"), artefact(t, run.Artefacts, "versions.better-auth"), "the run loaded the release the lockfile pins")

	// After the run: the rows Better Auth left are ours (typed ids, the
	// database's triggers ran) and Go's disabled-client rule holds on them.
	conn, err := pgx.Connect(ctx, superURL)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	_, err = conn.Exec(ctx, `UPDATE iam_oauth_client SET disabled = true WHERE client_id = $1`, tok.MachineClientID)
	require.NoError(t, err)
	v := &verdicts{t: t}
	v.refuse("the machine JWT of a disabled client", checked, tok.M2MJWT, betterauth.ErrClientDisabled, "client_enabled")
	v.refuse("the machine opaque token of a disabled client", anyAudience, tok.M2MOpaque, betterauth.ErrClientDisabled, "client_enabled")
	v.accept("the machine JWT of a disabled client, stateless", plain, tok.M2MJWT, machine(betterauth.TokenJWT))
}
