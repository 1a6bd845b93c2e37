package store

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// orgTx confines the rest of a global transaction to organization id: it
// sets app.current_org_id for the transaction. Workflows that span global
// and organization rows (creating an organization with its owner) use it.
func (tx *Tx) orgTx(ctx context.Context, id domain.OrganizationID) (*OrgTx, error) {
	if _, err := tx.tx.Exec(ctx, setOrgSQL, id.String()); err != nil {
		return nil, wrap(err, domain.TableOrganization, "set tenant", id.String())
	}
	o := &Org{s: tx.store, id: id.String(), db: tx.tx}
	return &OrgTx{o: o, tx: tx.tx}, nil
}

// CreateOrganization creates the organization and the owner's membership
// (role owner) in one transaction, and returns both.
func (s *Store) CreateOrganization(ctx context.Context, p domain.OrganizationParams, owner domain.UserID) (domain.Organization, domain.Member, error) {
	if p.OwnerUserID == nil {
		p.OwnerUserID = &owner
	}
	org, err := domain.NewOrganization(p)
	if err != nil {
		return domain.Organization{}, domain.Member{}, err
	}
	var created domain.Organization
	var member domain.Member
	err = s.InTx(ctx, func(tx *Tx) error {
		var err error
		if created, err = tx.Organizations().Create(ctx, org); err != nil {
			return err
		}
		if err := s.step("create organization: organization created"); err != nil {
			return err
		}
		otx, err := tx.orgTx(ctx, created.ID)
		if err != nil {
			return err
		}
		role := domain.Roles("owner")
		now := time.Now()
		m, err := domain.NewMember(domain.MemberParams{OrganizationID: created.ID, UserID: owner, Role: &role, JoinedAt: &now})
		if err != nil {
			return err
		}
		if member, err = otx.Members().Create(ctx, m); err != nil {
			return err
		}
		return s.step("create organization: owner added")
	})
	return created, member, err
}

// Invite creates a pending invitation. There is at most one pending
// invitation per organization and email (ErrDuplicate naming the unique
// index otherwise), and an email that already belongs to a member of the
// organization is refused with ErrConflict. A role other than owner, admin
// and member must be a custom role of the organization (checked in the
// transaction; a *domain.ValidationError for field role otherwise).
func (o *Org) Invite(ctx context.Context, p domain.InvitationParams) (domain.Invitation, error) {
	p.OrganizationID = o.ID()
	inv, err := domain.NewInvitation(p)
	if err != nil {
		return domain.Invitation{}, err
	}
	var out domain.Invitation
	err = o.InTx(ctx, func(tx *OrgTx) error {
		var exists bool
		err := tx.tx.QueryRow(ctx, `SELECT EXISTS (
			SELECT 1 FROM iam_member m JOIN shared_user u ON u.id = m.user_id
			WHERE m.organization_id = $1 AND u.email = $2 AND m.deleted_at IS NULL)`, o.id, inv.Email).Scan(&exists)
		if err != nil {
			return wrap(err, domain.TableInvitation, "invite", "")
		}
		if exists {
			return conflict(domain.TableInvitation, "invite", "", "the email already belongs to a member of the organization")
		}
		out, err = tx.Invitations().Create(ctx, inv)
		return err
	})
	return out, err
}

// AcceptInvitation makes user a member of the organization (and of the
// invitation's teams) with the invitation's role and marks the invitation
// accepted, in one transaction. Errors: ErrNotFound (no such invitation in
// this organization), ErrConflict (already accepted, rejected or canceled),
// ErrExpired, ErrForbidden (the invitation is for another email), a
// *domain.ValidationError for field role when a custom role of the
// invitation is no longer a role of the organization.
func (o *Org) AcceptInvitation(ctx context.Context, id domain.InvitationID, user domain.UserID) (domain.Member, error) {
	var member domain.Member
	err := o.InTx(ctx, func(tx *OrgTx) error {
		inv, err := scanOne[domain.Invitation](tx.tx.QueryRow(ctx,
			tInvitation.selectSQL+" WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL FOR UPDATE", id.String(), o.id))
		if err != nil {
			return wrap(err, domain.TableInvitation, "accept", id.String())
		}
		switch {
		case inv.Status != domain.InvitationStatusPending:
			return conflict(domain.TableInvitation, "accept", id.String(), "the invitation is "+string(inv.Status))
		case !inv.ExpiresAt.After(time.Now()):
			return &Error{Entity: domain.TableInvitation, Op: "accept", ID: id.String(), Kind: ErrExpired}
		}
		var email string
		if err := tx.tx.QueryRow(ctx, "SELECT email FROM shared_user WHERE id = $1 AND deleted_at IS NULL", user.String()).Scan(&email); err != nil {
			return wrap(err, domain.TableUser, "accept", user.String())
		}
		if !strings.EqualFold(email, inv.Email) {
			return &Error{Entity: domain.TableInvitation, Op: "accept", ID: id.String(), Kind: ErrForbidden, Detail: "the invitation was sent to another email"}
		}
		now := time.Now()
		invited := inv.CreatedAt
		m, err := domain.NewMember(domain.MemberParams{
			OrganizationID: o.ID(), UserID: user, Role: inv.Role, InvitedBy: &inv.InviterID,
			InvitedAt: &invited, JoinedAt: &now,
		})
		if err != nil {
			return err
		}
		// The invitation's custom roles are checked again here, in this
		// transaction: the organization may have deleted one since the
		// invitation was sent.
		if member, err = tx.Members().Create(ctx, m); err != nil {
			return err
		}
		if err := o.s.step("accept: member created"); err != nil {
			return err
		}
		if inv.TeamID != nil {
			for _, t := range strings.Split(*inv.TeamID, ",") {
				teamID, err := domain.ParseID[domain.Team](strings.TrimSpace(t))
				if err != nil {
					return err
				}
				tm, err := domain.NewTeamMember(domain.TeamMemberParams{OrganizationID: o.ID(), TeamID: teamID, UserID: user})
				if err != nil {
					return err
				}
				if _, err := tx.TeamMembers().Create(ctx, tm); err != nil {
					return err
				}
				if err := o.s.step("accept: team member created"); err != nil {
					return err
				}
			}
		}
		if _, err = tx.tx.Exec(ctx, "UPDATE iam_invitation SET status = 'accepted' WHERE id = $1 AND organization_id = $2", id.String(), o.id); err != nil {
			return wrap(err, domain.TableInvitation, "accept", id.String())
		}
		return o.s.step("accept: invitation accepted")
	})
	return member, err
}

// setInvitationStatus moves a pending invitation to status.
func (o *Org) setInvitationStatus(ctx context.Context, id domain.InvitationID, status domain.InvitationStatus, op string) error {
	tag, err := o.db.Exec(ctx, "UPDATE iam_invitation SET status = $1::invitation_status_enum WHERE id = $2 AND organization_id = $3 AND status = 'pending' AND deleted_at IS NULL",
		string(status), id.String(), o.id)
	if err != nil {
		return wrap(err, domain.TableInvitation, op, id.String())
	}
	if tag.RowsAffected() == 0 {
		if _, err := o.Invitations().Get(ctx, id); err != nil {
			return err
		}
		return conflict(domain.TableInvitation, op, id.String(), "the invitation is no longer pending")
	}
	return nil
}

// RejectInvitation marks a pending invitation rejected.
func (o *Org) RejectInvitation(ctx context.Context, id domain.InvitationID) error {
	return o.setInvitationStatus(ctx, id, domain.InvitationStatusRejected, "reject")
}

// CancelInvitation marks a pending invitation canceled.
func (o *Org) CancelInvitation(ctx context.Context, id domain.InvitationID) error {
	return o.setInvitationStatus(ctx, id, domain.InvitationStatusCanceled, "cancel")
}

// lockOwners locks every owner membership of the organization and returns
// their ids, so concurrent demotions and removals of owners serialize.
func (tx *OrgTx) lockOwners(ctx context.Context) (map[string]bool, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id FROM iam_member WHERE organization_id = $1 AND deleted_at IS NULL
		AND 'owner' = ANY(string_to_array(role, ',')) ORDER BY _row_id FOR UPDATE`, tx.o.id)
	if err != nil {
		return nil, wrap(err, domain.TableMember, "lock owners", "")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, wrap(err, domain.TableMember, "lock owners", "")
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ChangeRole sets a member's roles: "admin" or a comma-separated list such
// as "admin,auditor". Every role other than owner, admin and member must be
// a custom role of the organization, checked in the transaction (a
// *domain.ValidationError for field role otherwise, also for a malformed
// list). The last owner cannot be demoted (ErrConflict).
func (o *Org) ChangeRole(ctx context.Context, id domain.MemberID, roles string) (domain.Member, error) {
	r, err := domain.ParseOrganizationRoles(roles)
	if err != nil {
		rule := "role"
		if strings.TrimSpace(roles) == "" {
			rule = "required"
		}
		v := domain.NewValidator(domain.TableMember)
		v.Add("role", rule, "role: %s", err)
		return domain.Member{}, v.Err()
	}
	var out domain.Member
	err = o.InTx(ctx, func(tx *OrgTx) error {
		if err := tx.o.checkRoles(ctx, tx.tx, domain.TableMember, r.Custom(), ""); err != nil {
			return err
		}
		owners, err := tx.lockOwners(ctx)
		if err != nil {
			return err
		}
		m, err := tx.Members().Get(ctx, id)
		if err != nil {
			return err
		}
		if owners[m.ID.String()] && len(owners) == 1 && !r.Has("owner") {
			return conflict(domain.TableMember, "change role", id.String(), "the last owner of an organization cannot be demoted")
		}
		m.Role = r
		if out, err = tMember.update(ctx, o.s, tx.tx, o.id, m); err != nil { // roles checked above
			return err
		}
		return o.s.step("change role: member updated")
	})
	return out, err
}

// RemoveMember removes a membership and the user's team memberships in the
// organization. The rows are deleted, not soft-deleted: Better Auth, which
// reads the same tables, does not know deleted_at. The last owner cannot be
// removed (ErrConflict).
func (o *Org) RemoveMember(ctx context.Context, id domain.MemberID) error {
	return o.InTx(ctx, func(tx *OrgTx) error {
		owners, err := tx.lockOwners(ctx)
		if err != nil {
			return err
		}
		m, err := tx.Members().Get(ctx, id)
		if err != nil {
			return err
		}
		if owners[m.ID.String()] && len(owners) == 1 {
			return conflict(domain.TableMember, "remove", id.String(), "the last owner of an organization cannot be removed")
		}
		if _, err := tx.tx.Exec(ctx, "DELETE FROM iam_team_member WHERE organization_id = $1 AND user_id = $2", o.id, m.UserID.String()); err != nil {
			return wrap(err, domain.TableTeamMember, "remove", "")
		}
		if err := o.s.step("remove member: team memberships removed"); err != nil {
			return err
		}
		if _, err = tx.tx.Exec(ctx, "DELETE FROM iam_member WHERE organization_id = $1 AND id = $2", o.id, id.String()); err != nil {
			return wrap(err, domain.TableMember, "remove", id.String())
		}
		return o.s.step("remove member: member removed")
	})
}

// revokeUser deletes the user's sessions and disables the user's own API
// keys (organization-owned keys belong to the organization and stay).
func (tx *Tx) revokeUser(ctx context.Context, user domain.UserID) error {
	if err := tx.store.step("revoke user: user updated"); err != nil {
		return err
	}
	if _, err := tx.tx.Exec(ctx, "DELETE FROM shared_session WHERE user_id = $1", user.String()); err != nil {
		return wrap(err, domain.TableSession, "revoke", user.String())
	}
	if err := tx.store.step("revoke user: sessions deleted"); err != nil {
		return err
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE iam_apikey SET enabled = false
		WHERE organization_id IS NULL AND (user_id = $1 OR reference_id = $1) AND enabled`, user.String()); err != nil {
		return wrap(err, domain.TableAPIKey, "disable", user.String())
	}
	return tx.store.step("revoke user: api keys disabled")
}

// BanUser bans the user (until expires, or for good when nil), deletes
// their sessions and disables their API keys, in one transaction.
func (s *Store) BanUser(ctx context.Context, id domain.UserID, reason string, expires *time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var r *string
		if reason != "" {
			r = &reason
		}
		tag, err := tx.tx.Exec(ctx, "UPDATE shared_user SET banned = true, ban_reason = $2, ban_expires = $3 WHERE id = $1 AND deleted_at IS NULL", id.String(), r, expires)
		if err != nil {
			return wrap(err, domain.TableUser, "ban", id.String())
		}
		if tag.RowsAffected() == 0 {
			return notFound(domain.TableUser, "ban", id.String())
		}
		return tx.revokeUser(ctx, id)
	})
}

// DeleteUser soft-deletes the user, deletes their sessions and disables
// their API keys, in one transaction. Organizations they own keep existing.
// The user is also marked banned, because Better Auth does not read
// deleted_at and would otherwise still let them sign in.
func (s *Store) DeleteUser(ctx context.Context, id domain.UserID) error {
	actor, _ := s.audit(ctx)
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.tx.Exec(ctx, `UPDATE shared_user SET deleted_at = now(), deleted_by = $2, banned = true,
			ban_reason = 'deleted', ban_expires = NULL WHERE id = $1 AND deleted_at IS NULL`, id.String(), actor)
		if err != nil {
			return wrap(err, domain.TableUser, "delete", id.String())
		}
		if tag.RowsAffected() == 0 {
			return notFound(domain.TableUser, "delete", id.String())
		}
		return tx.revokeUser(ctx, id)
	})
}

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

// IsNotFound reports whether err is ErrNotFound.
func IsNotFound(err error) bool { return errorsIs(err, ErrNotFound) }
