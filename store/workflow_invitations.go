package store

import (
	"context"
	"strings"
	"time"

	"github.com/beep/iam/domain"
)

// Invite creates a pending invitation. There is at most one pending
// invitation per organization and email (ErrDuplicate naming the unique
// index otherwise), and an email that already belongs to a member of the
// organization is refused with ErrConflict. A role other than owner, admin
// and member must be a custom role of the organization (checked in the
// transaction; a *domain.ValidationError for field role otherwise).
// p.OrganizationID may be left zero; another organization than the
// handle's is ErrWrongOrganization. It is OrgTx.Invite in a transaction of
// its own.
func (o *Org) Invite(ctx context.Context, p domain.InvitationParams) (domain.Invitation, error) {
	inv, err := newInvitation(o.ID(), p)
	if err != nil {
		return domain.Invitation{}, err
	}
	var out domain.Invitation
	err = o.InTx(ctx, func(tx *OrgTx) error {
		var err error
		out, err = tx.invite(ctx, inv)
		return err
	})
	return out, err
}

// Invite is Org.Invite in the caller's transaction.
func (tx *OrgTx) Invite(ctx context.Context, p domain.InvitationParams) (domain.Invitation, error) {
	inv, err := newInvitation(tx.o.ID(), p)
	if err != nil {
		return domain.Invitation{}, err
	}
	return tx.invite(ctx, inv)
}

// newInvitation builds the invitation for organization org, refusing
// params that name another one.
func newInvitation(org domain.OrganizationID, p domain.InvitationParams) (domain.Invitation, error) {
	if err := sameOrganization(org, p.OrganizationID, domain.TableInvitation, "invite", "organizationId"); err != nil {
		return domain.Invitation{}, err
	}
	p.OrganizationID = org
	return domain.NewInvitation(p)
}

func (tx *OrgTx) invite(ctx context.Context, inv domain.Invitation) (domain.Invitation, error) {
	var exists bool
	err := tx.tx.QueryRow(ctx, `SELECT EXISTS (
		SELECT 1 FROM `+domain.TableMember+` m JOIN `+domain.TableUser+` u ON u.id = m.user_id
		WHERE m.organization_id = $1 AND u.email = $2 AND m.deleted_at IS NULL)`, tx.o.id, inv.Email).Scan(&exists)
	if err != nil {
		return domain.Invitation{}, wrap(err, domain.TableInvitation, "invite", "")
	}
	if exists {
		return domain.Invitation{}, conflict(domain.TableInvitation, "invite", "", "the email already belongs to a member of the organization")
	}
	return tx.Invitations().Create(ctx, inv)
}

// AcceptInvitation makes user a member of the organization (and of the
// invitation's teams) with the invitation's role and marks the invitation
// accepted, in one transaction. Errors: ErrNotFound (no such invitation in
// this organization), ErrConflict (already accepted, rejected or canceled),
// ErrExpired, ErrForbidden (the invitation is for another email), a
// *domain.ValidationError for field role when a custom role of the
// invitation is no longer a role of the organization. It is
// OrgTx.AcceptInvitation in a transaction of its own.
func (o *Org) AcceptInvitation(ctx context.Context, id domain.InvitationID, user domain.UserID) (domain.Member, error) {
	var member domain.Member
	err := o.InTx(ctx, func(tx *OrgTx) error {
		var err error
		member, err = tx.AcceptInvitation(ctx, id, user)
		return err
	})
	return member, err
}

// AcceptInvitation is Org.AcceptInvitation in the caller's transaction.
func (tx *OrgTx) AcceptInvitation(ctx context.Context, id domain.InvitationID, user domain.UserID) (domain.Member, error) {
	inv, err := scanOne[domain.Invitation](tx.tx.QueryRow(ctx,
		tInvitation.selectSQL+" WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL FOR UPDATE", id.String(), tx.o.id))
	if err != nil {
		return domain.Member{}, wrap(err, domain.TableInvitation, "accept", id.String())
	}
	switch {
	case inv.Status != domain.InvitationStatusPending:
		return domain.Member{}, conflict(domain.TableInvitation, "accept", id.String(), "the invitation is "+string(inv.Status))
	case !inv.ExpiresAt.After(time.Now()):
		return domain.Member{}, &Error{Entity: domain.TableInvitation, Op: "accept", ID: id.String(), Kind: ErrExpired}
	}
	var email string
	if err := tx.tx.QueryRow(ctx, "SELECT email FROM "+domain.TableUser+" WHERE id = $1 AND deleted_at IS NULL", user.String()).Scan(&email); err != nil {
		return domain.Member{}, wrap(err, domain.TableUser, "accept", user.String())
	}
	if !strings.EqualFold(email, inv.Email) {
		return domain.Member{}, &Error{Entity: domain.TableInvitation, Op: "accept", ID: id.String(), Kind: ErrForbidden, Detail: "the invitation was sent to another email"}
	}
	now := time.Now()
	invited := inv.CreatedAt
	m, err := domain.NewMember(domain.MemberParams{
		OrganizationID: tx.o.ID(), UserID: user, Role: inv.Role, InvitedBy: &inv.InviterID,
		InvitedAt: &invited, JoinedAt: &now,
	})
	if err != nil {
		return domain.Member{}, err
	}
	// The invitation's custom roles are checked again here, in this
	// transaction: the organization may have deleted one since the
	// invitation was sent.
	member, err := tx.Members().Create(ctx, m)
	if err != nil {
		return domain.Member{}, err
	}
	if err := tx.o.s.step("accept: member created"); err != nil {
		return domain.Member{}, err
	}
	if inv.TeamID != nil {
		for _, t := range strings.Split(*inv.TeamID, ",") {
			teamID, err := domain.ParseID[domain.Team](strings.TrimSpace(t))
			if err != nil {
				return domain.Member{}, err
			}
			tm, err := domain.NewTeamMember(domain.TeamMemberParams{OrganizationID: tx.o.ID(), TeamID: teamID, UserID: user})
			if err != nil {
				return domain.Member{}, err
			}
			if _, err := tx.TeamMembers().Create(ctx, tm); err != nil {
				return domain.Member{}, err
			}
			if err := tx.o.s.step("accept: team member created"); err != nil {
				return domain.Member{}, err
			}
		}
	}
	if _, err = tx.tx.Exec(ctx, "UPDATE "+domain.TableInvitation+" SET status = 'accepted' WHERE id = $1 AND organization_id = $2", id.String(), tx.o.id); err != nil {
		return domain.Member{}, wrap(err, domain.TableInvitation, "accept", id.String())
	}
	return member, tx.o.s.step("accept: invitation accepted")
}

// setInvitationStatus moves a pending invitation to status.
func (o *Org) setInvitationStatus(ctx context.Context, id domain.InvitationID, status domain.InvitationStatus, op string) error {
	tag, err := o.db.Exec(ctx, "UPDATE "+domain.TableInvitation+" SET status = $1::invitation_status_enum WHERE id = $2 AND organization_id = $3 AND status = 'pending' AND deleted_at IS NULL",
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

// RejectInvitation marks a pending invitation rejected (one statement, no
// transaction of its own).
func (o *Org) RejectInvitation(ctx context.Context, id domain.InvitationID) error {
	return o.setInvitationStatus(ctx, id, domain.InvitationStatusRejected, "reject")
}

// RejectInvitation is Org.RejectInvitation in the caller's transaction.
func (tx *OrgTx) RejectInvitation(ctx context.Context, id domain.InvitationID) error {
	return tx.o.setInvitationStatus(ctx, id, domain.InvitationStatusRejected, "reject")
}

// CancelInvitation marks a pending invitation canceled (one statement, no
// transaction of its own).
func (o *Org) CancelInvitation(ctx context.Context, id domain.InvitationID) error {
	return o.setInvitationStatus(ctx, id, domain.InvitationStatusCanceled, "cancel")
}

// CancelInvitation is Org.CancelInvitation in the caller's transaction.
func (tx *OrgTx) CancelInvitation(ctx context.Context, id domain.InvitationID) error {
	return tx.o.setInvitationStatus(ctx, id, domain.InvitationStatusCanceled, "cancel")
}
