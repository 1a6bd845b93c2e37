package store

// The lookups behind betterauth.TokenVerifier (migration 0006): a Go
// resource server verifies the access tokens Better Auth's oauth-provider
// issues before it knows the tenant, so both go through the narrow objects
// of 0006 (the function iam_verify_oauth_token, the view
// iam_oauth_client_status) rather than the organization-bound
// repositories. Both run on the primary: a revocation or a disabled client
// counts at once, even when replicas lag.

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/domain"
)

// OAuthAccessTokenStatus is an opaque access token's row as a verifier
// needs it, with its client's status and its session's expiry. It holds
// no token and no hash.
type OAuthAccessTokenStatus struct {
	ID       string
	ClientID string
	// UserID is nil for a client_credentials token; SessionID is nil for
	// one and after the session was deleted (the foreign key sets it NULL).
	UserID, SessionID *string
	ReferenceID       *string
	// OrganizationID is the token's organization (its client's, or the one
	// reference_id names).
	OrganizationID *string
	Scopes         []string
	// Resources are the audiences the token was issued for; nil for none.
	Resources []string
	CreatedAt time.Time
	ExpiresAt time.Time
	Revoked   *time.Time
	Client    OAuthClientStatus
}

// OAuthClientStatus is what a verifier needs of a client and of the
// session a token names: whether the client exists (not soft-deleted) and
// is disabled, its organization, and whether the session still exists
// with its expiry.
type OAuthClientStatus struct {
	Found          bool
	Disabled       bool
	OrganizationID *string
	// SessionFound and SessionExpiresAt describe the session asked for
	// (false and nil when none was named or it is gone).
	SessionFound     bool
	SessionExpiresAt *time.Time
}

const verifyOAuthTokenSQL = `SELECT id, client_id, user_id, session_id, reference_id, organization_id, scopes, resources,
	created_at, expires_at, revoked, client_found, COALESCE(client_disabled, true), client_organization_id, session_found, session_expires_at
	FROM iam_verify_oauth_token($1)`

// LookupOAuthAccessToken returns the opaque access token whose stored form
// (betterauth.HashOAuthToken of the token) is hash, with its client and
// session, in one statement (iam_verify_oauth_token). No such token is
// ErrNotFound. It applies no rule: expiry, revocation and the client's
// status are the caller's to judge (betterauth.TokenVerifier.VerifyOpaque).
func (s *Store) LookupOAuthAccessToken(ctx context.Context, hash string) (OAuthAccessTokenStatus, error) {
	var t OAuthAccessTokenStatus
	err := s.db.QueryRow(ctx, verifyOAuthTokenSQL, hash).Scan(&t.ID, &t.ClientID, &t.UserID, &t.SessionID, &t.ReferenceID, &t.OrganizationID,
		&t.Scopes, &t.Resources, &t.CreatedAt, &t.ExpiresAt, &t.Revoked,
		&t.Client.Found, &t.Client.Disabled, &t.Client.OrganizationID, &t.Client.SessionFound, &t.Client.SessionExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, notFound(domain.TableOAuthAccessToken, "verify", "")
	}
	return t, wrap(err, domain.TableOAuthAccessToken, "verify", "")
}

const oauthClientStatusSQL = `SELECT c.client_id IS NOT NULL, COALESCE(c.disabled, true), c.organization_id, s.id IS NOT NULL, s.expires_at
	FROM (SELECT $1::text AS client_id, NULLIF($2::text, '') AS session_id) q
	LEFT JOIN iam_oauth_client_status c ON c.client_id = q.client_id
	LEFT JOIN ` + domain.TableSession + ` s ON s.id = q.session_id`

// LookupOAuthClient returns the status of the client whose client_id is
// clientID and of the session sessionID ("" for none), in one statement:
// what betterauth.TokenVerifier asks about a JWT access token with
// CheckClient, as Better Auth's introspection does. A client of any
// organization is found (iam_oauth_client_status shows no secret); an
// unknown one is Found false, not an error.
func (s *Store) LookupOAuthClient(ctx context.Context, clientID, sessionID string) (OAuthClientStatus, error) {
	var c OAuthClientStatus
	err := s.db.QueryRow(ctx, oauthClientStatusSQL, clientID, sessionID).Scan(&c.Found, &c.Disabled, &c.OrganizationID, &c.SessionFound, &c.SessionExpiresAt)
	return c, wrap(err, domain.TableOAuthClient, "verify", clientID)
}
