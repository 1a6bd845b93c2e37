package store

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/baformat"
)

// The session workflows below that are one statement run on the pool
// without a transaction of their own (no BEGIN/COMMIT on the sign-in
// path); the Tx variants run the same statement in the caller's
// transaction.

// CreateSession starts a session for user lasting ttl and returns it with
// its plain token (sign it with betterauth to make a cookie). ip and
// userAgent may be empty.
func (s *Store) CreateSession(ctx context.Context, user domain.UserID, ttl time.Duration, ip, userAgent string) (domain.Session, error) {
	return createSession(ctx, s.Sessions(), user, ttl, ip, userAgent)
}

// CreateSession is Store.CreateSession in the caller's transaction.
func (tx *Tx) CreateSession(ctx context.Context, user domain.UserID, ttl time.Duration, ip, userAgent string) (domain.Session, error) {
	return createSession(ctx, tx.Sessions(), user, ttl, ip, userAgent)
}

func createSession(ctx context.Context, sessions SessionRepo, user domain.UserID, ttl time.Duration, ip, userAgent string) (domain.Session, error) {
	p := domain.SessionParams{
		ExpiresAt: time.Now().Add(ttl),
		Token:     domain.NewSecret(baformat.SessionToken()),
		UserID:    user,
	}
	if ip != "" {
		p.IPAddress = domain.SecretPtr(ip)
	}
	if userAgent != "" {
		p.UserAgent = domain.SecretPtr(userAgent)
	}
	sess, err := domain.NewSession(p)
	if err != nil {
		return domain.Session{}, err
	}
	return sessions.Create(ctx, sess)
}

// RevokeSession deletes the session (Better Auth's sign-out does the same).
func (s *Store) RevokeSession(ctx context.Context, id domain.SessionID) error {
	return revokeSession(ctx, s.db, id)
}

// RevokeSession is Store.RevokeSession in the caller's transaction.
func (tx *Tx) RevokeSession(ctx context.Context, id domain.SessionID) error {
	return revokeSession(ctx, tx.tx, id)
}

func revokeSession(ctx context.Context, db DB, id domain.SessionID) error {
	tag, err := db.Exec(ctx, "DELETE FROM "+domain.TableSession+" WHERE id = $1", id.String())
	if err != nil {
		return wrap(err, domain.TableSession, "revoke", id.String())
	}
	if tag.RowsAffected() == 0 {
		return notFound(domain.TableSession, "revoke", id.String())
	}
	return nil
}

// RevokeOtherSessions deletes every session of the user except keep, and
// returns how many were deleted.
func (s *Store) RevokeOtherSessions(ctx context.Context, user domain.UserID, keep domain.SessionID) (int64, error) {
	return revokeOtherSessions(ctx, s.db, user, keep)
}

// RevokeOtherSessions is Store.RevokeOtherSessions in the caller's
// transaction.
func (tx *Tx) RevokeOtherSessions(ctx context.Context, user domain.UserID, keep domain.SessionID) (int64, error) {
	return revokeOtherSessions(ctx, tx.tx, user, keep)
}

func revokeOtherSessions(ctx context.Context, db DB, user domain.UserID, keep domain.SessionID) (int64, error) {
	tag, err := db.Exec(ctx, "DELETE FROM "+domain.TableSession+" WHERE user_id = $1 AND id <> $2", user.String(), keep.String())
	if err != nil {
		return 0, wrap(err, domain.TableSession, "revoke others", keep.String())
	}
	return tag.RowsAffected(), nil
}

// SetActiveOrganization makes org the session's active organization. The
// session's user must be a live member of org (ErrForbidden otherwise). It
// is Tx.SetActiveOrganization in a transaction of its own.
func (s *Store) SetActiveOrganization(ctx context.Context, session domain.SessionID, org domain.OrganizationID) (domain.Session, error) {
	var out domain.Session
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.setActiveOrganization(ctx, session, org, false)
		return err
	})
	return out, err
}

// SetActiveOrganization makes org the session's active organization in the
// caller's transaction (the session's user must be a live member of org:
// ErrForbidden otherwise). The transaction stays global afterwards.
func (tx *Tx) SetActiveOrganization(ctx context.Context, session domain.SessionID, org domain.OrganizationID) (domain.Session, error) {
	return tx.setActiveOrganization(ctx, session, org, true)
}

func (tx *Tx) setActiveOrganization(ctx context.Context, session domain.SessionID, org domain.OrganizationID, reset bool) (domain.Session, error) {
	sess, err := scanOne[domain.Session](tx.tx.QueryRow(ctx, tSession.selectSQL+" WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", session.String()))
	if err != nil {
		return domain.Session{}, wrap(err, domain.TableSession, "set active organization", session.String())
	}
	// The update runs confined to org too: the trigger that checks the
	// membership reads iam_member under its RLS policy.
	var out domain.Session
	err = tx.inOrg(ctx, org, reset, func(otx *OrgTx) error {
		if _, err := otx.Members().GetByUser(ctx, sess.UserID); err != nil {
			if IsNotFound(err) {
				return &Error{Entity: domain.TableSession, Op: "set active organization", ID: session.String(), Kind: ErrForbidden, Detail: "the user is not a member of " + org.String()}
			}
			return err
		}
		out, err = scanOne[domain.Session](tx.tx.QueryRow(ctx,
			"UPDATE "+domain.TableSession+" SET active_organization_id = $2, active_team_id = NULL WHERE id = $1 RETURNING "+tSession.cols.list, session.String(), org.String()))
		return wrap(err, domain.TableSession, "set active organization", session.String())
	})
	if err != nil {
		return domain.Session{}, err
	}
	return out, nil
}
