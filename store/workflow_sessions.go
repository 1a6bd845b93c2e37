package store

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/beep/iam/domain"
)

// sessionTokenAlphabet is Better Auth's generateId alphabet.
const sessionTokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newSessionToken returns a 32-character [A-Za-z0-9] token, the format
// Better Auth stores in shared_session.token.
func newSessionToken() string {
	out := make([]byte, 32)
	buf := make([]byte, 64)
	for i := 0; i < len(out); {
		_, _ = rand.Read(buf)
		for _, c := range buf {
			if c >= 248 { // 4*62: keep the distribution uniform
				continue
			}
			out[i] = sessionTokenAlphabet[int(c)%62]
			i++
			if i == len(out) {
				break
			}
		}
	}
	return string(out)
}

// CreateSession starts a session for user lasting ttl and returns it with
// its plain token (sign it with betterauth to make a cookie). ip and
// userAgent may be empty.
func (s *Store) CreateSession(ctx context.Context, user domain.UserID, ttl time.Duration, ip, userAgent string) (domain.Session, error) {
	p := domain.SessionParams{
		ExpiresAt: time.Now().Add(ttl),
		Token:     domain.NewSecret(newSessionToken()),
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
	return s.Sessions().Create(ctx, sess)
}

// RevokeSession deletes the session (Better Auth's sign-out does the same).
func (s *Store) RevokeSession(ctx context.Context, id domain.SessionID) error {
	tag, err := s.db.Exec(ctx, "DELETE FROM shared_session WHERE id = $1", id.String())
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
	tag, err := s.db.Exec(ctx, "DELETE FROM shared_session WHERE user_id = $1 AND id <> $2", user.String(), keep.String())
	if err != nil {
		return 0, wrap(err, domain.TableSession, "revoke others", keep.String())
	}
	return tag.RowsAffected(), nil
}

// SetActiveOrganization makes org the session's active organization. The
// session's user must be a live member of org (ErrForbidden otherwise).
func (s *Store) SetActiveOrganization(ctx context.Context, session domain.SessionID, org domain.OrganizationID) (domain.Session, error) {
	var out domain.Session
	err := s.InTx(ctx, func(tx *Tx) error {
		sess, err := scanOne[domain.Session](tx.tx.QueryRow(ctx, tSession.selectSQL+" WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", session.String()))
		if err != nil {
			return wrap(err, domain.TableSession, "set active organization", session.String())
		}
		otx, err := tx.orgTx(ctx, org)
		if err != nil {
			return err
		}
		if _, err := otx.Members().GetByUser(ctx, sess.UserID); err != nil {
			if IsNotFound(err) {
				return &Error{Entity: domain.TableSession, Op: "set active organization", ID: session.String(), Kind: ErrForbidden, Detail: "the user is not a member of " + org.String()}
			}
			return err
		}
		out, err = scanOne[domain.Session](tx.tx.QueryRow(ctx,
			"UPDATE shared_session SET active_organization_id = $2, active_team_id = NULL WHERE id = $1 RETURNING "+tSession.cols.list, session.String(), org.String()))
		return wrap(err, domain.TableSession, "set active organization", session.String())
	})
	return out, err
}
