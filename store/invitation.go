package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// ListPending returns one page of the organization's pending invitations
// (expired ones included; check ExpiresAt).
func (r InvitationRepo) ListPending(ctx context.Context, page Page) ([]domain.Invitation, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "status = 'pending'")
}

// GetPendingByEmail returns the pending invitation for email.
func (r InvitationRepo) GetPendingByEmail(ctx context.Context, email string) (domain.Invitation, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "status = 'pending' AND email = $1", "", normalizeEmail(email))
}

// Create inserts the invitation into the bound organization. Its custom
// roles are checked like MemberRepo.Create's. Org.Invite also refuses an
// email that already belongs to a member.
func (r InvitationRepo) Create(ctx context.Context, i domain.Invitation) (domain.Invitation, error) {
	var out domain.Invitation
	err := r.o.withRoles(ctx, r.db, domain.TableInvitation, invitationRoles(i), "", func(db DB) (err error) {
		out, err = r.t.create(ctx, r.o.s, db, r.o.id, i)
		return err
	})
	return out, err
}

// Update writes the invitation's mutable columns with optimistic locking.
// Its custom roles are checked like MemberRepo.Update's.
func (r InvitationRepo) Update(ctx context.Context, i domain.Invitation) (domain.Invitation, error) {
	var out domain.Invitation
	err := r.o.withRoles(ctx, r.db, domain.TableInvitation, invitationRoles(i), i.ID.String(), func(db DB) (err error) {
		out, err = r.t.update(ctx, r.o.s, db, r.o.id, i)
		return err
	})
	return out, err
}

func invitationRoles(i domain.Invitation) []string {
	if i.Role == nil {
		return nil
	}
	return i.Role.Custom()
}
