package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// MemberFilter narrows ListMembers; zero fields match everything.
type MemberFilter struct {
	Role   string              // members having this role (one of their comma-separated roles)
	Status domain.MemberStatus // members with this status
}

// GetByUser returns the user's live membership of the organization.
func (r MemberRepo) GetByUser(ctx context.Context, userID domain.UserID) (domain.Member, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "user_id = $1", userID.String(), userID.String())
}

// ListFiltered returns one page of the organization's live members matching
// f, in join order (served by the (organization_id, role) and
// (organization_id, status) indexes).
func (r MemberRepo) ListFiltered(ctx context.Context, f MemberFilter, page Page) ([]domain.Member, string, error) {
	cond, args := "TRUE", []any{}
	if f.Role != "" {
		args = append(args, f.Role)
		cond += " AND $1 = ANY(string_to_array(role, ','))"
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		cond += " AND status = $" + itoa(len(args)) + "::member_status_enum"
	}
	return r.t.list(ctx, r.db, r.o.id, page, cond, args...)
}

// ListByUserAcrossOrgs is deliberately absent: memberships of a user in
// several organizations are read per organization, through each Org handle.

// Create inserts the member into the bound organization (its organization_id
// is set to the handle's). Every custom role of m.Role must be a role of the
// organization, checked in the same transaction as the insert (one is
// opened when the handle is not in one); otherwise the error is a
// *domain.ValidationError for field role and nothing is written. A member
// with built-in roles only costs no extra statement.
func (r MemberRepo) Create(ctx context.Context, m domain.Member) (domain.Member, error) {
	var out domain.Member
	err := r.o.withRoles(ctx, r.db, domain.TableMember, m.Role.Custom(), "", func(db DB) (err error) {
		out, err = r.t.create(ctx, r.o.s, db, r.o.id, m)
		return err
	})
	return out, err
}

// Update writes the member's mutable columns with optimistic locking
// (ErrConflict when the version moved). Its custom roles are checked like
// Create's, except that a role the stored row already holds is not refused
// because the organization deleted it since: an update that leaves the role
// alone (a status, last_active_at) still succeeds. Use ChangeRole to change
// roles: it also protects the last owner.
func (r MemberRepo) Update(ctx context.Context, m domain.Member) (domain.Member, error) {
	var out domain.Member
	err := r.o.withRoles(ctx, r.db, domain.TableMember, m.Role.Custom(), m.ID.String(), func(db DB) (err error) {
		out, err = r.t.update(ctx, r.o.s, db, r.o.id, m)
		return err
	})
	return out, err
}
