package store

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
)

// revokeUser deletes the user's sessions and disables the user's own API
// keys (organization-owned keys belong to the organization and stay).
func (tx *Tx) revokeUser(ctx context.Context, user domain.UserID) error {
	if err := tx.store.step("revoke user: user updated"); err != nil {
		return err
	}
	if _, err := tx.tx.Exec(ctx, "DELETE FROM "+domain.TableSession+" WHERE user_id = $1", user.String()); err != nil {
		return wrap(err, domain.TableSession, "revoke", user.String())
	}
	if err := tx.store.step("revoke user: sessions deleted"); err != nil {
		return err
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE `+domain.TableAPIKey+` SET enabled = false
		WHERE organization_id IS NULL AND (user_id = $1 OR reference_id = $1) AND enabled`, user.String()); err != nil {
		return wrap(err, domain.TableAPIKey, "disable", user.String())
	}
	return tx.store.step("revoke user: api keys disabled")
}

// BanUser bans the user (until expires, or for good when nil), deletes
// their sessions and disables their API keys, in one transaction: it is
// Tx.BanUser in a transaction of its own.
func (s *Store) BanUser(ctx context.Context, id domain.UserID, reason string, expires *time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.BanUser(ctx, id, reason, expires) })
}

// BanUser bans the user (until expires, or for good when nil), deletes
// their sessions and disables their API keys, in the caller's transaction.
func (tx *Tx) BanUser(ctx context.Context, id domain.UserID, reason string, expires *time.Time) error {
	var r *string
	if reason != "" {
		r = &reason
	}
	tag, err := tx.tx.Exec(ctx, "UPDATE "+domain.TableUser+" SET banned = true, ban_reason = $2, ban_expires = $3 WHERE id = $1 AND deleted_at IS NULL", id.String(), r, expires)
	if err != nil {
		return wrap(err, domain.TableUser, "ban", id.String())
	}
	if tag.RowsAffected() == 0 {
		return notFound(domain.TableUser, "ban", id.String())
	}
	return tx.revokeUser(ctx, id)
}

// DeleteUser soft-deletes the user, deletes their sessions and disables
// their API keys, in one transaction: it is Tx.DeleteUser in a transaction
// of its own. Organizations they own keep existing. The user is also marked
// banned, because Better Auth does not read deleted_at and would otherwise
// still let them sign in.
func (s *Store) DeleteUser(ctx context.Context, id domain.UserID) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteUser(ctx, id) })
}

// DeleteUser soft-deletes the user (and bans them), deletes their sessions
// and disables their API keys, in the caller's transaction.
func (tx *Tx) DeleteUser(ctx context.Context, id domain.UserID) error {
	actor, _ := tx.store.audit(ctx)
	tag, err := tx.tx.Exec(ctx, `UPDATE `+domain.TableUser+` SET deleted_at = now(), deleted_by = $2, banned = true,
		ban_reason = 'deleted', ban_expires = NULL WHERE id = $1 AND deleted_at IS NULL`, id.String(), actor)
	if err != nil {
		return wrap(err, domain.TableUser, "delete", id.String())
	}
	if tag.RowsAffected() == 0 {
		return notFound(domain.TableUser, "delete", id.String())
	}
	return tx.revokeUser(ctx, id)
}
