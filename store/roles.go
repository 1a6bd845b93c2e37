package store

import (
	"context"
	"slices"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// Roles of members and invitations. The domain checks their form; whether a
// custom role (a name other than owner, admin, member) belongs to the
// organization only the database knows, so every write of a role to
// iam_member or iam_invitation checks its custom names against the
// organization's live iam_organization_role rows in the transaction of the
// write, and locks those rows FOR SHARE until it commits: a concurrent delete
// or rename of the role waits, and then finds the member that holds it.
// Callers never supply the list of roles that are allowed.

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

// withRoles runs write after checking that every name in custom is a live
// custom role of the organization, both in one transaction: db's when it is
// one, a new one otherwise. heldBy, when not "", is the id of the row being
// updated in entity: roles it already holds are not refused.
func (o *Org) withRoles(ctx context.Context, db DB, entity string, custom []string, heldBy string, write func(DB) error) error {
	if len(custom) == 0 {
		return write(db)
	}
	run := func(db DB) error {
		if err := o.checkRoles(ctx, db, entity, custom, heldBy); err != nil {
			return err
		}
		return write(db)
	}
	if _, single := db.(orgDB); single {
		return o.InTx(ctx, func(tx *OrgTx) error { return run(tx.tx) })
	}
	return run(db)
}

// checkRoles refuses the custom role names that are not live roles of the
// organization (a *domain.ValidationError for field role naming each), and
// locks the ones that are FOR SHARE until the transaction ends. db must be a
// transaction with app.current_org_id set.
func (o *Org) checkRoles(ctx context.Context, db DB, entity string, custom []string, heldBy string) error {
	rows, err := db.Query(ctx, `SELECT role FROM iam_organization_role
		WHERE organization_id = $1 AND role = ANY($2) AND deleted_at IS NULL
		ORDER BY role FOR SHARE`, o.id, custom)
	if err != nil {
		return wrap(err, domain.TableOrganizationRole, "check roles", "")
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return wrap(err, domain.TableOrganizationRole, "check roles", "")
	}
	var missing []string
	for _, name := range custom {
		if !slices.Contains(found, name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 && heldBy != "" {
		var held *string
		err := db.QueryRow(ctx, "SELECT role FROM "+pgx.Identifier{entity}.Sanitize()+
			" WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL", heldBy, o.id).Scan(&held)
		if err != nil && err != pgx.ErrNoRows { // a missing row is the update's ErrNotFound
			return wrap(err, entity, "check roles", heldBy)
		}
		if held != nil {
			stored := domain.Roles(*held)
			missing = slices.DeleteFunc(missing, stored.Has)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return unknownRoles(entity, missing)
}

// unknownRoles is the validation error for role names that are not roles of
// the organization.
func unknownRoles(entity string, names []string) error {
	v := domain.NewValidator(entity)
	for _, name := range names {
		v.Add("role", "role", "role: %q is not a role of this organization", truncateName(name))
	}
	return v.Err()
}

// truncateName shortens a role name for an error message (the domain bounds
// role names to 64 characters; this is a second guard).
func truncateName(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
